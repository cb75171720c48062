"""The queue listing's buttons, pressed through the real discord.py and slack-bolt paths.

A question is dismissed with the default reason; a suggestion is rejected with
the default reason or accepted as suggested. A press by someone who is not a
moderator changes nothing, whatever the button says.
"""

from __future__ import annotations

from typing import Any

import pytest

from adapters.discord import messages as dmsg
from adapters.slack import messages as slack_messages
from bot import messages
from bot.permissions import Actor, ModerationPolicy
from bot.queue_actions import DISMISS_REASON, REJECT_REASON
from bot.service import TalksService
from knowledge.models import Moderator, Place, QueueItem
from tests.adapters.discord_fakes import GUILD_ID, MOD_PERMS, DiscordHarness, deps_options, discord_bot, fake_discord
from tests.adapters.slack_fakes import ASKER, MODERATOR, TEAM_ID, Slack, slack
from tests.conftest import OPERATOR

__all__ = ["deps_options", "discord_bot", "fake_discord", "slack"]

UNANSWERED = "What is the best borscht recipe?"
CLAIM = "call-length-90-minutes"
READER = Actor(Moderator(platform="discord", user_id="42", name="reader", community_id=str(GUILD_ID)))


@pytest.fixture
def policy() -> ModerationPolicy:
    """The operator configured the test guild, the test workspace and the Slack MODERATOR."""
    return ModerationPolicy.of(
        communities=[("slack", TEAM_ID), ("discord", str(GUILD_ID))], users=[("slack", MODERATOR)]
    )


async def _question(service: TalksService) -> QueueItem:
    await service.ask(UNANSWERED, Place(platform="discord", community_id=str(GUILD_ID), channel_id="1"))
    [item] = [i for i in await service.queue(OPERATOR) if i.text == UNANSWERED]
    return item


async def _suggestion(service: TalksService) -> QueueItem:
    stored = await service.suggest(READER, CLAIM, "The call lasted about 80 minutes.", "I read it elsewhere")
    [item] = [i for i in await service.queue(OPERATOR) if i.suggestion_id == stored.id]
    return item


# ---- Discord --------------------------------------------------------------------------------------


async def _press_on_discord(bot: DiscordHarness, item: QueueItem, action: str, **who: Any) -> str:
    """Lists the queue as a moderator, then presses `action` on `item` as `who`; returns the reply."""
    listing = await bot.response_to(bot.payloads.command("queue list", permissions=MOD_PERMS))
    sent = listing["data"]
    ids = [c["custom_id"] for row in sent.get("components") or [] for c in row["components"]]
    custom_id = f"tb:q:{action[0]}:{item.id}"
    assert custom_id in ids, ids
    body = await bot.response_to(bot.payloads.button(custom_id, sent, **who))
    assert body["data"]["flags"] & 64  # ephemeral
    return str(body["data"]["content"])


async def test_discord_dismisses_a_question_with_the_default_reason(discord_bot: DiscordHarness) -> None:
    item = await _question(discord_bot.service)
    said = await _press_on_discord(discord_bot, item, "dismiss", permissions=MOD_PERMS)
    assert said == dmsg.queue_done("dismiss", item.id)
    done = await discord_bot.service.queue_item(OPERATOR, item.id)
    assert (done.status, done.close_reason) == ("dismissed", DISMISS_REASON)


async def test_discord_rejects_and_accepts_suggestions(discord_bot: DiscordHarness) -> None:
    rejected = await _suggestion(discord_bot.service)
    await _press_on_discord(discord_bot, rejected, "reject", permissions=MOD_PERMS)
    done = await discord_bot.service.queue_item(OPERATOR, rejected.id)
    assert (done.status, done.close_reason) == ("rejected", REJECT_REASON)

    accepted = await _suggestion(discord_bot.service)
    said = await _press_on_discord(discord_bot, accepted, "accept", permissions=MOD_PERMS)
    assert said.startswith(dmsg.queue_done("accept", accepted.id))
    assert (await discord_bot.service.queue_item(OPERATOR, accepted.id)).status == "accepted"
    assert (await discord_bot.service.claim(CLAIM)).claim.text == "The call lasted about 80 minutes."


async def test_a_discord_press_by_a_reader_changes_nothing(discord_bot: DiscordHarness) -> None:
    item = await _question(discord_bot.service)
    said = await _press_on_discord(discord_bot, item, "dismiss", user_id=42)
    assert said == messages.NOT_MODERATOR
    assert (await discord_bot.service.queue_item(OPERATOR, item.id)).status == "open"


# ---- Slack ----------------------------------------------------------------------------------------


async def _press_on_slack(slack: Slack, item: QueueItem, action: str, user_id: str, name: str) -> str:
    listing = await slack.command("queue", user_id=MODERATOR)
    [buttons] = [b for b in listing.data["blocks"] if b.get("block_id") == f"queue_{item.id}"]
    [button] = [e for e in buttons["elements"] if e["action_id"] == f"queue_{action}"]
    payload = {
        "type": "block_actions",
        "user": {"id": user_id, "name": "someone"},
        "channel": {"id": "C0000TEST"},
        "response_url": slack.fake.response_url(name),
        "trigger_id": "9.9.9",
        "actions": [{**button, "block_id": buttons["block_id"], "action_ts": "1700000001.0"}],
    }
    status, _ = await slack.sender.interaction(payload)
    assert status == 200
    [reply] = await slack.fake.wait_for(f"response:{name}")
    assert reply.data["response_type"] == "ephemeral"
    return str(reply.data["text"])


async def test_slack_dismisses_a_question_with_the_default_reason(slack: Slack) -> None:
    item = await _question(slack.service)
    said = await _press_on_slack(slack, item, "dismiss", MODERATOR, "dismiss")
    assert said == slack_messages.QUEUE_DONE["dismiss"].format(id=item.id)
    done = await slack.service.queue_item(OPERATOR, item.id)
    assert (done.status, done.close_reason) == ("dismissed", DISMISS_REASON)


async def test_slack_rejects_and_accepts_suggestions(slack: Slack) -> None:
    rejected = await _suggestion(slack.service)
    await _press_on_slack(slack, rejected, "reject", MODERATOR, "reject")
    done = await slack.service.queue_item(OPERATOR, rejected.id)
    assert (done.status, done.close_reason) == ("rejected", REJECT_REASON)

    accepted = await _suggestion(slack.service)
    await _press_on_slack(slack, accepted, "accept", MODERATOR, "accept")
    assert (await slack.service.queue_item(OPERATOR, accepted.id)).status == "accepted"
    assert (await slack.service.claim(CLAIM)).claim.text == "The call lasted about 80 minutes."


async def test_a_slack_press_by_a_reader_changes_nothing(slack: Slack) -> None:
    item = await _question(slack.service)
    said = await _press_on_slack(slack, item, "dismiss", ASKER, "forged")
    assert said == messages.NOT_MODERATOR
    assert (await slack.service.queue_item(OPERATOR, item.id)).status == "open"
