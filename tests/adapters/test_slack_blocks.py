"""Pure parts of the Slack adapter: rendering within limits, escaping, command parsing, modal validation."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.slack import blocks, modal
from adapters.slack.commands import HELP, parse_command
from adapters.slack.poster import SlackDigestPoster
from bot import messages
from bot.replies import AnswerReply, ClaimCardReply, ClaimView, DigestItem, DigestReply, DigestSection, QuoteView
from knowledge.errors import BadInput
from knowledge.models import Correction

NOW = datetime(2025, 2, 14, 9, 0, tzinfo=UTC)


def _all_text(items: list[dict[str, Any]]) -> list[str]:
    out = []
    for b in items:
        if isinstance(b.get("text"), dict):
            out.append(b["text"]["text"])
        out += [e["text"] for e in b.get("elements", []) if isinstance(e.get("text"), str)]
    return out


def _view(claim_id: str = "a-claim", quotes: int = 2, size: int = 50, **kwargs: Any) -> ClaimView:
    qs = [QuoteView("src", "Outlet — <b>Title</b>", "Outlet", "Title", "q" * size, 0, size) for _ in range(quotes)]
    return ClaimView(
        claim_id, kwargs.pop("text", "A statement."), "Original.", kwargs.pop("status", "active"), qs, **kwargs
    )


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<!channel>", "&lt;!channel&gt;"),
        ("<@U123|bob> & <!here>", "&lt;@U123|bob&gt; &amp; &lt;!here&gt;"),
        ("&lt;", "&amp;lt;"),
        ("plain", "plain"),
    ],
)
def test_escape(raw: str, escaped: str) -> None:
    assert blocks.escape(raw) == escaped
    assert blocks.unescape(escaped) == raw


def test_fit_never_cuts_an_entity_in_half() -> None:
    text = blocks.escape("a" * 2997 + "<<<<")
    cut = blocks.fit(text)
    assert len(cut) <= 3000 and cut.endswith("…")
    assert not cut[:-1].endswith(("&", "&l", "&lt"))


def test_mention_only_for_slack_user_ids() -> None:
    assert blocks.mention("U0123ABC") == "<@U0123ABC>"
    assert blocks.mention("!channel") == "Someone"
    assert blocks.mention(None) == "Someone"


def test_answer_stays_within_slack_limits_with_huge_claims() -> None:
    views = [_view(f"claim-{i}", quotes=30, size=5000, conflicts=[("x", "<!here>" * 800)]) for i in range(3)]
    message = blocks.answer_message(AnswerReply("q", views, question_id=7), asker="U1ABC")
    assert len(message.blocks) <= blocks.MAX_BLOCKS
    assert all(len(t) <= blocks.TEXT_LIMIT for t in _all_text(message.blocks))
    assert "<!here>" not in json.dumps(message.payload())
    assert len(message.text) <= blocks.FALLBACK_LIMIT
    more = [t for t in _all_text(message.blocks) if "more quote" in t]
    assert more and "`/talks claim claim-0`" in more[0]
    buttons = [b for b in message.blocks if b["type"] == "actions"]
    assert [b["block_id"] for b in buttons] == ["feedback_1", "feedback_2", "feedback_3"]
    assert blocks.parse_feedback_value(buttons[1]["elements"][0]["value"]) == (7, "claim-1")


def test_claim_card_shows_correction_and_retraction() -> None:
    correction = Correction(text="<!channel> New.", reason="R & D", by="mod", at=NOW, url="https://e.org/?a=1&b=2")
    view = _view(status="retracted", correction=correction, retraction_reason="gone", quotes=40)
    message = blocks.claim_card_message(ClaimCardReply(view))
    text = "\n".join(_all_text(message.blocks))
    assert len(message.blocks) <= blocks.MAX_BLOCKS
    assert "Retracted by moderators: gone" in text
    assert "Corrected by mod on 2025-02-14: R &amp; D" in text
    assert "https://e.org/?a=1&amp;b=2" in text
    assert messages.ARTICLE_SAID in text
    assert "Outlet — &lt;b&gt;Title&lt;/b&gt;" in text


@pytest.mark.parametrize("value", ["", "not json", "[1]", '{"q": "x", "c": "a"}', '{"q": 1}'])
def test_foreign_feedback_values_are_rejected(value: str) -> None:
    assert blocks.parse_feedback_value(value) is None


def _digest(items: int) -> DigestReply:
    quote = QuoteView("src", "Outlet", "Outlet", None, "A quote.", 0, 8)
    section = DigestSection("Key claims", [DigestItem(f"Claim {i}", f"c-{i}", "detail", [quote]) for i in range(items)])
    return DigestReply(NOW, NOW, [section], has_news=True)


def test_long_digest_is_split_into_messages_of_at_most_50_blocks() -> None:
    parts = blocks.digest_messages(_digest(40))
    assert len(parts) == 4
    assert all(len(p.blocks) <= blocks.MAX_BLOCKS for p in parts)
    assert all(p.text.startswith("talksbot digest") for p in parts)
    assert "part 4 of 4" in parts[-1].text
    assert len(blocks.digest_messages(_digest(1))) == 1


class _RecordingClient:
    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []

    async def chat_postMessage(self, **kwargs: Any) -> dict[str, Any]:
        self.posts.append(kwargs)
        return {"ok": True}


async def test_poster_paces_posts_to_one_channel() -> None:
    client = _RecordingClient()
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    poster = SlackDigestPoster(client, sleep=sleep, monotonic=lambda: 100.0)  # type: ignore[arg-type]
    await poster.post_digest("C1", _digest(40))
    assert len(client.posts) == 4 and waits == [1.0, 1.0, 1.0]
    await poster.post_digest("C2", _digest(1))
    assert len(waits) == 3, "another channel does not wait"
    assert all(p["unfurl_links"] is False for p in client.posts)


@pytest.mark.parametrize(
    ("text", "kind", "claim_id", "rest"),
    [
        ("", "help", None, ""),
        ("help", "help", None, ""),
        ("sources", "sources", None, ""),
        ("claim call-length-90-minutes", "claim", "call-length-90-minutes", ""),
        ("claim about the call", "ask", None, "claim about the call"),
        ("correct", "correct", None, ""),
        ("correct call-x", "correct", "call-x", ""),
        ("retract call-x wrong quote", "retract", "call-x", "wrong quote"),
        ("restore call-x", "restore", "call-x", ""),
        ("restore call-x with a note", "restore", "call-x", "with a note"),
        ("history call-x", "history", "call-x", ""),
        ("history of the talks", "ask", None, "history of the talks"),
        ("digest preview", "preview", None, ""),
        ("digest unsubscribe", "unsubscribe", None, ""),
        ("How long was the call?", "ask", None, "How long was the call?"),
    ],
)
def test_parse_command(text: str, kind: str, claim_id: str | None, rest: str) -> None:
    cmd = parse_command(text)
    assert (cmd.kind, cmd.claim_id, cmd.text) == (kind, claim_id, rest)


def test_parse_digest_subscribe() -> None:
    assert parse_command("digest subscribe 08:30 Europe/Kyiv").args == ["08:30", "Europe/Kyiv"]


@pytest.mark.parametrize("text", ["claim", "retract", "retract call-x", "history", "digest", "digest subscribe 08:30"])
def test_malformed_subcommands_name_their_usage(text: str) -> None:
    with pytest.raises(BadInput, match="Usage: `/talks"):
        parse_command(text)


def test_every_subcommand_has_one_line_help() -> None:
    assert all(form and help_text and "\n" not in help_text for form, help_text in HELP.values())


def test_modal_view_and_field_errors() -> None:
    view = modal.correction_view(modal.ModalContext("C1", "https://hooks"), ("a-claim", "x" * 200))
    assert len(view["title"]["text"]) <= 24
    assert modal.ModalContext.load(view["private_metadata"]) == modal.ModalContext("C1", "https://hooks")
    assert len(view["blocks"][0]["element"]["initial_option"]["text"]["text"]) <= 75
    form = modal.CorrectionInput("a-claim", "New.", "Why.", "javascript:alert(1)")
    assert set(modal.field_errors(form)) == {modal.URL_BLOCK}
    assert modal.field_errors(modal.CorrectionInput("a-claim", "New.", "Why.", None)) == {}
    too_long = modal.CorrectionInput("a", "New.", "r" * (messages.MAX_REASON_CHARS + 1), None)
    assert modal.field_errors(too_long) == {modal.REASON_BLOCK: messages.too_long("reason", messages.MAX_REASON_CHARS)}
