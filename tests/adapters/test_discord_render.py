"""Replies → embeds: Discord's limits, word-boundary cuts, and whole source labels."""

from __future__ import annotations

from datetime import UTC, datetime

import discord
import pytest

from adapters.discord import render
from bot import messages
from bot.replies import (
    AnswerReply,
    ClaimCardReply,
    ClaimView,
    DigestItem,
    DigestReply,
    DigestSection,
    HistoryReply,
    NoAnswerReply,
    QuoteView,
)
from knowledge.models import Correction, HistoryEntry, Moderator, Source
from tests.adapters.discord_limits import limit_problems

NOW = datetime(2025, 2, 14, 9, 0, tzinfo=UTC)
WORDS = "Putin and Trump spoke for about ninety minutes about Ukraine and the talks in Riyadh "


def long_text(n: int) -> str:
    return (WORDS * (n // len(WORDS) + 1))[:n]


def quote(i: int, length: int = 900, label: str | None = None) -> QuoteView:
    label = label or f"Outlet {i} — A headline that is fairly long and has an_underscore number {i}"
    return QuoteView(f"src{i}", label, f"Outlet {i}", "Headline", long_text(length), 0, length)


def view(claim_id: str = "call-length", quotes: int = 30, text_len: int = 480, **kw: object) -> ClaimView:
    return ClaimView(
        claim_id=claim_id,
        text=long_text(text_len),
        original_text=long_text(400),
        status=kw.pop("status", "corrected"),  # type: ignore[arg-type]
        quotes=[quote(i) for i in range(quotes)],
        correction=Correction(text="x", reason=long_text(500), by="Mod @everyone", at=NOW, url="https://example.org/a"),
        conflicts=[(f"other-{i}", long_text(500)) for i in range(12)],
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("exactly ten", 11, "exactly ten"),
        ("one two three four", 12, "one two…"),
        ("one two three four", 8, "one two…"),
        ("one two three four", 7, "one…"),
        ("unbreakableword", 6, "unbre…"),
    ],
)
def test_shorten_cuts_at_a_word_boundary_with_an_ellipsis(text: str, limit: int, expected: str) -> None:
    assert render.shorten(text, limit) == expected
    assert len(render.shorten(text, limit)) <= limit


def test_a_shortened_quote_keeps_its_whole_source_label() -> None:
    q = quote(1, length=2000, label="Kyiv Independent — A very long headline " + "word " * 30)
    block = render.quote_block(q, 600)
    assert block is not None and len(block) <= 600
    body, source = block.split("\n")
    assert body.startswith("> “") and body.endswith("…”")
    assert source == "— " + render.escape(q.source_label)
    assert render.quote_block(q, len(q.source_label) + 20) is None


def test_an_answer_of_three_huge_claims_fits_one_message() -> None:
    reply = AnswerReply("q", [view("a"), view("b"), view("c"), view("d")], question_id=1)
    embeds = render.answer_embeds(reply)
    assert len(embeds) == 3
    assert limit_problems(embeds) == []
    for embed in embeds:
        description = embed.description or ""
        # Every quote shown is followed by its full label; the rest are pointed to, not cut.
        shown = description.count("> “")
        assert shown >= 1
        assert description.count("\n— Outlet ") == shown
        assert "more quotes" in description
        assert embed.fields[0].name and messages.SOURCES_DISAGREE in embed.fields[0].name


def test_a_claim_longer_than_a_title_keeps_its_full_text_as_the_first_line() -> None:
    embed = render.claim_embed(view(text_len=480, quotes=1))
    assert embed.title and len(embed.title) <= 256 and embed.title.endswith("…")
    assert (embed.description or "").startswith("**" + render.escape(long_text(480)))


def test_a_claim_card_shows_correction_retraction_and_flag() -> None:
    card = view(quotes=2, text_len=60, status="retracted", retraction_reason="Wrong date", in_curated=False)
    embed = render.claim_card_embed(ClaimCardReply(card))
    text = embed.description or ""
    assert messages.RETRACTED.format(reason="Wrong date") in text
    assert "Corrected by Mod \\@everyone" in text  # shown as typed, never a mention
    assert messages.ARTICLE_SAID in text
    assert messages.FLAGGED in text
    assert limit_problems([embed]) == []


def test_no_answer_text_has_at_most_three_suggestions_within_the_content_limit() -> None:
    text = render.no_answer_text(NoAnswerReply("q", [long_text(3000)] * 5))
    assert text.startswith(messages.NO_ANSWER)
    assert text.count("\n• ") == 3
    assert len(text) <= render.CONTENT_LIMIT


def test_digest_of_many_long_sections_fits_one_message() -> None:
    sections = [
        DigestSection(
            f"Section {s} " + long_text(300),
            [DigestItem(long_text(700), f"c{i}", long_text(300), [quote(i), quote(i + 1)]) for i in range(20)],
        )
        for s in range(14)
    ]
    embeds = render.digest_embeds(DigestReply(NOW, NOW, sections, has_news=True))
    assert len(embeds) == render.EMBEDS_PER_MESSAGE
    assert limit_problems(embeds) == []
    for embed in embeds[1:]:
        text = embed.description or ""
        assert text.count("> “") == text.count("\n— Outlet ")


def test_sources_and_history_fit() -> None:
    sources = [Source(id=f"s{i}", outlet=long_text(400), title=long_text(900), url="https://e.org") for i in range(40)]
    embed = render.sources_embed(sources)
    assert limit_problems([embed]) == []
    assert render.sources_embed([Source(id="s1")]).fields[0].name == "Outlet unknown"

    by = Moderator(platform="discord", user_id="1", name="Mod")
    entries = [
        HistoryEntry(
            id=i, claim_id="c", action="correct", text=long_text(500), reason=long_text(500), url=None, by=by, at=NOW
        )
        for i in range(40)
    ]
    embed = render.history_embed(HistoryReply("c", entries))
    assert limit_problems([embed]) == []
    assert render.history_embed(HistoryReply("c", [])).description == "No moderator has changed this claim."


def test_markdown_in_echoed_text_is_escaped() -> None:
    assert render.escape("**bold** and `code`\nnew line") == "\\*\\*bold\\*\\* and \\`code\\` new line"
    assert isinstance(render.claim_embed(view(quotes=0, text_len=20)), discord.Embed)
