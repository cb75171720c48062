"""A claim's moderation history and the review queue, as the CLI, Discord and Slack show them.

The three renderers share one neutral line builder (bot/moderation_lines.py); these
tables pin each renderer's bytes, so a line dropped, reordered or left unescaped on one
platform fails here by name.
"""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.discord import render as discord_render
from adapters.discord.queue import queue_text, queue_view
from adapters.slack import blocks as slack_blocks
from adapters.slack import queue_blocks as slack_queue_blocks
from bot.cli.render import render, render_queue
from bot.replies import HistoryReply
from knowledge.models import Candidate, HistoryEntry, Moderator, QueueItem, Quote
from knowledge.posted import Reach

AT = datetime(2025, 2, 14, 9, 5, tzinfo=UTC)
MOD = Moderator(platform="discord", user_id="7", name="Mod *One*", community_id="123", community_name="News <room>")
ANA = Moderator(platform="cli", user_id="ana", name="Ana")

HISTORY = HistoryReply(
    "call-x",
    [
        HistoryEntry(
            id=1,
            claim_id="call-x",
            action="correct",
            text="Now *90* minutes <!channel> & more",
            reason="The _source_ said so",
            url="https://e.org/a_b?x=1&y=2",
            by=MOD,
            at=AT,
            credit="Reader <@U123>",
        ),
        HistoryEntry(id=2, claim_id="call-x", action="retract", text=None, reason="wrong", url=None, by=ANA, at=AT),
        HistoryEntry(id=3, claim_id="call-x", action="restore", text=None, reason=None, url=None, by=ANA, at=AT),
    ],
    {1: Reach(queued=3, updated=2, noted=1), 2: Reach()},
)


def _candidate(item_id: int, proposal: str, quote: str, claim_id: str, similarity: float) -> Candidate:
    source = "005_followup" if proposal != "supports" else "002_x"
    return Candidate(
        item_id=item_id,
        source_id=source,
        proposal=proposal,  # type: ignore[arg-type]
        quote=Quote(source_id=source, start=0, end=len(quote), quote=quote),
        text="drafted",
        topic="t",
        claim_id=claim_id,
        similarity=similarity,
    )


QUEUE = [
    QueueItem(
        id=4,
        kind="unanswered",
        text="Who *won* <!here> & why?",
        claim_ids=["call-x", "call-y"],
        asked=3,
        communities=["discord, News (1)", "slack, T_1 <x>"],
        first_at=AT,
        last_at=AT,
    ),
    QueueItem(
        id=5,
        kind="candidate",
        text="Norway _reported_ herring.",
        first_at=AT,
        last_at=AT,
        candidate=_candidate(5, "conflicts", "Herring *catch* <b>", "call-x", 0.5),
    ),
    QueueItem(id=6, kind="suggestion", text="Should say 80", claim_ids=["call-x"], first_at=AT, last_at=AT),
    QueueItem(
        id=7,
        kind="candidate",
        text="Supports it",
        first_at=AT,
        last_at=AT,
        candidate=_candidate(7, "supports", "abc", "call-y", 0.91),
    ),
]


# ---- history ----------------------------------------------------------------------------------


def test_history_in_the_terminal() -> None:
    assert render(HISTORY) == (
        "2025-02-14 09:05 UTC  correct  by Mod *One* (discord, News <room> (123), user 7)\n"
        "    text: Now *90* minutes <!channel> & more\n"
        "    reason: The _source_ said so\n"
        "    url: https://e.org/a_b?x=1&y=2\n"
        "    suggested by: Reader <@U123>\n"
        "    posted messages: 3 queued: 2 updated, 1 noted, 0 skipped, 0 failed\n"
        "2025-02-14 09:05 UTC  retract  by Ana (cli, user ana)\n"
        "    reason: wrong\n"
        "    posted messages: none showed this claim\n"
        "2025-02-14 09:05 UTC  restore  by Ana (cli, user ana)"
    )


def test_history_on_discord() -> None:
    assert discord_render.history_embed(HISTORY).description == (
        "**2025-02-14 09:05 UTC · correct** by Mod \\*One\\* (discord, News \\<room\\> (123))\n"
        "Text: Now \\*90\\* minutes \\<!channel\\> & more\n"
        "Reason: The \\_source\\_ said so\n"
        "Link: <https://e.org/a_b?x=1&y=2>\n"
        "Suggested by: Reader \\<\\@U123\\>\n"
        "Posted messages: 3 queued: 2 updated, 1 noted, 0 skipped, 0 failed\n\n"
        "**2025-02-14 09:05 UTC · retract** by Ana (cli)\n"
        "Reason: wrong\n"
        "Posted messages: none showed this claim\n\n"
        "**2025-02-14 09:05 UTC · restore** by Ana (cli)"
    )


def test_history_on_slack() -> None:
    [message] = slack_blocks.history_messages(HISTORY)
    assert message.text == "History of call-x"
    assert [b["text"]["text"] for b in message.blocks] == [
        "*History of* `call-x`",
        "*correct* by Mod *One* (discord, News &lt;room&gt; (123)), 2025-02-14 09:05 UTC\n"
        "Text: Now *90* minutes &lt;!channel&gt; &amp; more\n"
        "Reason: The _source_ said so\n"
        "URL: <https://e.org/a_b?x=1&amp;y=2>\n"
        "Suggested by: Reader &lt;@U123&gt;\n"
        "Posted messages: 3 queued: 2 updated, 1 noted, 0 skipped, 0 failed",
        "*retract* by Ana (cli), 2025-02-14 09:05 UTC\nReason: wrong\nPosted messages: none showed this claim",
        "*restore* by Ana (cli), 2025-02-14 09:05 UTC",
    ]


# ---- the review queue ---------------------------------------------------------------------------


def test_the_queue_in_the_terminal() -> None:
    assert render_queue(QUEUE) == (
        "#4 unanswered asked 3× since 2025-02-14 09:05 UTC\n"
        "    “Who *won* <!here> & why?”\n"
        "    claims: call-x, call-y\n"
        "    from: discord, News (1); slack, T_1 <x>\n"
        "#5 candidate  asked 1× since 2025-02-14 09:05 UTC\n"
        "    “Norway _reported_ herring.”\n"
        "    Proposed: new claim conflicting with call-x (similarity 0.50); quote from 005_followup\n"
        "    quote: “Herring *catch* <b>”\n"
        "#6 suggestion asked 1× since 2025-02-14 09:05 UTC\n"
        "    “Should say 80”\n"
        "    claims: call-x\n"
        "#7 candidate  asked 1× since 2025-02-14 09:05 UTC\n"
        "    “Supports it”\n"
        "    Proposed: supports call-y (similarity 0.91); quote from 002_x"
    )


# A candidate's quote shows on every platform (chat listings used to leave it to the CLI).
def test_the_queue_on_discord() -> None:
    assert queue_text(QUEUE) == (
        "**#4 · unanswered** · asked 3× · since 2025-02-14\n"
        "> Who \\*won\\* \\<!here\\> & why?\n"
        "Claims: `call-x`, `call-y`\n"
        "From: discord, News (1); slack, T\\_1 \\<x\\>\n"
        "**#5 · candidate** · asked 1× · since 2025-02-14\n"
        "> Norway \\_reported\\_ herring.\n"
        "Proposed: new claim conflicting with call-x (similarity 0.50); quote from 005\\_followup\n"
        "Quote: “Herring \\*catch\\* \\<b\\>”\n"
        "**#6 · suggestion** · asked 1× · since 2025-02-14\n"
        "> Should say 80\n"
        "Claims: `call-x`\n"
        "**#7 · candidate** · asked 1× · since 2025-02-14\n"
        "> Supports it\n"
        "Proposed: supports call-y (similarity 0.91); quote from 002\\_x"
    )


def test_the_queue_on_slack() -> None:
    message = slack_queue_blocks.queue_message(QUEUE)
    assert message.text == "4 review items"
    assert [b["text"]["text"] for b in message.blocks if b["type"] == "section"] == [
        "*#4 · unanswered* · asked 3× · since 2025-02-14\n"
        "> Who *won* &lt;!here&gt; &amp; why?\n"
        "Claims: `call-x`, `call-y`\n"
        "From: discord, News (1); slack, T_1 &lt;x&gt;",
        "*#5 · candidate* · asked 1× · since 2025-02-14\n"
        "> Norway _reported_ herring.\n"
        "Proposed: new claim conflicting with call-x (similarity 0.50); quote from 005_followup\n"
        "Quote: “Herring *catch* &lt;b&gt;”",
        "*#6 · suggestion* · asked 1× · since 2025-02-14\n> Should say 80\nClaims: `call-x`",
        "*#7 · candidate* · asked 1× · since 2025-02-14\n"
        "> Supports it\n"
        "Proposed: supports call-y (similarity 0.91); quote from 002_x",
    ]


# A question is dismissed; a suggestion or a candidate is accepted or rejected.
BUTTONS = {4: ["dismiss"], 5: ["accept", "reject"], 6: ["accept", "reject"], 7: ["accept", "reject"]}


def test_each_queue_item_gets_the_buttons_its_kind_allows_on_discord() -> None:
    view = queue_view(QUEUE)
    assert view is not None
    rows = view.to_components()
    codes = {"d": "dismiss", "a": "accept", "r": "reject"}
    shown: dict[int, list[str]] = {}
    for row in rows:
        for button in row["components"]:
            _, _, code, item = button["custom_id"].split(":")
            shown.setdefault(int(item), []).append(codes[code])
            assert button["style"] == (3 if code == "a" else 4)  # accept green, the others red
    assert shown == BUTTONS


def test_each_queue_item_gets_the_buttons_its_kind_allows_on_slack() -> None:
    message = slack_queue_blocks.queue_message(QUEUE)
    rows = [b for b in message.blocks if b["type"] == "actions"]
    shown = {
        int(row["block_id"].removeprefix("queue_")): [e["action_id"].removeprefix("queue_") for e in row["elements"]]
        for row in rows
    }
    assert shown == BUTTONS
