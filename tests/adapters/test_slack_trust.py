"""Who may change facts and digests from Slack: the operator's configuration decides.

A workspace admin counts only in a workspace the operator configured
(TALKSBOT_MODERATOR_COMMUNITIES=slack:<team>); a user the operator named counts
in any workspace. Everyone else may suggest. The real slack-bolt app is driven
by signed requests; the Web API is a fake on 127.0.0.1; the database is a real file.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from bot import messages
from bot.replies import AnswerReply
from bot.service import SUGGESTIONS_PER_HOUR
from bot.wiring import digest_desk
from knowledge.store import Store
from tests.adapters.slack_fakes import (
    ADMIN,
    ASKER,
    BOT_USER_ID,
    MODERATOR,
    OTHER_TEAM_ID,
    QUESTION,
    TEAM_DOMAIN,
    TEAM_ID,
    ApiCall,
    Slack,
    policy,
    slack,
)
from tests.conftest import OPERATOR, history_of, talksbot_cli

__all__ = ["policy", "slack"]

ELSEWHERE = {"team_id": OTHER_TEAM_ID, "team_domain": "elsewhere"}


async def shown_text(slack: Slack, claim_id: str) -> str:
    """The wording the next answer gives for `claim_id`."""
    reply = await slack.service.ask(QUESTION, log_question=False)
    assert isinstance(reply, AnswerReply)
    return next(c.text for c in reply.claims if c.claim_id == claim_id)


async def original_text(slack: Slack, claim_id: str) -> str:
    return (await slack.service.claim(claim_id)).claim.original_text


def responses(slack: Slack) -> list[ApiCall]:
    return [c for c in slack.fake.calls if c.method.startswith("response:")]


# ---- moderation ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["retract {top} not supported", "restore {top}", "history {top}"])
async def test_a_workspace_admin_of_an_unconfigured_team_is_refused_and_nothing_is_written(
    slack: Slack, store: Store, text: str
) -> None:
    before_version = await store.claims.content_version()
    before_text = await shown_text(slack, slack.top)
    sent = await slack.command(text.format(top=slack.top), user_id=ADMIN, **ELSEWHERE)

    assert sent.data["response_type"] == "ephemeral"
    assert sent.data["text"] == messages.NOT_MODERATOR
    assert slack.fake.calls_to("users.info"), "the admin bit was looked up, and did not count"
    assert await history_of(slack.service, slack.top) == []
    assert await store.claims.content_version() == before_version
    assert await shown_text(slack, slack.top) == before_text == await original_text(slack, slack.top)


async def test_the_correction_form_does_not_open_for_an_unconfigured_teams_admin(slack: Slack) -> None:
    refused = await slack.command(f"correct {slack.top}", user_id=ADMIN, **ELSEWHERE)
    assert (refused.data["response_type"], refused.data["text"]) == ("ephemeral", messages.NOT_MODERATOR)
    assert slack.fake.calls_to("views.open") == []


async def test_a_configured_teams_admin_retracts_and_history_says_where_and_who(slack: Slack, db_path: Path) -> None:
    done = await slack.command(
        f"retract {slack.top} not supported", user_id=ADMIN, user_name="ada", team_domain=TEAM_DOMAIN
    )
    assert done.data["response_type"] == "ephemeral" and "Retracted" in done.data["text"]
    answer = await slack.service.ask(QUESTION, log_question=False)
    assert slack.top not in [c.claim_id for c in getattr(answer, "claims", [])]

    [entry] = await history_of(slack.service, slack.top)
    assert (entry.action, entry.by.platform, entry.by.community_id, entry.by.community_name) == (
        "retract",
        "slack",
        TEAM_ID,
        TEAM_DOMAIN,
    )
    assert (entry.by.user_id, entry.by.name) == (ADMIN, "ada")

    shown = await slack.command(f"history {slack.top}", user_id=ADMIN, team_domain=TEAM_DOMAIN)
    assert shown.data["response_type"] == "ephemeral"
    assert f"by ada (slack, {TEAM_DOMAIN} ({TEAM_ID}))" in json.dumps(shown.data)

    # The operator's CLI, another process on the same file, sees the same record.
    code, out, err = await talksbot_cli(db_path, "history", slack.top, "--json")
    assert code == 0, err
    [row] = json.loads(out)
    assert {k: row[k] for k in ("action", "platform", "community_id", "community_name", "user_id", "by")} == {
        "action": "retract",
        "platform": "slack",
        "community_id": TEAM_ID,
        "community_name": TEAM_DOMAIN,
        "user_id": ADMIN,
        "by": "ada",
    }


async def test_a_named_user_may_moderate_from_an_unconfigured_team(slack: Slack) -> None:
    # MODERATOR is no admin anywhere (users.info says so); the operator named them.
    done = await slack.command(f"retract {slack.top} not supported", user_id=MODERATOR, **ELSEWHERE)
    assert "Retracted" in done.data["text"]
    [entry] = await history_of(slack.service, slack.top)
    assert (entry.by.platform, entry.by.community_id, entry.by.user_id) == ("slack", OTHER_TEAM_ID, MODERATOR)


async def test_retracting_an_unknown_id_is_a_private_error_with_did_you_mean(slack: Slack) -> None:
    mistyped = slack.top[:-1]
    sent = await slack.command(f"retract {mistyped} not supported", user_id=MODERATOR)
    assert sent.data["response_type"] == "ephemeral"
    assert "Did you mean" in sent.data["text"] and slack.top in sent.data["text"]
    # Never taken for a question and answered in the channel.
    assert all(c.data.get("response_type") != "in_channel" for c in responses(slack))
    assert await history_of(slack.service, slack.top) == []


async def test_a_6000_character_id_gets_a_short_private_reply_with_close_ids(slack: Slack) -> None:
    sent = await slack.command(f"retract {slack.top}{'x' * 6_000} not supported", user_id=MODERATOR)
    assert sent.data["response_type"] == "ephemeral"
    assert len(sent.data["text"]) < 400 and "Did you mean" in sent.data["text"] and slack.top in sent.data["text"]
    assert await history_of(slack.service, slack.top) == []


async def test_a_no_answer_reply_goes_only_to_the_asker(slack: Slack) -> None:
    sent = await slack.command("What is the best recipe for borscht?")
    assert sent.data["response_type"] == "ephemeral"
    assert sent.data["text"].startswith(messages.NO_ANSWER)


# ---- suggestions ---------------------------------------------------------------------------------------


async def test_a_suggestion_is_stored_answered_privately_limited_and_never_shown_as_fact(
    slack: Slack, store: Store
) -> None:
    before_version = await store.claims.content_version()
    for n in range(1, SUGGESTIONS_PER_HOUR + 1):
        sent = await slack.command(f"suggest {slack.top} The call lasted {n} hours. | I read it elsewhere")
        assert sent.data["response_type"] == "ephemeral"
        assert sent.data["text"] == messages.SUGGESTION_STORED.format(id=n, claim_id=slack.top)

    sixth = await slack.command(f"suggest {slack.top} One too many. | again")
    assert sixth.data["response_type"] == "ephemeral"
    assert sixth.data["text"] == "You can make 5 suggestions an hour; try again in 60 minutes."

    waiting = await slack.service.open_suggestions(OPERATOR)
    assert [(s.claim_id, s.text, s.reason) for s in waiting] == [
        (slack.top, f"The call lasted {n} hours.", "I read it elsewhere") for n in range(1, SUGGESTIONS_PER_HOUR + 1)
    ]
    assert {(s.by.platform, s.by.community_id, s.by.user_id) for s in waiting} == {("slack", TEAM_ID, ASKER)}
    assert all(c.data.get("response_type") != "in_channel" for c in responses(slack))

    assert await history_of(slack.service, slack.top) == []
    assert await store.claims.content_version() == before_version
    assert await shown_text(slack, slack.top) == await original_text(slack, slack.top)


# ---- digests -----------------------------------------------------------------------------------------------


async def test_managing_a_digest_needs_an_admin_or_a_configured_moderator(slack: Slack) -> None:
    refused = await slack.command("digest subscribe 08:30 Europe/Kyiv", user_id=ASKER)
    assert (refused.data["response_type"], refused.data["text"]) == ("ephemeral", messages.NOT_DIGEST_MANAGER)
    assert await slack.service.subscriptions("slack") == []

    done = await slack.command("digest subscribe 08:30 Europe/Kyiv", user_id=ADMIN)
    assert done.data["response_type"] == "in_channel" and "08:30" in done.data["text"]
    [sub] = await slack.service.subscriptions("slack")
    assert (sub.community_id, sub.audience) == (TEAM_ID, "public")

    refused = await slack.command("digest unsubscribe", user_id=ASKER)
    assert (refused.data["response_type"], refused.data["text"]) == ("ephemeral", messages.NOT_DIGEST_MANAGER)
    assert len(await slack.service.subscriptions("slack")) == 1

    gone = await slack.command("digest unsubscribe", user_id=MODERATOR)
    assert "stopped" in gone.data["text"]
    assert await slack.service.subscriptions("slack") == []


@pytest.mark.parametrize(
    ("user_id", "where"),
    [(ASKER, {}), (ADMIN, ELSEWHERE)],
    ids=["member", "unconfigured-team-admin"],
)
async def test_a_non_moderator_cannot_subscribe_the_moderators_digest(
    slack: Slack, user_id: str, where: dict[str, str]
) -> None:
    refused = await slack.command("digest subscribe 08:30 Europe/Kyiv moderators", user_id=user_id, **where)
    assert refused.data["response_type"] == "ephemeral"
    assert refused.data["text"] == messages.NOT_MODERATOR
    assert await slack.service.subscriptions("slack") == []


async def test_a_configured_admin_subscribes_the_moderators_digest(slack: Slack) -> None:
    done = await slack.command("digest subscribe 08:30 Europe/Kyiv moderators", user_id=ADMIN)
    assert "moderators' digest" in done.data["text"]
    [sub] = await slack.service.subscriptions("slack")
    assert sub.audience == "moderators"


# ---- whose admin bit: the user's own workspace must be the one acting in ---------------------------------

FOREIGN_ADMIN = "UFOREIGN01"  # an admin of another organisation, present here through a Slack Connect channel
GRID_ADMIN = "WGRIDADM01"  # an Enterprise Grid org admin whose home workspace is another of the org's


async def test_an_admin_of_another_organisation_never_counts_here(slack: Slack, store: Store) -> None:
    slack.fake.admins.add(FOREIGN_ADMIN)
    slack.fake.user_teams[FOREIGN_ADMIN] = OTHER_TEAM_ID
    before_version = await store.claims.content_version()

    # The request comes from the configured workspace; users.info says the user's own is another.
    refused = await slack.command(f"retract {slack.top} not supported", user_id=FOREIGN_ADMIN)
    assert (refused.data["response_type"], refused.data["text"]) == ("ephemeral", messages.NOT_MODERATOR)
    assert slack.fake.calls_to("users.info"), "the admin bit was looked up, and did not count"
    no_digest = await slack.command("digest subscribe 08:30 Europe/Kyiv", user_id=FOREIGN_ADMIN)
    assert no_digest.data["text"] == messages.NOT_DIGEST_MANAGER

    assert await history_of(slack.service, slack.top) == []
    assert await store.claims.content_version() == before_version
    assert await slack.service.subscriptions("slack") == []


async def test_a_cached_admin_bit_does_not_carry_over_to_another_workspace(slack: Slack) -> None:
    # ADMIN administers TEAM_ID, its own workspace: looked up there, and remembered ...
    done = await slack.command("digest subscribe 08:30 Europe/Kyiv", user_id=ADMIN)
    assert done.data["response_type"] == "in_channel"
    # ... which says nothing about a channel of another workspace they can post in.
    refused = await slack.command(
        "digest subscribe 08:30 Europe/Kyiv", user_id=ADMIN, channel_id="C0000ELSE", **ELSEWHERE
    )
    assert (refused.data["response_type"], refused.data["text"]) == ("ephemeral", messages.NOT_DIGEST_MANAGER)
    assert [s.channel_id for s in await slack.service.subscriptions("slack")] == ["C0000TEST"]


@pytest.mark.parametrize(("teams", "counts"), [([TEAM_ID, "T0000HOME"], True), (["T0000HOME"], False)])
async def test_an_enterprise_admin_counts_only_in_the_orgs_workspaces_they_belong_to(
    slack: Slack, teams: list[str], counts: bool
) -> None:
    slack.fake.user_teams[GRID_ADMIN] = "T0000HOME"
    slack.fake.enterprise_users[GRID_ADMIN] = {
        "id": GRID_ADMIN,
        "enterprise_id": "E0000GRID",
        "enterprise_name": "Grid Org",
        "is_admin": True,
        "is_owner": False,
        "teams": teams,
    }
    sent = await slack.command(f"retract {slack.top} not supported", user_id=GRID_ADMIN)
    assert ("Retracted" in sent.data["text"]) is counts
    assert len(await history_of(slack.service, slack.top)) == int(counts)


# ---- Slack Connect: a question belongs to the asker's own workspace -------------------------------------


async def test_a_slack_connect_question_counts_where_the_asker_belongs(slack: Slack) -> None:
    # A member of another organisation mentions the bot in a channel shared with this workspace:
    # the event's `team` is the host's, `user_team` the asker's own.
    event = {
        "type": "app_mention",
        "user": "UGUEST0001",
        "text": f"<@{BOT_USER_ID}> {QUESTION}",
        "ts": "1700000700.000100",
        "channel": "C0000SHRD",
        "team": TEAM_ID,
        "user_team": OTHER_TEAM_ID,
        "source_team": OTHER_TEAM_ID,
        "event_ts": "1700000700.000100",
    }
    assert (await slack.sender.event(event, "Ev0700"))[0] == 200
    await slack.fake.wait_for("chat.postMessage")

    desk = digest_desk(slack.service)
    since = slack.clock.now - timedelta(days=1)
    assert (await desk.question_stats(since, "slack", OTHER_TEAM_ID)).total == 1
    assert (await desk.question_stats(since, "slack", TEAM_ID)).total == 0


# ---- digest preview ----------------------------------------------------------------------------------


async def test_only_a_moderator_previews_the_moderators_digest_with_question_text(slack: Slack) -> None:
    await slack.command("digest subscribe 08:30 UTC moderators", user_id=MODERATOR, name="sub")
    assert [s.audience for s in await slack.service.subscriptions("slack")] == ["moderators"]
    await slack.command("What is the best borscht recipe?", name="asked")
    member = await slack.command("digest preview", user_id=ASKER, name="member")
    assert member.data["response_type"] == "ephemeral"
    assert "borscht" not in json.dumps(member.data).lower()
    moderator = await slack.command("digest preview", user_id=MODERATOR, name="moderator")
    assert "borscht" in json.dumps(moderator.data).lower()
