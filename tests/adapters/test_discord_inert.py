"""Nothing a user or an article writes renders live on Discord: no link, mask, heading, mention.

A table of hostile inputs through the one escaping function, checked by a
small reading of Discord's markdown (`live_spots`); then the same hostile text
typed into questions, corrections, reasons and suggestions, through the real
discord.py against the loopback fake, and every string Discord received
(answers, cards, history, queue, digest, outbox edit and note) is checked.
"""

from __future__ import annotations

import asyncio
import re
import string
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import discord
import pytest

from adapters.discord.editor import DiscordEditor
from adapters.discord.markdown import inert
from adapters.discord.poster import ChannelPoster
from adapters.discord.render import sources_embed
from bot.digest import DigestScope, build_digest
from bot.outbox import OutboxWorker
from bot.replies import DigestItem, DigestReply, DigestSection
from bot.service import DigestDesk, OutboxDesk
from knowledge.models import Source
from tests.adapters.discord_fakes import (
    CHANNEL_ID,
    GUILD_ID,
    MOD_PERMS,
    DiscordHarness,
    deps_options,
    discord_bot,
    fake_discord,
    policy,
)

__all__ = ["deps_options", "discord_bot", "fake_discord", "policy"]

PUNCTUATION = frozenset(string.punctuation)
ANYWHERE = frozenset("\\*_~`|[]<>@")
LINE_START = re.compile(r"(?:#|-|\+|>|\*|\d+[.)])")


def live_spots(text: str) -> list[str]:
    """Where Discord's markdown could act on `text`, read the way Discord reads it: a
    backslash before punctuation makes that character literal; anything else from
    ANYWHERE, a `://` (autolink) or line-start syntax is live."""
    spots = []
    for line in text.split("\n"):
        if LINE_START.match(line):
            spots.append(f"line start {line[:12]!r}")
        i = 0
        while i < len(line):
            if line[i] == "\\" and line[i + 1 : i + 2] in PUNCTUATION:
                i += 2
                continue
            if line[i] in ANYWHERE:
                spots.append(f"{line[i]!r} at {i}")
            if line.startswith("://", i):
                spots.append(f"link at {i}")
            i += 1
    return spots


def as_read(text: str) -> str:
    """What a reader sees: each escape gives its character."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text)


HOSTILE_INPUTS = [
    # (input, what it must read as) — the reading is the input on one line, minus invisible characters.
    ("[Kremlin readout](https://evil.example/a) and [second](https://evil.example/b)", None),
    ("[outer [inner](https://evil.example/i)](https://evil.example/o)", None),
    ("[a]](https://x.example) [[b]](https://y.example)", None),
    ("# heading", None),
    ("## heading", None),
    ("### heading", None),
    ("-# subtext", None),
    ("> quote", None),
    (">>> block quote", None),
    ("`code` and ```block``` and ``double``", None),
    ("@everyone and @here", None),
    ("<@123> <@!123> <@&456> <#1> <t:1739520000:R> </ask:1> <:flag:2> <a:anim:3>", None),
    ("<https://evil.example/hidden-preview>", None),
    ("https://evil.example/bare and http://evil.example", None),
    ("**bold** *italic* __underline__ ~~strike~~ ||spoiler|| _under_", None),
    ("- item", None),
    ("* item", None),
    ("+ item", None),
    ("1. item", None),
    ("12) item", None),
    ("\\[typed backslash](https://evil.example)", None),
    ("\\\\@everyone", None),
    ("text\n# heading on a new line", "text # heading on a new line"),
    ("text\u2028# heading after a line separator", "text # heading after a line separator"),
    ("text\r\n> quote\n\n- item", "text > quote - item"),
    ("[zero\u200bwidth](https://evil.example/z)", "[zerowidth](https://evil.example/z)"),
    ("[a]\u200b(https://evil.example)", "[a](https://evil.example)"),
    ("@\u200beveryone", "@everyone"),
    ("\u200b# heading behind a zero-width space", "# heading behind a zero-width space"),
    ("\u202egnp.exe\u202c [x](https://evil.example)", "gnp.exe [x](https://evil.example)"),
    ("\ufeff\u2060-# subtext behind a BOM", "-# subtext behind a BOM"),
    ("h\u200bttps://evil.example", "https://evil.example"),
    ("\x00\x1b[31m<@1>\x7f\x85", "[31m<@1>"),
]


@pytest.mark.parametrize(("raw", "reads"), HOSTILE_INPUTS, ids=[repr(r[:24]) for r, _ in HOSTILE_INPUTS])
def test_hostile_text_is_inert_and_reads_as_typed(raw: str, reads: str | None) -> None:
    shown = inert(raw)
    assert live_spots(shown) == [], shown
    assert as_read(shown) == (reads if reads is not None else raw)
    assert "\n" not in shown


def test_plain_sentences_are_sent_as_they_are() -> None:
    sentence = "The call lasted 90 minutes (the Kremlin said so) - U.S. officials agreed; it's 10:30."
    assert inert(sentence) == sentence


def test_the_library_escape_leaves_the_second_masked_link_live() -> None:
    """Why talksbot has its own: discord.py's one greedy link pattern escapes only the first bracket."""
    two_links = "[a](https://x.example) [b](https://y.example)"
    assert live_spots(discord.utils.escape_markdown(two_links))
    assert live_spots(inert(two_links)) == []


@pytest.mark.parametrize(
    "unit", ["*", "[", "[a](", "\\", "@", "<@1>", "\u200b", "# ", "a" * 9 + " ", "`*_~|"], ids=repr
)
def test_escaping_takes_linear_time(unit: str) -> None:
    def best(n: int) -> float:
        text = (unit * (n // len(unit) + 1))[:n]
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            inert(text)
            runs.append(time.perf_counter() - started)
        return min(runs)

    small, large = best(20_000), best(40_000)
    # Twice the text, about twice the time (quadratic would be four times); 1 ms slack for timer noise.
    assert large < 3 * small + 0.001, (small, large)
    assert best(400_000) < 0.2


# ---- every Discord surface, through discord.py ------------------------------------------------

HOSTILE = (
    "[Kremlin readout](https://evil.example/a) [second link](https://evil.example/b) "
    "[outer [inner](https://evil.example/i)](https://evil.example/o) @everyone @here <@123> <@&456> <#1> "
    "<t:1739520000:R> # heading -# sub > quote `code` ||spoiler|| **bold** ~~gone~~ __under__ "
    "https://evil.example/bare [zero\u200bwidth](https://evil.example/z)"
)
# Live forms of HOSTILE's parts; (?<!\\) means "not escaped".
LIVE_FORMS = re.compile(
    r"(?<!\\)\[(?:Kremlin|second|outer|inner|zero)"
    r"|(?<!\\)\]\("
    r"|(?<!\\)@(?:everyone|here)"
    r"|(?<!\\)<[@#t]"
    r"|https?://evil"
    r"|(?<!\\)`code|(?<!\\)\|\|spoiler|(?<!\\)\*\*bold|(?<!\\)~~gone|(?<!\\)__under"
)
# What each surface must show, so that the check above is not passed by leaving the text out.
ESCAPED = inert("[Kremlin readout](https://evil.example/a)")
CLAIM = "call-length-90-minutes"


def strings_in(body: Any) -> Iterator[str]:
    """Every text Discord renders in a message body: content, and each embed's parts."""
    if not isinstance(body, dict):
        return
    data = body.get("data", body)
    if isinstance(data.get("content"), str):
        yield data["content"]
    for embed in data.get("embeds") or []:
        for key in ("title", "description"):
            if isinstance(embed.get(key), str):
                yield embed[key]
        for field in embed.get("fields") or []:
            yield field.get("name") or ""
            yield field.get("value") or ""
        yield (embed.get("footer") or {}).get("text") or ""
        yield (embed.get("author") or {}).get("name") or ""


def shows_escaped(body: Any) -> bool:
    return any(ESCAPED in s for s in strings_in(body))


async def _no_sleep(_: float) -> None:
    return None


async def test_hostile_text_reaches_every_discord_surface_inert(discord_bot: DiscordHarness) -> None:
    bot, fake = discord_bot, discord_bot.fake
    mod: dict[str, Any] = {"permissions": MOD_PERMS}

    # A digest showing the claim is posted first, so that the correction below adds a note under it.
    card = (await bot.service.claim(CLAIM)).claim
    first = DigestReply(
        period_start=bot.service.clock() - timedelta(days=1),
        period_end=bot.service.clock(),
        sections=[DigestSection("Key claims", [DigestItem(text=card.text, claim_id=CLAIM)])],
        has_news=True,
    )
    await ChannelPoster(bot.client).post_digest(str(CHANNEL_ID), first)

    question = "How long was the Trump-Putin call? " + HOSTILE
    answer = await bot.response_to(bot.payloads.command("ask", {"question": question}))
    for _ in range(500):  # the answer is remembered after its callback: wait, so the correction reaches it
        if await OutboxDesk(bot.service).posted_message(2) is not None:
            break
        await asyncio.sleep(0.01)
    await bot.response_to(bot.payloads.command("ask", {"question": HOSTILE}))  # not answered: to the queue
    corrected = await bot.response_to(
        bot.payloads.command(
            "correct",
            {"claim": CLAIM, "text": "The call lasted 90 minutes. " + HOSTILE, "reason": HOSTILE},
            **mod,
        )
    )
    claim_card = await bot.response_to(bot.payloads.command("claim", {"id": CLAIM}))
    history = await bot.response_to(bot.payloads.command("history", {"claim": CLAIM}, **mod))
    await bot.response_to(bot.payloads.command("suggest", {"claim": CLAIM, "text": HOSTILE, "reason": HOSTILE}))
    queue = await bot.response_to(bot.payloads.command("queue list", **mod))
    scope = DigestScope("discord", str(GUILD_ID), "moderators")
    digest = await build_digest(DigestDesk(bot.service), since=None, now=bot.service.clock(), scope=scope)
    await ChannelPoster(bot.client).post_digest(str(CHANNEL_ID), digest)
    worker = OutboxWorker(OutboxDesk(bot.service), "discord", DiscordEditor(bot.client), sleep=_no_sleep)
    done = [d.result for _ in range(2) for d in await worker.run_once()]  # one row per channel per pass
    assert sorted(done) == ["noted", "updated"]

    [edit] = [r for r in fake.requests if r.method == "PATCH"]
    digests = [r for r in fake.find("POST", f"/channels/{CHANNEL_ID}/messages") if "message_reference" not in r.body]
    [note] = [r for r in fake.find("POST", f"/channels/{CHANNEL_ID}/messages") if "message_reference" in r.body]
    surfaces = {
        "answer": answer,
        "correction confirmed": corrected,
        "claim card": claim_card,
        "history": history,
        "queue": queue,
        "digest": digests[-1].body,
        "outbox edit": edit.body,
        "outbox note": note.body,
    }
    for name, body in surfaces.items():
        assert shows_escaped(body), (name, list(strings_in(body)))
    for request in fake.requests:
        for text in strings_in(request.body):
            assert not LIVE_FORMS.search(text), (request.path, LIVE_FORMS.findall(text), text)
    # The question's own echo (the public part anyone in the channel sees) is escaped too.
    assert answer["data"]["content"].startswith("**Q:** " + inert(question)[:100])


def test_an_outlet_and_headline_a_moderator_typed_are_inert_in_sources() -> None:
    """`talksbot ingest --outlet/--headline` text, shown by /sources (the outlet as a field name)."""
    embed = sources_embed([Source(id="005_hostile", outlet=HOSTILE[:100], title=HOSTILE, url="https://ok.example/a")])
    [field] = embed.fields
    assert ESCAPED in (field.name or "") and ESCAPED in (field.value or "")
    for text in (field.name or "", field.value or "", embed.title or ""):
        assert not LIVE_FORMS.search(text), text


async def test_an_error_quoting_what_was_typed_is_inert(discord_bot: DiscordHarness) -> None:
    body = await discord_bot.response_to(discord_bot.payloads.command("claim", {"id": HOSTILE}))
    content = body["data"]["content"]
    assert content.startswith("There is no claim with id") and shows_escaped(body)
    assert not LIVE_FORMS.search(content), content


async def test_the_moderator_url_is_a_link_to_itself_only(discord_bot: DiscordHarness) -> None:
    body = await discord_bot.response_to(
        discord_bot.payloads.command(
            "correct",
            {
                "claim": CLAIM,
                "text": "The call lasted about ninety minutes.",
                "reason": "Readout.",
                "url": "https://Bücher.example/read|out?a=1&b=`x`",
            },
            permissions=MOD_PERMS,
        )
    )
    description = body["data"]["embeds"][0]["description"]
    assert "Source: <https://xn--bcher-kva.example/read%7Cout?a=1&b=%60x%60>" in description
    refused = await discord_bot.response_to(
        discord_bot.payloads.command(
            "correct",
            {"claim": CLAIM, "text": "x", "reason": "y", "url": "https://ok.example>[click](https://evil.example)"},
            permissions=MOD_PERMS,
        )
    )
    assert "angle brackets" in refused["data"]["content"]
    assert not LIVE_FORMS.search(refused["data"]["content"])


def test_a_url_stored_before_urls_were_checked_is_shown_as_text() -> None:
    from adapters.discord.render import link

    assert link("https://ok.example/a") == "<https://ok.example/a>"
    shown = link("https://ok.example>[click](https://evil.example/x) <@1>")
    assert live_spots(shown) == [] and not shown.startswith("<")


def test_cutting_escaped_text_leaves_nothing_live() -> None:
    """A cut may split an escape from its character; what is left is still inert."""
    from adapters.discord.render import shorten

    shown = inert("[a](https://evil.example) " * 40)
    for limit in range(1, 120):
        assert live_spots(shorten(shown, limit).rstrip("…\\")) == []
