"""Every message is cut to its platform's documented limits, in one place per platform.

Discord refuses a whole message over any limit, so a reply echoing a
6,000-character id would never arrive: checked through the real discord.py
against the loopback fake. Then each guard on its own, with a table of
messages that break every limit.
"""

from __future__ import annotations

import copy
from typing import Any

import discord
import pytest

from adapters.discord import limits as dlimits
from adapters.slack import limits as slimits
from adapters.slack.blocks import SlackMessage
from tests.adapters.discord_fakes import (
    EPHEMERAL,
    MOD_PERMS,
    DiscordHarness,
    deps_options,
    discord_bot,
    fake_discord,
    policy,
)
from tests.adapters.discord_limits import limit_problems

__all__ = ["deps_options", "discord_bot", "fake_discord", "policy"]

LONG_ID = "x" * 6000  # Discord lets a string option hold 6,000 characters


@pytest.mark.parametrize(
    ("command", "options", "who"),
    [
        ("claim", {"id": LONG_ID}, {}),
        ("suggest", {"claim": LONG_ID, "text": "t", "reason": "r"}, {}),
        ("history", {"claim": LONG_ID}, {"permissions": MOD_PERMS}),
        ("retract", {"claim": LONG_ID, "reason": "r"}, {"permissions": MOD_PERMS}),
    ],
)
async def test_an_error_echoing_a_6000_character_id_is_delivered_within_2000(
    discord_bot: DiscordHarness, command: str, options: dict[str, str], who: dict[str, Any]
) -> None:
    body = await discord_bot.response_to(discord_bot.payloads.command(command, options, **who))
    content = body["data"]["content"]
    assert 0 < len(content) <= dlimits.CONTENT_LIMIT
    # The id is echoed cut (no id is longer than 80 characters), then the whole reply fits.
    assert content.startswith("There is no claim with id") and "…" in content
    assert body["data"]["flags"] & EPHEMERAL


def _embed(**parts: Any) -> discord.Embed:
    embed = discord.Embed(title=parts.get("title"), description=parts.get("description"))
    for name, value in parts.get("fields", []):
        embed.add_field(name=name, value=value, inline=False)
    if parts.get("footer"):
        embed.set_footer(text=parts["footer"])
    if parts.get("author"):
        embed.set_author(name=parts["author"])
    return embed


WORDS = "ninety minutes of talks " * 400  # 9,600 characters with word boundaries

DISCORD_CASES = {
    "title": [_embed(title=WORDS)],
    "description": [_embed(description=WORDS)],
    "field name and value": [_embed(fields=[(WORDS, WORDS)])],
    "30 fields": [_embed(fields=[(f"f{i}", "v") for i in range(30)])],
    "footer and author": [_embed(description="d", footer=WORDS, author=WORDS)],
    "total of one embed": [_embed(title="t", description=WORDS[:4000], fields=[("n", WORDS[:1000])] * 5)],
    "total of ten embeds": [_embed(title=f"e{i}", description=WORDS[:1500]) for i in range(10)],
    "twelve embeds": [_embed(title=f"e{i}", description="d") for i in range(12)],
}


@pytest.mark.parametrize("embeds", DISCORD_CASES.values(), ids=DISCORD_CASES.keys())
def test_discord_embeds_are_cut_to_every_limit(embeds: list[discord.Embed]) -> None:
    before = [copy.deepcopy(e.to_dict()) for e in embeds]
    assert limit_problems(embeds)
    fitted = dlimits.fit_embeds(embeds)
    assert limit_problems(fitted) == []
    assert [e.to_dict() for e in embeds] == before  # the caller's embeds are not changed
    # Cut, not emptied: the first embed keeps its title's start and its text up to the limits.
    assert fitted and (fitted[0].title or "")[:40] == (embeds[0].title or "")[:40]
    assert len(fitted[0]) >= min(len(embeds[0]), 80)


def test_discord_content_is_cut_at_a_word() -> None:
    text = dlimits.fit_content(WORDS)
    assert len(text) <= dlimits.CONTENT_LIMIT and text.endswith("…") and WORDS.startswith(text[:-1] + " ")
    assert limit_problems([], text) == []


def _section(text: str, fields: int = 0) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if fields:
        block["fields"] = [{"type": "mrkdwn", "text": "f " * 1500} for _ in range(fields)]
    return block


SLACK_CASES: dict[str, tuple[str, list[dict[str, Any]]]] = {
    "message text": ("a &amp; b " * 5000, []),
    "60 blocks": ("t", [_section("s") for _ in range(60)]),
    "section text": ("t", [_section("R &amp; D " * 400)]),
    "section fields": ("t", [_section("s", fields=12)]),
    "header": ("t", [{"type": "header", "text": {"type": "plain_text", "text": "h " * 100}}]),
    "context": ("t", [{"type": "context", "elements": [{"type": "mrkdwn", "text": "c " * 2000}] * 12}]),
    "buttons": (
        "t",
        [
            {
                "type": "actions",
                "elements": [{"type": "button", "text": {"type": "plain_text", "text": "b " * 50}}] * 30,
            }
        ],
    ),
}


def slack_problems(payload: dict[str, Any]) -> list[str]:
    """Every Slack limit the payload breaks (empty when it fits)."""
    problems = []
    if len(payload["text"]) > slimits.MESSAGE_TEXT_LIMIT:
        problems.append("text")
    if len(payload["blocks"]) > slimits.BLOCKS_PER_MESSAGE:
        problems.append("blocks")
    for block in payload["blocks"]:
        if block["type"] == "section":
            if len(block["text"]["text"]) > slimits.SECTION_TEXT_LIMIT:
                problems.append("section text")
            fields = block.get("fields") or []
            if len(fields) > slimits.SECTION_FIELDS or any(len(f["text"]) > slimits.FIELD_TEXT_LIMIT for f in fields):
                problems.append("fields")
        elif block["type"] == "header" and len(block["text"]["text"]) > slimits.HEADER_TEXT_LIMIT:
            problems.append("header")
        elif block["type"] == "context":
            elements = block["elements"]
            if len(elements) > slimits.CONTEXT_ELEMENTS or any(
                len(e["text"]) > slimits.CONTEXT_TEXT_LIMIT for e in elements
            ):
                problems.append("context")
        elif block["type"] == "actions":
            elements = block["elements"]
            if len(elements) > slimits.ACTIONS_ELEMENTS or any(
                len(e["text"]["text"]) > slimits.BUTTON_TEXT_LIMIT for e in elements
            ):
                problems.append("actions")
    return problems


@pytest.mark.parametrize(("text", "blocks"), SLACK_CASES.values(), ids=SLACK_CASES.keys())
def test_every_slack_message_payload_is_cut_to_slacks_limits(text: str, blocks: list[dict[str, Any]]) -> None:
    message = SlackMessage(text, blocks)
    before = copy.deepcopy(blocks)
    assert slack_problems({"text": text, "blocks": blocks})
    payload = message.payload()
    assert slack_problems(payload) == []
    assert blocks == before
    # Escaped text is never cut inside an entity (`&am`).
    for chunk in [payload["text"], *(b.get("text", {}).get("text", "") for b in payload["blocks"])]:
        assert not chunk.rstrip("…").endswith(("&", "&a", "&am", "&amp"))
