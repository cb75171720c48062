"""Who may change facts from Discord: the operator's configuration, never a guild's admin bit.

Facts are global, so a guild's own moderators count only in a guild the
operator configured (TALKSBOT_MODERATOR_COMMUNITIES); users the operator named
(TALKSBOT_MODERATOR_USERS) count anywhere. Everyone else may suggest, and a
suggestion is never shown as fact. Everything runs through the real discord.py
against the fake REST API, on a real SQLite file.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import discord
import pytest

from bot import messages
from bot.permissions import ModerationPolicy
from bot.replies import AnswerReply
from bot.service import SUGGESTIONS_PER_HOUR, TalksService
from bot.settings import Settings
from knowledge.store import Store
from tests.adapters.discord_fakes import (
    EPHEMERAL,
    EVERYONE_PERMS,
    GUILD_ID,
    GUILD_NAME,
    MANAGER_PERMS,
    MOD_PERMS,
    MOD_ROLE_ID,
    OTHER_GUILD_ID,
    DiscordHarness,
    deps_options,
    discord_bot,
    fake_discord,
    policy,
)
from tests.conftest import OPERATOR, FakeClock, history_of, talksbot_cli

__all__ = ["deps_options", "discord_bot", "fake_discord", "policy"]

CLAIM = "call-length-90-minutes"
QUESTION = "How long was the Trump Putin phone call?"
NEW_TEXT = "The call lasted about an hour and a half, by both sides' accounts."
ADMIN_PERMS = EVERYONE_PERMS | discord.Permissions(administrator=True)

# What the platform says about a user in a guild: each of these makes them a moderator *there*.
GUILD_MODERATORS = {
    "manage-messages": {"permissions": MOD_PERMS},
    "administrator": {"permissions": ADMIN_PERMS},
    "moderator-role": {"roles": [MOD_ROLE_ID]},
}

WRITES = {
    "correct": ("correct", {"claim": CLAIM, "text": NEW_TEXT, "reason": "both sides said so"}),
    "retract": ("retract", {"claim": CLAIM, "reason": "not supported"}),
}


async def shown_text(bot: DiscordHarness, claim_id: str = CLAIM) -> str:
    """The wording the next answer gives for `claim_id` (through the service, as any process would)."""
    reply = await bot.service.ask(QUESTION, log_question=False)
    assert isinstance(reply, AnswerReply)
    return next(c.text for c in reply.claims if c.claim_id == claim_id)


async def original_text(service: TalksService, claim_id: str = CLAIM) -> str:
    return (await service.claim(claim_id)).claim.original_text


@pytest.mark.parametrize("who", list(GUILD_MODERATORS.values()), ids=list(GUILD_MODERATORS))
@pytest.mark.parametrize("write", list(WRITES.values()), ids=list(WRITES))
async def test_a_moderator_of_an_unconfigured_guild_is_refused_and_nothing_is_written(
    discord_bot: DiscordHarness, store: Store, who: dict[str, Any], write: tuple[str, dict[str, str]]
) -> None:
    command, options = write
    before_text = await shown_text(discord_bot)
    before_version = await store.claims.content_version()
    payload = discord_bot.payloads.command(
        command, options, user_id=66, user_name="ElsewhereAdmin", guild_id=OTHER_GUILD_ID, **who
    )
    body = await discord_bot.response_to(payload)

    assert body["data"]["content"] == messages.NOT_MODERATOR
    assert body["data"]["flags"] & EPHEMERAL
    assert await history_of(discord_bot.service, CLAIM) == []
    assert await store.claims.content_version() == before_version
    assert await shown_text(discord_bot) == before_text == await original_text(discord_bot.service)


async def test_the_same_rights_in_the_configured_guild_succeed_and_history_says_where_and_who(
    discord_bot: DiscordHarness, db_path: Path
) -> None:
    discord_bot.guild_available(GUILD_ID, GUILD_NAME)
    payload = discord_bot.payloads.command(
        "correct", WRITES["correct"][1], user_id=7, user_name="Mod", **{"permissions": MOD_PERMS}
    )
    body = await discord_bot.response_to(payload)
    assert body["data"]["flags"] & EPHEMERAL and CLAIM in body["data"]["content"]
    assert await shown_text(discord_bot) == NEW_TEXT

    [entry] = await history_of(discord_bot.service, CLAIM)
    assert (entry.action, entry.by.platform, entry.by.community_id, entry.by.community_name) == (
        "correct",
        "discord",
        str(GUILD_ID),
        GUILD_NAME,
    )
    assert (entry.by.user_id, entry.by.name) == ("7", "Mod")

    # /history shows the same, to the moderator only.
    shown = await discord_bot.response_to(
        discord_bot.payloads.command("history", {"claim": CLAIM}, user_id=7, user_name="Mod", permissions=MOD_PERMS)
    )
    assert shown["data"]["flags"] & EPHEMERAL
    description = shown["data"]["embeds"][0]["description"]
    assert f"by Mod (discord, {GUILD_NAME} ({GUILD_ID}))" in description

    # Another process (the operator's CLI) reads the same file and sees the same record.
    code, out, err = await talksbot_cli(db_path, "history", CLAIM, "--json")
    assert code == 0, err
    [row] = json.loads(out)
    assert {k: row[k] for k in ("action", "platform", "community_id", "community_name", "user_id", "by")} == {
        "action": "correct",
        "platform": "discord",
        "community_id": str(GUILD_ID),
        "community_name": GUILD_NAME,
        "user_id": "7",
        "by": "Mod",
    }


async def test_an_ordinary_member_of_the_configured_guild_is_refused(discord_bot: DiscordHarness) -> None:
    body = await discord_bot.response_to(
        discord_bot.payloads.command("retract", WRITES["retract"][1], user_id=42, permissions=MANAGER_PERMS)
    )
    assert body["data"]["content"] == messages.NOT_MODERATOR
    assert await history_of(discord_bot.service, CLAIM) == []


NAMED_USER = 1_700_000_000_000_000_009
# As the operator writes it: TALKSBOT_MODERATOR_USERS=discord:<user id>,… (the environment is not read here).
NAMED = Settings(
    _env_file=None,  # type: ignore[call-arg]
    TALKSBOT_MODERATOR_COMMUNITIES=f"discord:{GUILD_ID}",
    TALKSBOT_MODERATOR_USERS=f"discord:{NAMED_USER}, slack:U0000NAMED",
    TALKSBOT_SLACK_MODERATORS="",
).moderation_policy()


@pytest.mark.parametrize("policy", [NAMED])
async def test_a_named_user_may_moderate_from_an_unconfigured_guild(
    discord_bot: DiscordHarness, policy: ModerationPolicy
) -> None:
    assert ("discord", str(NAMED_USER)) in policy.users
    # An admin of that guild who is not named is still refused there ...
    refused = await discord_bot.response_to(
        discord_bot.payloads.command(
            "retract", WRITES["retract"][1], user_id=66, guild_id=OTHER_GUILD_ID, permissions=ADMIN_PERMS
        )
    )
    assert refused["data"]["content"] == messages.NOT_MODERATOR
    assert await history_of(discord_bot.service, CLAIM) == []

    # ... while the named user, with no rights at all in it, may.
    body = await discord_bot.response_to(
        discord_bot.payloads.command(
            "correct", WRITES["correct"][1], user_id=NAMED_USER, user_name="Named", guild_id=OTHER_GUILD_ID
        )
    )
    assert CLAIM in body["data"]["content"]
    [entry] = await history_of(discord_bot.service, CLAIM)
    assert (entry.by.platform, entry.by.community_id, entry.by.user_id, entry.by.name) == (
        "discord",
        str(OTHER_GUILD_ID),
        str(NAMED_USER),
        "Named",
    )
    assert await shown_text(discord_bot) == NEW_TEXT


# ---- suggestions ---------------------------------------------------------------------------------


def suggestion(text: str, reason: str = "I read it elsewhere") -> dict[str, str]:
    return {"claim": CLAIM, "text": text, "reason": reason}


async def test_a_suggestion_is_stored_answered_privately_limited_and_never_shown_as_fact(
    discord_bot: DiscordHarness, store: Store, clock: FakeClock
) -> None:
    before_version = await store.claims.content_version()
    for n in range(1, SUGGESTIONS_PER_HOUR + 1):
        body = await discord_bot.response_to(
            discord_bot.payloads.command("suggest", suggestion(f"The call lasted {n} hours."), user_id=42)
        )
        assert body["data"]["flags"] & EPHEMERAL
        assert body["data"]["content"] == messages.SUGGESTION_STORED.format(id=n, claim_id=CLAIM)

    # The sixth within the hour is refused, ephemerally, and not stored.
    sixth = await discord_bot.response_to(
        discord_bot.payloads.command("suggest", suggestion("One too many."), user_id=42)
    )
    assert sixth["data"]["flags"] & EPHEMERAL
    assert sixth["data"]["content"] == "You can make 5 suggestions an hour; try again in 60 minutes."
    waiting = await discord_bot.service.open_suggestions(OPERATOR)
    assert [s.text for s in waiting] == [f"The call lasted {n} hours." for n in range(1, SUGGESTIONS_PER_HOUR + 1)]
    assert {(s.by.platform, s.by.community_id, s.by.user_id) for s in waiting} == {("discord", str(GUILD_ID), "42")}

    # The limit is per user: someone else may still suggest.
    other = await discord_bot.response_to(
        discord_bot.payloads.command("suggest", suggestion("Someone else's view."), user_id=43)
    )
    assert other["data"]["content"].startswith("Thanks")

    # Not a fact: no history, no content change, and the next answer keeps the article's wording.
    assert await history_of(discord_bot.service, CLAIM) == []
    assert await store.claims.content_version() == before_version
    assert await shown_text(discord_bot) == await original_text(discord_bot.service)

    # An hour later the first user may suggest again.
    clock.now += timedelta(hours=1, minutes=1)
    later = await discord_bot.response_to(
        discord_bot.payloads.command("suggest", suggestion("After the hour."), user_id=42)
    )
    assert later["data"]["content"].startswith("Thanks")


async def test_a_suggestion_for_an_unknown_claim_names_close_ones(discord_bot: DiscordHarness) -> None:
    body = await discord_bot.response_to(
        discord_bot.payloads.command("suggest", {**suggestion("x"), "claim": "call-length-90-minute"}, user_id=42)
    )
    assert body["data"]["flags"] & EPHEMERAL
    assert "Did you mean" in body["data"]["content"] and CLAIM in body["data"]["content"]
    assert await discord_bot.service.open_suggestions(OPERATOR) == []


# ---- the moderators' digest ---------------------------------------------------------------------------


MODERATORS_DIGEST = {"time": "08:30", "timezone": "Europe/Kyiv", "audience": "moderators"}


@pytest.mark.parametrize(
    "who",
    [
        {"permissions": EVERYONE_PERMS},
        # Manage Channels is enough for this channel's public digest, not for the moderators' one.
        {"permissions": MANAGER_PERMS},
        # A moderator of a guild the operator never configured.
        {"permissions": MOD_PERMS, "guild_id": OTHER_GUILD_ID},
    ],
    ids=["member", "channel-manager", "unconfigured-guild-moderator"],
)
async def test_a_non_moderator_cannot_subscribe_the_moderators_digest(
    discord_bot: DiscordHarness, who: dict[str, Any]
) -> None:
    body = await discord_bot.response_to(discord_bot.payloads.command("digest subscribe", MODERATORS_DIGEST, **who))
    assert body["data"]["flags"] & EPHEMERAL
    assert body["data"]["content"] == messages.NOT_MODERATOR
    assert await discord_bot.service.subscriptions("discord") == []


async def test_a_configured_moderator_subscribes_the_moderators_digest(discord_bot: DiscordHarness) -> None:
    body = await discord_bot.response_to(
        discord_bot.payloads.command("digest subscribe", MODERATORS_DIGEST, permissions=MOD_PERMS)
    )
    assert "moderators' digest" in body["data"]["content"]
    [sub] = await discord_bot.service.subscriptions("discord")
    assert (sub.community_id, sub.audience) == (str(GUILD_ID), "moderators")


async def test_only_a_moderator_previews_the_moderators_digest_with_question_text(discord_bot: DiscordHarness) -> None:
    await discord_bot.response_to(
        discord_bot.payloads.command("digest subscribe", MODERATORS_DIGEST, permissions=MOD_PERMS)
    )
    asked = await discord_bot.response_to(
        discord_bot.payloads.command("ask", {"question": "What is the best borscht recipe?"})
    )
    assert asked["data"]["flags"] & EPHEMERAL  # not answered

    def digest_text(body: dict[str, Any]) -> str:
        return json.dumps(body["data"]["embeds"], ensure_ascii=False).lower()

    member = await discord_bot.response_to(discord_bot.payloads.command("digest preview", user_id=42))
    assert member["data"]["flags"] & EPHEMERAL
    assert "borscht" not in digest_text(member)
    moderator = await discord_bot.response_to(
        discord_bot.payloads.command("digest preview", user_id=7, permissions=MOD_PERMS)
    )
    assert "borscht" in digest_text(moderator)


# ---- an app a member installed for themselves (the bot is not in the guild) -----------------------


def _roles_read(bot: DiscordHarness) -> list[Any]:
    return bot.fake.find("GET", "/roles")


def _problems(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("adapters.discord")]


async def test_a_user_installed_apps_suggest_works_without_reading_roles(
    discord_bot: DiscordHarness, caplog: pytest.LogCaptureFixture
) -> None:
    # Discord answers 403 to the bot for a guild it is not in: nothing may depend on reading it.
    discord_bot.fake.forbidden.add(f"/guilds/{GUILD_ID}/")
    payload = discord_bot.payloads.command(
        "suggest", suggestion("The call lasted two hours."), user_id=42, installed_by_user=True
    )
    with caplog.at_level(logging.INFO):
        body = await discord_bot.response_to(payload)
    assert body["data"]["flags"] & EPHEMERAL
    assert body["data"]["content"] == messages.SUGGESTION_STORED.format(id=1, claim_id=CLAIM)
    assert _roles_read(discord_bot) == []
    assert _problems(caplog) == []


@pytest.mark.parametrize("installed_by_user", [True, False], ids=["user-install", "guild-install-roles-forbidden"])
async def test_a_moderator_by_role_whose_roles_cannot_be_read_is_refused_with_one_log_line(
    discord_bot: DiscordHarness, store: Store, caplog: pytest.LogCaptureFixture, installed_by_user: bool
) -> None:
    discord_bot.fake.forbidden.add(f"/guilds/{GUILD_ID}/")
    before_version = await store.claims.content_version()
    payload = discord_bot.payloads.command(
        "retract", WRITES["retract"][1], user_id=7, roles=[MOD_ROLE_ID], installed_by_user=installed_by_user
    )
    with caplog.at_level(logging.INFO):
        body = await discord_bot.response_to(payload)

    assert body["data"]["flags"] & EPHEMERAL
    assert body["data"]["content"] == messages.NOT_MODERATOR
    assert await history_of(discord_bot.service, CLAIM) == []
    assert await store.claims.content_version() == before_version
    [line] = _problems(caplog)
    assert line.levelno == logging.WARNING and line.exc_info is None
    # A user's own install cannot read the guild at all: it does not try.
    assert len(_roles_read(discord_bot)) == (0 if installed_by_user else 1)


@pytest.mark.parametrize("policy", [NAMED])
async def test_a_named_user_needs_no_role_lookup(discord_bot: DiscordHarness, policy: ModerationPolicy) -> None:
    body = await discord_bot.response_to(
        discord_bot.payloads.command("retract", WRITES["retract"][1], user_id=NAMED_USER, roles=[MOD_ROLE_ID])
    )
    assert CLAIM in body["data"]["content"]
    assert [e.action for e in await history_of(discord_bot.service, CLAIM)] == ["retract"]
    assert _roles_read(discord_bot) == []


# Every moderator command, with options that would succeed for a moderator ({item} is a queue item).
MODERATOR_COMMANDS = {
    "correct": {"claim": CLAIM, "text": NEW_TEXT, "reason": "both sides said so"},
    "retract": {"claim": CLAIM, "reason": "not supported"},
    "restore": {"claim": CLAIM},
    "history": {"claim": CLAIM},
    "queue list": {},
    "queue teach": {"item": "{item}", "claim": CLAIM},
    "queue undo": {"item": "{item}"},
    "queue dismiss": {"item": "{item}", "reason": "off-topic"},
    "queue accept": {"item": "{item}"},
    "queue reject": {"item": "{item}", "reason": "no"},
}


@pytest.mark.parametrize("command", list(MODERATOR_COMMANDS))
async def test_every_moderator_command_refuses_a_reader_and_writes_nothing(
    discord_bot: DiscordHarness, store: Store, command: str
) -> None:
    await discord_bot.service.ask("What is the best borscht recipe?")
    [item] = await discord_bot.service.queue(OPERATOR)
    options: dict[str, Any] = {k: item.id if v == "{item}" else v for k, v in MODERATOR_COMMANDS[command].items()}
    before = await store.claims.content_version()
    payload = discord_bot.payloads.command(command, options, user_id=42, permissions=MANAGER_PERMS)
    for option in payload["data"]["options"][0].get("options", []):
        if isinstance(option["value"], int):
            option["type"] = 4  # an integer option, as Discord sends it
    body = await discord_bot.response_to(payload)
    assert body["data"]["content"] == messages.NOT_MODERATOR
    assert body["data"]["flags"] & EPHEMERAL
    assert await store.claims.content_version() == before
    assert (await discord_bot.service.queue_item(OPERATOR, item.id)).status == "open"
