"""Moderators review ingest candidates from chat: Slack `/talks queue|accept ITEM new text|reject`
over signed HTTP, and Discord `/queue accept item: text:` through the real command tree."""

from __future__ import annotations

import json

import pytest

from bot.permissions import Actor, ModerationPolicy
from bot.service import TalksService
from knowledge.models import Moderator, QueueItem
from tests.adapters.discord_fakes import GUILD_ID, MOD_PERMS, DiscordHarness, deps_options, discord_bot, fake_discord
from tests.adapters.slack_fakes import ASKER, MODERATOR, TEAM_ID, Slack, slack

__all__ = ["deps_options", "discord_bot", "fake_discord", "slack"]

OPERATOR = Actor(Moderator(platform="cli", user_id="ana", name="Ana"))
SENTENCE = "Norwegian fishermen reported a record herring catch in the Barents Sea this winter, officials in Oslo said."
ARTICLE = f"Envoys prepare for talks\n\n{SENTENCE}\nShare post:\n"


async def _candidate(service: TalksService) -> QueueItem:
    await service.ingest(OPERATOR, ARTICLE.encode("utf-8"), "005_followup.txt")
    [item] = await service.candidates(OPERATOR)
    return item


@pytest.fixture
def policy() -> ModerationPolicy:
    """The operator configured the test workspace, the test guild and the Slack MODERATOR."""
    return ModerationPolicy.of(
        communities=[("slack", TEAM_ID), ("discord", str(GUILD_ID))], users=[("slack", MODERATOR)]
    )


async def test_slack_lists_and_accepts_a_candidate_with_new_text(slack: Slack) -> None:
    item = await _candidate(slack.service)
    listed = await slack.command("queue", user_id=MODERATOR)
    dumped = json.dumps(listed.data)
    assert "queue_accept" in dumped and "Proposed: new claim" in dumped
    refused = await slack.command(f"accept {item.id} Herring.", user_id=ASKER)
    assert (await slack.service.queue_item(OPERATOR, item.id)).status == "open", refused.data
    await slack.command(f"accept {item.id} Norway reported a record herring catch.", user_id=MODERATOR)
    done = await slack.service.queue_item(OPERATOR, item.id)
    assert done.status == "accepted" and done.candidate is not None
    card = (await slack.service.claim(done.candidate.accepted_claim_id or "")).claim
    assert card.text == "Norway reported a record herring catch."
    assert [q.quote for q in card.quotes] == [SENTENCE]


async def test_slack_rejects_a_candidate_with_a_reason(slack: Slack) -> None:
    item = await _candidate(slack.service)
    await slack.command(f"reject {item.id} off the subject", user_id=MODERATOR)
    done = await slack.service.queue_item(OPERATOR, item.id)
    assert (done.status, done.close_reason) == ("rejected", "off the subject")


async def test_discord_accepts_a_candidate_with_new_text(discord_bot: DiscordHarness) -> None:
    item = await _candidate(discord_bot.service)
    payload = discord_bot.payloads.command(
        "queue accept", {"item": item.id, "text": "Norway reported a record herring catch."}, permissions=MOD_PERMS
    )
    payload["data"]["options"][0]["options"][0]["type"] = 4  # an integer option, as Discord sends it
    body = await discord_bot.response_to(payload)
    assert f"#{item.id}" in json.dumps(body)
    done = await discord_bot.service.queue_item(OPERATOR, item.id)
    assert done.status == "accepted" and done.candidate is not None
    card = (await discord_bot.service.claim(done.candidate.accepted_claim_id or "")).claim
    assert card.text == "Norway reported a record herring catch."
