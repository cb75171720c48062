"""Moderators review ingest candidates from chat: Slack `/talks queue|accept ITEM new text|reject`
over signed HTTP, and Discord `/queue accept item: text:` through the real command tree."""

from __future__ import annotations

import json

import pytest

from adapters.discord.render import escape
from bot import messages
from bot.permissions import Actor, ModerationPolicy
from bot.service import TalksService
from knowledge.models import Moderator, QueueItem
from tests.adapters.discord_fakes import GUILD_ID, MOD_PERMS, DiscordHarness, deps_options, discord_bot, fake_discord
from tests.adapters.slack_fakes import ASKER, MODERATOR, TEAM_ID, Slack, slack
from tests.bot.test_ingest import ARTICLE as ARTICLE_005
from tests.bot.test_ingest import TWO_HOURS as TWO_HOURS_005
from tests.bot.test_ingest_decisions import PESKOV

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


# ---- one-step decisions, the claim picker, rejecting a whole article --------------------------------

FOLLOW_UP = ARTICLE_005.encode("utf-8")
PICKED = "call-described-as-lengthy"
DISPUTED = "call-length-90-minutes"


async def _follow_up(service: TalksService) -> dict[str, QueueItem]:
    await service.ingest(OPERATOR, FOLLOW_UP, "005_riyadh-followup.txt")
    return {i.candidate.quote.quote: i for i in await service.candidates(OPERATOR) if i.candidate}


async def _statuses(service: TalksService, items: dict[str, QueueItem]) -> set[str]:
    return {(await service.queue_item(OPERATOR, i.id)).status for i in items.values()}


async def _quotes_of(service: TalksService, claim_id: str) -> list[str]:
    return [q.quote for q in (await service.claim(claim_id)).claim.quotes]


async def test_slack_accepts_a_candidate_as_a_supporting_quote_of_a_claim_given_by_id(slack: Slack) -> None:
    item = (await _follow_up(slack.service))[PESKOV]
    said = await slack.command(f"accept {item.id} as-support {PICKED}", user_id=MODERATOR)
    assert said.data["text"] == messages.candidate_accepted(item.id, PICKED, "supports", PICKED)
    assert (await _quotes_of(slack.service, PICKED)).count(PESKOV) == 1


async def test_slack_picks_the_conflicting_claim_by_words_with_buttons(slack: Slack) -> None:
    item = (await _follow_up(slack.service))[TWO_HOURS_005]
    picker = await slack.command(f"accept {item.id} as-conflict ninety minute call", user_id=MODERATOR)
    buttons = [b["accessory"] for b in picker.data["blocks"] if "accessory" in b]
    assert (await slack.service.queue_item(OPERATOR, item.id)).status == "open"  # nothing decided yet
    [button] = [b for b in buttons if b["value"] == f"{item.id}:conflicts:{DISPUTED}"]
    payload = {
        "type": "block_actions",
        "user": {"id": MODERATOR, "name": "mod"},
        "channel": {"id": "C0000TEST"},
        "response_url": slack.fake.response_url("pick"),
        "trigger_id": "9.9.9",
        "actions": [{**button, "block_id": "pick", "action_ts": "1700000001.0"}],
    }
    status, _ = await slack.sender.interaction(payload)
    assert status == 200
    [reply] = await slack.fake.wait_for("response:pick")
    done = await slack.service.queue_item(OPERATOR, item.id)
    assert done.status == "accepted" and done.candidate is not None
    made = done.candidate.accepted_claim_id or ""
    assert reply.data["text"] == messages.candidate_accepted(item.id, made, "conflicts", DISPUTED)
    assert [c for c, _ in (await slack.service.claim(made)).claim.conflicts] == [DISPUTED]


async def test_slack_rejects_a_whole_article_and_echoes_nothing_that_pings(slack: Slack) -> None:
    items = await _follow_up(slack.service)
    said = await slack.command("reject source 005_riyadh-followup wire copy", user_id=MODERATOR)
    assert said.data["text"] == messages.rejected_source("005_riyadh-followup", len(items))
    assert await _statuses(slack.service, items) == {"rejected"}
    pinged = await slack.command("reject source <!channel><@U0BOSS> spam", user_id=MODERATOR, name="ping")
    dumped = json.dumps(pinged.data)
    assert "<!channel>" not in dumped and "<@U0BOSS>" not in dumped and "&lt;!channel&gt;" in dumped


async def test_discord_accepts_a_candidate_as_support_of_a_picked_claim(discord_bot: DiscordHarness) -> None:
    item = (await _follow_up(discord_bot.service))[PESKOV]
    # The picker searches claims by words: the claim a moderator describes is offered.
    offered = await discord_bot.response_to(
        discord_bot.payloads.autocomplete("queue accept", "claim", "described as lengthy", permissions=MOD_PERMS)
    )
    assert PICKED in [c["value"] for c in offered["data"]["choices"]]
    payload = discord_bot.payloads.command(
        "queue accept", {"item": item.id, "as": "supports", "claim": PICKED}, permissions=MOD_PERMS
    )
    payload["data"]["options"][0]["options"][0]["type"] = 4
    body = await discord_bot.response_to(payload)
    assert messages.candidate_accepted(item.id, PICKED, "supports", PICKED) in json.dumps(body, ensure_ascii=False)
    assert body["data"]["allowed_mentions"] == {"parse": []}
    assert (await _quotes_of(discord_bot.service, PICKED)).count(PESKOV) == 1


async def test_discord_rejects_a_whole_article(discord_bot: DiscordHarness) -> None:
    items = await _follow_up(discord_bot.service)
    payload = discord_bot.payloads.command(
        "queue reject-source", {"source": "005_riyadh-followup", "reason": "wire copy"}, permissions=MOD_PERMS
    )
    body = await discord_bot.response_to(payload)
    assert body["data"]["content"] == escape(messages.rejected_source("005_riyadh-followup", len(items)))
    assert body["data"]["allowed_mentions"] == {"parse": []}
    assert await _statuses(discord_bot.service, items) == {"rejected"}


async def test_discord_echoes_an_unknown_source_without_pinging_anyone(discord_bot: DiscordHarness) -> None:
    await _follow_up(discord_bot.service)
    payload = discord_bot.payloads.command(
        "queue reject-source", {"source": "@everyone <@123>", "reason": "spam"}, permissions=MOD_PERMS
    )
    body = await discord_bot.response_to(payload)
    assert body["data"]["allowed_mentions"] == {"parse": []}
    assert "No ingested article" in body["data"]["content"]
