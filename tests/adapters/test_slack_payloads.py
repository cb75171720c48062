"""Request bodies Slack really sends, in the shapes its Events API and interactivity
documentation give: DMs with a file, thread broadcasts and thread replies in DMs,
Slackbot's own DMs, canvas mentions, and org-wide (Enterprise Grid) installs whose
interactions carry `"team": null`.

Each goes through the real slack-bolt app over signed HTTP on 127.0.0.1, with the
fake Web API of tests/adapters/slack_fakes.py recording what the bot sent.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from datetime import timedelta
from typing import Any

import pytest

from adapters.slack import modal
from bot import messages
from knowledge.models import FeedbackCount
from knowledge.store import Store
from tests.adapters.slack_fakes import ADMIN, ASKER, BOT_USER_ID, MODERATOR, QUESTION, TEAM_ID, Slack, policy, slack
from tests.conftest import history_of

__all__ = ["policy", "slack"]

DM = "D0000TEST"
ENTERPRISE = {"id": "E0000TEST", "name": "Example Org"}
_EVENTS = itertools.count(1)
_TS = itertools.count(1_700_001_000)


def _ts() -> str:
    return f"{next(_TS)}.000200"


def dm_event(text: str, **extra: Any) -> dict[str, Any]:
    """A message.im event as the Events API delivers it."""
    ts = _ts()
    return {
        "type": "message",
        "user": ASKER,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "channel": DM,
        "channel_type": "im",
        "team": TEAM_ID,
        "client_msg_id": f"5f0b6f1a-0000-4000-8000-{next(_EVENTS):012d}",
        **extra,
    }


async def send_event(slack: Slack, event: dict[str, Any]) -> None:
    status, _ = await slack.sender.event(event, f"Ev{next(_EVENTS):08d}")
    assert status == 200


def posts_to(slack: Slack, channel: str) -> list[dict[str, Any]]:
    return [c.data for c in slack.fake.calls_to("chat.postMessage") if c.data.get("channel") == channel]


async def answered(slack: Slack, count: int = 1) -> list[dict[str, Any]]:
    await slack.fake.wait_for("chat.postMessage", count)
    return [c.data for c in slack.fake.calls_to("chat.postMessage")]


async def not_answered(slack: Slack, event: dict[str, Any]) -> None:
    """Send `event`, then an ordinary DM; only the ordinary one is answered."""
    await send_event(slack, event)
    sentinel = dm_event(QUESTION)
    await send_event(slack, sentinel)
    await slack.fake.wait_for("chat.postMessage")
    await asyncio.sleep(0.3)  # the ignored event ran first; give it the chance to post anyway
    posts = slack.fake.calls_to("chat.postMessage") + slack.fake.calls_to("chat.postEphemeral")
    assert len(posts) == 1, [p.data for p in posts]


# ---- direct messages -------------------------------------------------------------------------


async def test_a_dm_with_a_file_attached_is_answered(slack: Slack) -> None:
    event = dm_event(
        QUESTION,
        subtype="file_share",
        upload=False,
        display_as_bot=False,
        files=[
            {
                "id": "F0000FILE1",
                "created": 1700001000,
                "name": "screenshot.png",
                "title": "screenshot.png",
                "mimetype": "image/png",
                "filetype": "png",
                "user": ASKER,
                "size": 48213,
                "mode": "hosted",
                "is_external": False,
                "url_private": "https://files.slack.com/files-pri/T0000TEST-F0000FILE1/screenshot.png",
            }
        ],
    )
    await send_event(slack, event)
    [post] = await answered(slack)
    assert post["channel"] == DM and slack.top in json.dumps(post)


async def test_a_thread_broadcast_in_a_dm_is_answered_in_its_thread(slack: Slack) -> None:
    root = _ts()
    event = dm_event(
        QUESTION,
        subtype="thread_broadcast",
        thread_ts=root,
        root={"type": "message", "user": ASKER, "text": "hi", "ts": root, "thread_ts": root, "reply_count": 1},
    )
    await send_event(slack, event)
    [post] = await answered(slack)
    assert post["channel"] == DM and post["thread_ts"] == root


async def test_a_reply_inside_a_dm_thread_is_answered_in_that_thread(slack: Slack) -> None:
    root = _ts()
    await send_event(slack, dm_event(QUESTION, thread_ts=root, parent_user_id=BOT_USER_ID))
    [post] = await answered(slack)
    assert post["channel"] == DM and post["thread_ts"] == root


async def test_a_top_level_dm_is_still_answered_at_the_top(slack: Slack) -> None:
    await send_event(slack, dm_event(QUESTION))
    [post] = await answered(slack)
    assert post["channel"] == DM and not post.get("thread_ts")


async def test_slackbots_own_dm_gets_no_reply(slack: Slack, store: Store) -> None:
    # Slackbot's system messages ("You have been added to #talks…") carry no subtype and no bot_id.
    slackbot = dm_event("You have been added to #talks by Ana.", user="USLACKBOT")
    await not_answered(slack, slackbot)
    stats = await store.activity.question_stats(slack.clock.now - timedelta(days=1), "slack", TEAM_ID)
    assert stats.total == 0  # a DM is private: nothing counted, and Slackbot's text was never a question


async def test_a_mention_in_a_canvas_is_not_a_question(slack: Slack, store: Store) -> None:
    ts = _ts()
    canvas = {
        "type": "app_mention",
        "subtype": "document_mention",
        "user": ASKER,
        "text": f"<@{BOT_USER_ID}> was mentioned in a canvas",
        "ts": ts,
        "event_ts": ts,
        "team": TEAM_ID,
        "channel": "C0000TEST",
        "document_mention": {
            "file_id": "F0000CANVS",
            "section_id": "temp:C:GQL71204e5bd23942c79f0a22a51",
            "mentioning_user_ids": [ASKER],
        },
        "blocks": [
            {
                "type": "section",
                "block_id": "gcn3v",
                "text": {"type": "mrkdwn", "text": f"&gt;&gt;&gt;Hey <@{BOT_USER_ID}>", "verbatim": False},
            }
        ],
    }
    await not_answered(slack, canvas)
    stats = await store.activity.question_stats(slack.clock.now - timedelta(days=1), "slack", TEAM_ID)
    assert stats.total == 0  # the channel's count did not gain a "question"


# ---- org-wide (Enterprise Grid) installs: "team": null -------------------------------------------


async def test_a_feedback_press_from_an_org_wide_install_is_recorded_for_the_users_workspace(
    slack: Slack, store: Store
) -> None:
    answer = await slack.command(QUESTION)
    actions = next(b for b in answer.data["blocks"] if b["type"] == "actions")
    wrong = next(e for e in actions["elements"] if e["action_id"].startswith("feedback_wrong"))
    payload = {
        "type": "block_actions",
        "team": None,
        "enterprise": ENTERPRISE,
        "is_enterprise_install": True,
        "user": {"id": ASKER, "username": "asker", "name": "asker", "team_id": TEAM_ID},
        "api_app_id": "A0000TEST",
        "token": "legacy",
        "channel": {"id": "C0000TEST", "name": "talks"},
        "container": {"type": "message", "message_ts": "1700000000.0001", "channel_id": "C0000TEST"},
        "response_url": slack.fake.response_url("grid"),
        "trigger_id": "9.9.9",
        "actions": [{**wrong, "block_id": actions["block_id"], "action_ts": "1700000001.0"}],
    }
    status, _ = await slack.sender.interaction(payload)
    assert status == 200
    [thanks] = await slack.fake.wait_for("response:grid")
    assert thanks.data["text"] != messages.UNKNOWN_ERROR
    since = slack.clock.now - timedelta(days=1)
    assert await store.activity.feedback_since(since, "slack", TEAM_ID) == [
        FeedbackCount(claim_id=slack.top, verdict="wrong", count=1)
    ]


async def test_a_press_with_no_workspace_at_all_is_counted_for_the_enterprise(slack: Slack, store: Store) -> None:
    answer = await slack.command(QUESTION)
    actions = next(b for b in answer.data["blocks"] if b["type"] == "actions")
    helpful = next(e for e in actions["elements"] if e["action_id"].startswith("feedback_helpful"))
    payload = {
        "type": "block_actions",
        "team": None,
        "enterprise": ENTERPRISE,
        "is_enterprise_install": True,
        "user": {"id": ASKER, "username": "asker", "name": "asker"},
        "response_url": slack.fake.response_url("org"),
        "trigger_id": "9.9.10",
        "actions": [{**helpful, "block_id": actions["block_id"], "action_ts": "1700000001.0"}],
    }
    assert (await slack.sender.interaction(payload))[0] == 200
    await slack.fake.wait_for("response:org")
    since = slack.clock.now - timedelta(days=1)
    assert await store.activity.feedback_since(since, "slack", ENTERPRISE["id"]) == [
        FeedbackCount(claim_id=slack.top, verdict="helpful", count=1)
    ]


def _grid_submission(slack: Slack, user_id: str) -> dict[str, Any]:
    def value(v: str | None) -> dict[str, Any]:
        return {"type": "plain_text_input", "value": v}

    return {
        "type": "view_submission",
        "team": None,
        "enterprise": ENTERPRISE,
        "is_enterprise_install": True,
        "user": {"id": user_id, "username": "mod", "name": "mod", "team_id": TEAM_ID},
        "api_app_id": "A0000TEST",
        "token": "legacy",
        "trigger_id": "1.2.3",
        "view": {
            "id": "V0000GRID",
            "team_id": TEAM_ID,
            "type": "modal",
            "callback_id": modal.CALLBACK_ID,
            "private_metadata": modal.ModalContext("C0000TEST", None).dump(),
            "state": {
                "values": {
                    modal.CLAIM_BLOCK: {
                        modal.CLAIM_ACTION: {"type": "external_select", "selected_option": {"value": slack.top}}
                    },
                    modal.STATEMENT_BLOCK: {modal.STATEMENT_ACTION: value("The call lasted about 90 minutes.")},
                    modal.REASON_BLOCK: {modal.REASON_ACTION: value("Say whose account it is.")},
                    modal.URL_BLOCK: {modal.URL_ACTION: value(None)},
                }
            },
            "hash": "156663117.cd33ad1f",
            "app_installed_team_id": None,
        },
        "response_urls": [],
    }


async def test_a_correction_submitted_from_an_org_wide_install_is_saved(slack: Slack) -> None:
    status, body = await slack.sender.interaction(_grid_submission(slack, MODERATOR))
    assert (status, body) == (200, "")
    [entry] = await history_of(slack.service, slack.top)
    assert entry.by.user_id == MODERATOR and entry.by.community_id == TEAM_ID


async def test_closing_the_correction_form_from_an_org_wide_install_is_acknowledged(slack: Slack) -> None:
    closed = {**_grid_submission(slack, MODERATOR), "type": "view_closed", "is_cleared": False}
    status, _ = await slack.sender.interaction(closed)
    assert status == 200
    assert await history_of(slack.service, slack.top) == []


# ---- digests: timezones that are folders of the tz database -------------------------------------


@pytest.mark.parametrize("zone", ["Europe", "America", "Etc", "Pacific/" + "x" * 292])
async def test_a_timezone_that_is_a_region_or_an_essay_is_refused_in_one_sentence(slack: Slack, zone: str) -> None:
    answer = await slack.command(f"digest subscribe 08:30 {zone}", user_id=ADMIN)
    assert answer.data["response_type"] == "ephemeral"
    assert answer.data["text"] != messages.UNKNOWN_ERROR
    assert "timezone" in answer.data["text"] and len(answer.data["text"]) < 200
    assert await slack.service.subscriptions("slack") == []
