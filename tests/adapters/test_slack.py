"""Scenario tests: the real slack-bolt AsyncApp served over HTTP on 127.0.0.1.

Requests are signed like Slack signs them; the Web API and response_url are a
fake on 127.0.0.1 (tests/adapters/slack_fakes.py) that records what the bot sent.
The database is a real SQLite file.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta
from typing import Any

import pytest

from adapters.slack import modal
from adapters.slack.blocks import escape
from adapters.slack.poster import SlackDigestPoster
from bot import messages
from bot.replies import AnswerReply, NoAnswerReply
from bot.scheduler import DigestScheduler
from bot.service import DigestDesk
from knowledge.models import FeedbackCount, Place
from knowledge.store import Store
from tests.adapters.slack_fakes import (
    ADMIN,
    ASKER,
    BOT_TOKEN,
    BOT_USER_ID,
    MODERATOR,
    QUESTION,
    TEAM_ID,
    Slack,
    policy,
    slack,
)
from tests.conftest import history_of

__all__ = ["policy", "slack"]


def _texts(blocks: list[dict[str, Any]], kind: str | None = None) -> list[str]:
    out = []
    for b in blocks:
        if kind and b["type"] != kind:
            continue
        if "text" in b and isinstance(b["text"], dict):
            out.append(b["text"]["text"])
        out += [e.get("text", "") for e in b.get("elements", []) if isinstance(e.get("text"), str)]
    return out


def _claim_ids(blocks: list[dict[str, Any]]) -> list[str]:
    ids = []
    for b in blocks:
        if b["type"] == "actions":
            ids.append(json.loads(b["elements"][0]["value"])["c"])
    return ids


# ---- questions ---------------------------------------------------------------------


async def test_question_answered_in_channel_with_quotes(slack: Slack) -> None:
    sent = await slack.command(QUESTION)
    data = sent.data
    assert data["response_type"] == "in_channel"
    assert data["text"].strip()
    assert "link_names" not in data and "parse" not in data
    blocks = data["blocks"]
    assert len(blocks) <= 50
    assert f"<@{ASKER}> asked" in blocks[0]["elements"][0]["text"]
    assert _claim_ids(blocks)[0] == slack.top
    quotes = [t for t in _texts(blocks, "section") if t.startswith("> “")]
    first_quote = (await slack.service.claim(slack.top)).claim.quotes[0]
    assert any(escape(first_quote.quote) in q for q in quotes)
    contexts = _texts(blocks, "context")
    assert any(t.startswith("— ") for t in contexts), "each quote names its source"
    assert any(messages.SOURCES_DISAGREE in t for t in _texts(blocks, "section"))
    assert all(len(t) <= 3000 for t in _texts(blocks))


async def test_several_questions_get_a_section_each(slack: Slack) -> None:
    sent = await slack.command("How many minutes did the leaders talk? And what is the best borscht recipe?")
    data = sent.data
    assert data["response_type"] == "in_channel"
    blocks = data["blocks"]
    assert len(blocks) <= 50
    heads = [t for t in _texts(blocks, "section") if t.startswith("*Q: ")]
    assert heads == ["*Q: How many minutes did the leaders talk?*", "*Q: what is the best borscht recipe?*"]
    assert _claim_ids(blocks), "the answered question shows its claims with feedback buttons"
    assert any(t.startswith(escape(messages.NO_ANSWER)) for t in _texts(blocks, "section"))


@pytest.mark.parametrize(
    ("question", "shown_to"),
    [
        ("<!channel> how long was the Trump-Putin call? <@U0123ABCD>", "in_channel"),
        # "Not in my sources" goes only to the asker, as on Discord.
        ("<!here> &lt;!everyone&gt; what is the capital of France?", "ephemeral"),
    ],
)
async def test_pings_in_a_question_come_back_inert(slack: Slack, question: str, shown_to: str) -> None:
    sent = await slack.command(question)
    dumped = json.dumps(sent.data)
    for ping in ("<!channel>", "<!here>", "<!everyone>", "<@U0123ABCD>"):
        assert ping not in dumped
    assert "&lt;!" in dumped
    assert sent.data["response_type"] == shown_to


async def test_wrong_signature_or_stale_timestamp_is_refused(slack: Slack) -> None:
    status, _ = await slack.sender.post(
        "command=%2Ftalks&text=hi&user_id=U1&channel_id=C1&response_url=x",
        "application/x-www-form-urlencoded",
        secret="not-the-secret",
    )
    assert status == 401
    status, _ = await slack.sender.post(
        "command=%2Ftalks&text=hi&user_id=U1&channel_id=C1&response_url=x",
        "application/x-www-form-urlencoded",
        timestamp=int(time.time()) - 10 * 60,
    )
    assert status == 401
    # Refused before any listener runs: a valid request afterwards is the only thing answered.
    await _answered_marker(slack)
    assert [c.method for c in slack.fake.calls if c.method != "auth.test"] == ["response:marker"]


async def test_app_mention_answered_in_its_thread(slack: Slack) -> None:
    event = {
        "type": "app_mention",
        "user": ASKER,
        "text": f"<@{BOT_USER_ID}> how long was the Trump-Putin call?",
        "ts": "1700000100.000200",
        "channel": "C0000TEST",
        "event_ts": "1700000100.000200",
    }
    status, _ = await slack.sender.event(event, "Ev0001")
    assert status == 200
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert post.data["channel"] == "C0000TEST"
    assert post.data["thread_ts"] == "1700000100.000200"
    assert post.data["text"].strip()
    assert _claim_ids(post.data["blocks"])[0] == slack.top
    assert post.headers["Authorization"] == f"Bearer {BOT_TOKEN}"


async def test_mention_inside_a_thread_answers_in_that_thread(slack: Slack) -> None:
    event = {
        "type": "app_mention",
        "user": ASKER,
        "text": f"<@{BOT_USER_ID}> who called whom?",
        "ts": "1700000300.000900",
        "thread_ts": "1700000200.000100",
        "channel": "C0000TEST",
    }
    await slack.sender.event(event, "Ev0002")
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert post.data["thread_ts"] == "1700000200.000100"


async def test_direct_message_answered_in_the_dm(slack: Slack) -> None:
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": "D0000TEST",
        "user": ASKER,
        "text": "how long was the Trump-Putin call?",
        "ts": "1700000400.000100",
    }
    await slack.sender.event(event, "Ev0003")
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert post.data["channel"] == "D0000TEST"
    assert "thread_ts" not in post.data
    # An edit of that message is not a new question.
    await slack.sender.event({**event, "subtype": "message_changed", "ts": "1700000401.0"}, "Ev0004")
    await _answered_marker(slack)
    assert len(slack.fake.calls_to("chat.postMessage")) == 1


async def test_retried_event_is_acknowledged_but_not_answered_twice(slack: Slack) -> None:
    event = {
        "type": "app_mention",
        "user": ASKER,
        "text": f"<@{BOT_USER_ID}> how long was the call?",
        "ts": "1700000500.000100",
        "channel": "C0000TEST",
    }
    assert (await slack.sender.event(event, "Ev0005"))[0] == 200
    await slack.fake.wait_for("chat.postMessage")
    assert (await slack.sender.event(event, "Ev0005", retry_num=1))[0] == 200
    assert (await slack.sender.event(event, "Ev0005", retry_num=2))[0] == 200
    await _answered_marker(slack)
    assert len(slack.fake.calls_to("chat.postMessage")) == 1


async def _answered_marker(slack: Slack) -> None:
    """Send a request that is answered and wait for the answer: whatever was sent before it
    and would have been answered has had its turn (Slack acknowledges, then answers)."""
    status, _ = await slack.sender.command("sources", response_url=slack.fake.response_url("marker"))
    assert status == 200
    await slack.fake.wait_for("response:marker")


async def test_rate_limited_post_is_retried(slack: Slack) -> None:
    slack.fake.failures["chat.postMessage"] = [429]
    event = {"type": "app_mention", "user": ASKER, "text": f"<@{BOT_USER_ID}> {QUESTION}", "ts": "1.2", "channel": "C1"}
    await slack.sender.event(event, "Ev0429")
    first, retried = await slack.fake.wait_for("chat.postMessage", 2)
    assert first.data == retried.data


# ---- other subcommands --------------------------------------------------------------------


async def test_help_sources_and_claim(slack: Slack) -> None:
    help_msg = await slack.command("help")
    assert help_msg.data["response_type"] == "ephemeral"
    assert "/talks digest subscribe HH:MM Area/City" in json.dumps(help_msg.data)
    sources = await slack.command("sources")
    assert sources.data["response_type"] == "ephemeral"
    assert len([b for b in sources.data["blocks"] if b["type"] == "section"]) == 5
    card = await slack.command(f"claim {slack.top}")
    assert card.data["response_type"] == "in_channel"
    assert f"`{slack.top}`" in json.dumps(card.data)
    missing = await slack.command("claim no-such-claim")
    assert missing.data["response_type"] == "ephemeral"
    assert "no-such-claim" in missing.data["text"]


async def test_moderator_commands_are_refused_to_others(slack: Slack) -> None:
    for text in (f"retract {slack.top} wrong", f"restore {slack.top}", "history x-y"):
        sent = await slack.command(text, user_id=ASKER)
        assert sent.data["response_type"] == "ephemeral"
        assert sent.data["text"] == messages.NOT_MODERATOR
    assert slack.fake.calls_to("views.open") == []


async def test_retract_restore_and_history(slack: Slack) -> None:
    done = await slack.command(f"retract {slack.top} <!channel> misread", user_id=MODERATOR)
    assert "Retracted" in done.data["text"]
    answer = await slack.command(QUESTION)
    assert slack.top not in _claim_ids(answer.data["blocks"])
    await slack.command(f"restore {slack.top}", user_id=MODERATOR)
    history = await slack.command(f"history {slack.top}", user_id=MODERATOR)
    dumped = json.dumps(history.data)
    assert "*retract*" in dumped and "*restore*" in dumped
    assert "&lt;!channel&gt; misread" in dumped and "<!channel>" not in dumped
    answer = await slack.command(QUESTION)
    assert _claim_ids(answer.data["blocks"])[0] == slack.top


# ---- the correction modal ------------------------------------------------------------------------


async def test_correction_modal_opens_for_a_moderator(slack: Slack) -> None:
    status, body = await slack.sender.command(
        f"correct {slack.top}", user_id=MODERATOR, response_url=slack.fake.response_url()
    )
    assert (status, body) == (200, "")
    [opened] = await slack.fake.wait_for("views.open")
    assert opened.data["trigger_id"].endswith(".trigger")
    view = opened.data["view"]
    assert view["callback_id"] == modal.CALLBACK_ID
    claim_block = view["blocks"][0]
    assert claim_block["element"]["initial_option"]["value"] == slack.top
    assert len(claim_block["element"]["initial_option"]["text"]["text"]) <= 75
    # Only the trigger-bound call happened: nothing was posted back on the response_url.
    assert slack.fake.calls_to("response:cmd") == []


async def test_correction_modal_opens_for_a_workspace_admin_and_not_for_others(slack: Slack) -> None:
    await slack.sender.command("correct", user_id=ADMIN, response_url=slack.fake.response_url())
    await slack.fake.wait_for("views.open")
    refused = await slack.command("correct", user_id=ASKER)
    assert refused.data == {**refused.data, "response_type": "ephemeral", "text": messages.NOT_MODERATOR}
    assert len(slack.fake.calls_to("views.open")) == 1


async def test_claim_picker_options_come_from_the_store(slack: Slack) -> None:
    status, body = await slack.sender.interaction(
        {
            "type": "block_suggestion",
            "user": {"id": MODERATOR},
            "action_id": modal.CLAIM_ACTION,
            "block_id": modal.CLAIM_BLOCK,
            "value": slack.top,
            "view": {"id": "V1", "callback_id": modal.CALLBACK_ID, "type": "modal"},
        }
    )
    assert status == 200
    options = json.loads(body)["options"]
    assert slack.top in [o["value"] for o in options]
    assert all(len(o["text"]["text"]) <= 75 for o in options) and len(options) <= 100


def _submission(user_id: str, claim_id: str | None, text: str, reason: str, url: str | None) -> dict[str, Any]:
    def value(v: str | None) -> dict[str, Any]:
        return {"type": "plain_text_input", "value": v}

    claim = {"type": "external_select", "selected_option": {"value": claim_id} if claim_id else None}
    return {
        "type": "view_submission",
        "user": {"id": user_id, "name": "mod", "username": "mod"},
        "trigger_id": "1.2.3",
        "view": {
            "id": "V0000TEST",
            "type": "modal",
            "callback_id": modal.CALLBACK_ID,
            "private_metadata": modal.ModalContext("C0000TEST", "RESPONSE_URL").dump(),
            "state": {
                "values": {
                    modal.CLAIM_BLOCK: {modal.CLAIM_ACTION: claim},
                    modal.STATEMENT_BLOCK: {modal.STATEMENT_ACTION: value(text)},
                    modal.REASON_BLOCK: {modal.REASON_ACTION: value(reason)},
                    modal.URL_BLOCK: {modal.URL_ACTION: value(url)},
                }
            },
        },
    }


async def test_correction_modal_field_errors(slack: Slack) -> None:
    status, body = await slack.sender.interaction(_submission(MODERATOR, None, "  ", "", "ftp://example.org/x"))
    assert status == 200
    answer = json.loads(body)
    assert answer["response_action"] == "errors"
    errors = answer["errors"]
    assert set(errors) == {modal.CLAIM_BLOCK, modal.STATEMENT_BLOCK, modal.REASON_BLOCK, modal.URL_BLOCK}
    assert errors[modal.STATEMENT_BLOCK] == messages.required("new statement")
    long_text = "x" * (messages.MAX_STATEMENT_CHARS + 1)
    _, body = await slack.sender.interaction(_submission(MODERATOR, "no-such-claim", long_text, "because", None))
    errors = json.loads(body)["errors"]
    assert errors == {modal.STATEMENT_BLOCK: messages.too_long("new statement", messages.MAX_STATEMENT_CHARS)}
    _, body = await slack.sender.interaction(_submission(MODERATOR, "no-such-claim", "New text.", "because", None))
    assert set(json.loads(body)["errors"]) == {modal.CLAIM_BLOCK}
    _, body = await slack.sender.interaction(_submission(ASKER, slack.top, "New.", "because", None))
    assert json.loads(body)["errors"] == {modal.CLAIM_BLOCK: messages.NOT_MODERATOR}
    assert await history_of(slack.service, slack.top) == []


async def test_correction_submitted_changes_the_next_answer(slack: Slack) -> None:
    submission = _submission(
        MODERATOR,
        slack.top,
        "Trump said the call with Putin lasted about 90 minutes <!channel>.",
        "Make clear that the length is Trump's account.",
        "https://example.org/readout",
    )
    submission["view"]["private_metadata"] = modal.ModalContext("C0000TEST", slack.fake.response_url("modal")).dump()
    status, body = await slack.sender.interaction(submission)
    assert (status, body) == (200, "")
    [confirmation] = await slack.fake.wait_for("response:modal")
    assert confirmation.data["response_type"] == "ephemeral"
    assert f"Corrected `{slack.top}`" in confirmation.data["text"]
    answer = await slack.command(QUESTION)
    dumped = json.dumps(answer.data)
    assert "Trump said the call with Putin lasted about 90 minutes &lt;!channel&gt;." in dumped
    assert "Corrected by mod" in dumped and "https://example.org/readout" in dumped
    assert "<!channel>" not in dumped


# ---- feedback and digests ---------------------------------------------------------------------


async def test_feedback_buttons_are_recorded(slack: Slack, store: Store) -> None:
    answer = await slack.command(QUESTION)
    actions = next(b for b in answer.data["blocks"] if b["type"] == "actions")
    wrong = next(e for e in actions["elements"] if e["action_id"].startswith("feedback_wrong"))
    payload = {
        "type": "block_actions",
        "user": {"id": ASKER, "name": "asker"},
        "channel": {"id": "C0000TEST"},
        "container": {"type": "message", "message_ts": "1700000000.0001", "channel_id": "C0000TEST"},
        "response_url": slack.fake.response_url("feedback"),
        "trigger_id": "9.9.9",
        "actions": [{**wrong, "block_id": actions["block_id"], "action_ts": "1700000001.0"}],
    }
    status, _ = await slack.sender.interaction(payload)
    assert status == 200
    [thanks] = await slack.fake.wait_for("response:feedback")
    assert thanks.data["response_type"] == "ephemeral" and thanks.data["replace_original"] is False
    since = slack.clock.now - timedelta(days=1)
    assert await store.activity.feedback_since(since, "slack", TEAM_ID) == [
        FeedbackCount(claim_id=slack.top, verdict="wrong", count=1)
    ]


@pytest.mark.parametrize("claim", ["call-date-february-12", "no-such-claim"])
async def test_feedback_on_a_claim_the_answer_did_not_show_is_refused(slack: Slack, store: Store, claim: str) -> None:
    answer = await slack.command(QUESTION)
    actions = next(b for b in answer.data["blocks"] if b["type"] == "actions")
    wrong = next(e for e in actions["elements"] if e["action_id"].startswith("feedback_wrong"))
    shown = _claim_ids(answer.data["blocks"])
    assert claim not in shown
    forged = {**wrong, "value": json.dumps({"q": json.loads(wrong["value"])["q"], "c": claim})}
    payload = {
        "type": "block_actions",
        "user": {"id": ASKER, "name": "asker"},
        "channel": {"id": "C0000TEST"},
        "response_url": slack.fake.response_url("forged"),
        "trigger_id": "9.9.9",
        "actions": [{**forged, "block_id": actions["block_id"], "action_ts": "1700000001.0"}],
    }
    assert (await slack.sender.interaction(payload))[0] == 200
    [refused] = await slack.fake.wait_for("response:forged")
    assert refused.data["response_type"] == "ephemeral"
    assert refused.data["text"] == messages.FEEDBACK_UNKNOWN
    assert await store.activity.feedback_since(slack.clock.now - timedelta(days=1), "slack", TEAM_ID) == []


async def test_command_is_acknowledged_before_the_answer_is_worked_out(
    slack: Slack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The answer is held until the HTTP acknowledgement has come back: if the app answered
    # before acknowledging, the request would never complete (no clock involved).
    release = asyncio.Event()
    ask = slack.service.ask

    async def held_ask(question: str, place: Place, *, asker: str | None = None) -> AnswerReply | NoAnswerReply:
        await release.wait()
        return await ask(question, place, asker=asker)

    monkeypatch.setattr(slack.service, "ask", held_ask)
    status, body = await slack.sender.command(QUESTION, response_url=slack.fake.response_url("held"))
    assert (status, body) == (200, "")
    assert slack.fake.calls_to("response:held") == []
    release.set()
    [answer] = await slack.fake.wait_for("response:held")
    assert answer.data["response_type"] == "in_channel"


async def test_a_mention_with_no_answer_is_shown_only_to_the_asker(slack: Slack) -> None:
    event = {
        "type": "app_mention",
        "user": ASKER,
        "text": f"<@{BOT_USER_ID}> what is the capital of France?",
        "ts": "1700000600.000100",
        "channel": "C0000TEST",
        "team": TEAM_ID,
    }
    assert (await slack.sender.event(event, "Ev0600"))[0] == 200
    [private] = await slack.fake.wait_for("chat.postEphemeral")
    assert (private.data["channel"], private.data["user"]) == ("C0000TEST", ASKER)
    assert messages.NO_ANSWER in json.dumps(private.data, ensure_ascii=False)
    # It went to the asker alone: the channel got no message for this event.
    assert slack.fake.calls_to("chat.postMessage") == []


async def test_due_digest_is_posted_once(slack: Slack) -> None:
    # 09:00 UTC is 11:00 in Kyiv, so a 10:30 digest is due today.
    sub = await slack.command("digest subscribe 10:30 Europe/Kyiv", user_id=ADMIN)
    assert sub.data["response_type"] == "in_channel" and "10:30" in sub.data["text"]
    await slack.command(QUESTION)
    sleeps: list[float] = []

    async def no_wait(seconds: float) -> None:
        sleeps.append(seconds)

    scheduler = DigestScheduler(
        DigestDesk(slack.service),
        "slack",
        SlackDigestPoster(slack.client, sleep=no_wait),
        clock=slack.clock,
        sleep=no_wait,
    )
    [outcome] = await scheduler.run_due()
    assert outcome.posted and outcome.channel_id == "C0000TEST"
    posts = slack.fake.calls_to("chat.postMessage")
    assert posts and all(p.data["channel"] == "C0000TEST" for p in posts)
    assert "talksbot digest" in posts[0].data["text"]
    assert all(len(p.data["blocks"]) <= 50 for p in posts)
    slack.clock.now += timedelta(hours=3)
    assert await scheduler.run_due() == []
    assert len(slack.fake.calls_to("chat.postMessage")) == len(posts)
    gone = await slack.command("digest unsubscribe", user_id=ADMIN)
    assert "stopped" in gone.data["text"]
