"""Floods of the review queue as moderators and readers meet them in chat: Discord's `/queue`
through the real command tree and Slack's `/talks queue` over signed HTTP. Each kind is listed
on its own with its total, bulk dismiss follows the moderation policy, and one reader pressing
"wrong" fifty times is one person."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from bot import messages
from bot.permissions import Actor, ModerationPolicy
from bot.service import PER_PERSON_PER_HOUR, TalksService, limits_sentence
from knowledge.models import Moderator, Place
from tests.adapters.discord_fakes import (
    EVERYONE_PERMS,
    GUILD_ID,
    MOD_PERMS,
    DiscordHarness,
    deps_options,
    discord_bot,
    fake_discord,
)
from tests.adapters.slack_fakes import ASKER, MODERATOR, QUESTION, TEAM_ID, Slack, slack
from tests.bot.test_queue_floods import ARTICLE, FLOOD, flood, junk

__all__ = ["deps_options", "discord_bot", "fake_discord", "slack"]

OPERATOR = Actor(Moderator(platform="cli", user_id="ana", name="Ana"))
READER_ID = 77


@pytest.fixture
def policy() -> ModerationPolicy:
    """The operator configured the test workspace, the test guild and the Slack MODERATOR."""
    return ModerationPolicy.of(
        communities=[("slack", TEAM_ID), ("discord", str(GUILD_ID))], users=[("slack", MODERATOR)]
    )


async def flooded(service: TalksService, db_path: Any) -> int:
    """One ingest candidate behind FLOOD older junk questions; returns the candidate's item id."""
    flood(db_path, FLOOD, service.clock() - timedelta(hours=1))
    await service.ingest(OPERATOR, ARTICLE.encode(), "005_followup.txt")
    [candidate] = await service.candidates(OPERATOR)
    return candidate.id


# ---- Discord ----------------------------------------------------------------------------------


def _wrong_button(body: dict[str, Any]) -> str:
    ids = [c["custom_id"] for row in body["data"]["components"] for c in row["components"]]
    return next(i for i in ids if i.startswith("tb:fb:w:"))


async def _queue_list(bot: DiscordHarness, **options: Any) -> dict[str, Any]:
    return (await bot.response_to(bot.payloads.command("queue list", options, permissions=MOD_PERMS)))["data"]


async def test_discord_fifty_wrong_presses_by_one_reader_show_as_asked_once(discord_bot: DiscordHarness) -> None:
    answer = await discord_bot.response_to(discord_bot.payloads.command("ask", {"question": QUESTION}))
    custom_id = _wrong_button(answer)
    sent = {"components": answer["data"]["components"]}
    for _ in range(50):
        await discord_bot.response_to(discord_bot.payloads.button(custom_id, sent, user_id=READER_ID))
    listed = await _queue_list(discord_bot)
    assert "asked 1×" in listed["content"] and "asked 50×" not in listed["content"]


async def test_discord_counts_askers_not_asks(discord_bot: DiscordHarness) -> None:
    for user in (READER_ID, READER_ID, READER_ID + 1):
        await discord_bot.response_to(discord_bot.payloads.command("ask", {"question": junk(1)}, user_id=user))
    [item] = await discord_bot.service.queue(OPERATOR)
    assert item.asked == 2


async def test_discord_lists_each_kind_with_its_total_despite_a_flood(
    discord_bot: DiscordHarness, db_path: Any
) -> None:
    candidate = await flooded(discord_bot.service, db_path)
    listed = await _queue_list(discord_bot)
    content = listed["content"]
    assert messages.queue_section_head("unanswered", 4, FLOOD) in content  # "4 of 10,001"
    assert messages.queue_section_head("candidate", 1, 1) in content
    assert limits_sentence() in content and len(content) <= 2000
    buttons = [c["custom_id"] for row in listed["components"] for c in row["components"]]
    assert f"tb:q:a:{candidate}" in buttons and len(listed["components"]) <= 5

    only = await _queue_list(discord_bot, kind="candidate")
    assert messages.queue_section_head("candidate", 1, 1) in only["content"]
    assert "Unanswered questions" not in only["content"]


async def test_discord_bulk_dismiss_is_for_moderators_and_clears_a_flood(
    discord_bot: DiscordHarness, db_path: Any
) -> None:
    await flooded(discord_bot.service, db_path)
    refused = await discord_bot.response_to(
        discord_bot.payloads.command("queue bulk-dismiss", {"reason": "flood"}, permissions=EVERYONE_PERMS)
    )
    assert refused["data"]["content"] == messages.NOT_MODERATOR
    assert (await discord_bot.service.queue_listing(OPERATOR)).total == FLOOD + 1

    body = await discord_bot.response_to(
        discord_bot.payloads.command(
            "queue bulk-dismiss", {"reason": "flood", "kind": "unanswered"}, permissions=MOD_PERMS
        )
    )
    assert body["data"]["content"] == messages.bulk_dismissed(FLOOD, 0)
    assert (await discord_bot.service.queue_listing(OPERATOR)).total == 1


async def test_discord_a_wrong_report_past_the_hourly_limit_says_so(discord_bot: DiscordHarness) -> None:
    here = Place(platform="discord", community_id=str(GUILD_ID), channel_id="1")
    for n in range(PER_PERSON_PER_HOUR):
        await discord_bot.service.ask(junk(n), here, asker=str(READER_ID))
    answer = await discord_bot.response_to(discord_bot.payloads.command("ask", {"question": QUESTION}))
    custom_id = _wrong_button(answer)
    sent = {"components": answer["data"]["components"]}
    reply = await discord_bot.response_to(discord_bot.payloads.button(custom_id, sent, user_id=READER_ID))
    assert reply["data"]["content"] == messages.wrong_report_held(PER_PERSON_PER_HOUR)


# ---- Slack --------------------------------------------------------------------------------------


async def test_slack_fifty_wrong_presses_by_one_reader_show_as_asked_once(slack: Slack) -> None:
    answer = await slack.command(QUESTION)
    actions = next(b for b in answer.data["blocks"] if b["type"] == "actions")
    wrong = next(e for e in actions["elements"] if e["action_id"].startswith("feedback_wrong"))
    for n in range(50):
        payload = {
            "type": "block_actions",
            "user": {"id": ASKER, "name": "asker", "team_id": TEAM_ID},
            "channel": {"id": "C0000TEST"},
            "response_url": slack.fake.response_url("press"),
            "trigger_id": f"9.9.{n}",
            "actions": [{**wrong, "block_id": actions["block_id"], "action_ts": "1700000001.0"}],
        }
        assert (await slack.sender.interaction(payload))[0] == 200
    await slack.fake.wait_for("response:press", 50)
    listed = json.dumps((await slack.command("queue", user_id=MODERATOR, name="q")).data, ensure_ascii=False)
    assert "asked 1×" in listed and "asked 50×" not in listed


async def test_slack_counts_askers_not_asks_in_commands_and_dms(slack: Slack) -> None:
    for n, user in enumerate((ASKER, ASKER, MODERATOR)):
        await slack.command(junk(1), user_id=user, name=f"a{n}")
    dm = {"type": "message", "text": junk(1), "channel": "D0000TEST", "channel_type": "im", "team": TEAM_ID}
    for n in range(3):
        event = {**dm, "user": ASKER, "ts": f"170000100{n}.000100"}
        assert (await slack.sender.event(event, f"EvDM{n}"))[0] == 200
    await slack.fake.wait_for("chat.postMessage", 3)
    [item] = await slack.service.queue(OPERATOR)
    assert item.asked == 2


async def test_slack_a_wrong_report_past_the_hourly_limit_says_so(slack: Slack) -> None:
    here = Place(platform="slack", community_id=TEAM_ID, channel_id="C0000TEST")
    for n in range(PER_PERSON_PER_HOUR):
        await slack.service.ask(junk(n), here, asker=ASKER)
    answer = await slack.command(QUESTION)
    actions = next(b for b in answer.data["blocks"] if b["type"] == "actions")
    wrong = next(e for e in actions["elements"] if e["action_id"].startswith("feedback_wrong"))
    payload = {
        "type": "block_actions",
        "user": {"id": ASKER, "name": "asker", "team_id": TEAM_ID},
        "channel": {"id": "C0000TEST"},
        "response_url": slack.fake.response_url("held"),
        "trigger_id": "9.9.9",
        "actions": [{**wrong, "block_id": actions["block_id"], "action_ts": "1700000001.0"}],
    }
    assert (await slack.sender.interaction(payload))[0] == 200
    [reply] = await slack.fake.wait_for("response:held")
    assert reply.data["text"] == messages.wrong_report_held(PER_PERSON_PER_HOUR)


async def test_slack_lists_each_kind_with_its_total_despite_a_flood(slack: Slack, db_path: Any) -> None:
    candidate = await flooded(slack.service, db_path)
    listed = json.dumps((await slack.command("queue", user_id=MODERATOR, name="q")).data, ensure_ascii=False)
    assert messages.queue_section_head("unanswered", 9, FLOOD) in listed  # "9 of 10,001": 10 shown in turns
    assert messages.queue_section_head("candidate", 1, 1) in listed
    assert f'"value": "{candidate}"' in listed and "queue_accept" in listed
    assert limits_sentence() in listed

    only = json.dumps((await slack.command("queue candidates", user_id=MODERATOR, name="c")).data, ensure_ascii=False)
    assert messages.queue_section_head("candidate", 1, 1) in only and "Unanswered" not in only


async def test_slack_bulk_dismiss_is_for_moderators_and_clears_a_flood(slack: Slack, db_path: Any) -> None:
    candidate = await flooded(slack.service, db_path)
    refused = await slack.command(f"dismiss 1-{candidate + FLOOD} flood", user_id=ASKER, name="r")
    assert refused.data["text"] == messages.NOT_MODERATOR
    done = await slack.command(f"dismiss 1-{candidate + FLOOD} flood", user_id=MODERATOR, name="d")
    assert done.data["text"] == messages.bulk_dismissed(FLOOD, 1)
    listing = await slack.service.queue_listing(OPERATOR)
    assert listing.total == 1 and listing.sections[-1].items[0].id == candidate
