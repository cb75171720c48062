"""Slash commands, the message menu and feedback buttons, through the real discord.py.

Raw INTERACTION_CREATE payloads go through discord.py's own state and command
tree; its REST calls land on a fake Discord API on 127.0.0.1 that records them.
The database is a real SQLite file.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
import pytest
from discord import app_commands

from adapters.discord import messages as dmsg
from adapters.discord.commands import ASK_MENU_NAME
from adapters.discord.feedback import feedback_custom_id
from adapters.discord.render import escape
from bot import messages
from bot.digest import DigestScope, build_digest
from bot.replies import AnswerReply
from bot.service import DigestDesk
from knowledge.models import FeedbackCount, Place
from knowledge.store import Store
from tests.adapters.discord_fakes import (
    EPHEMERAL,
    GUILD_ID,
    MOD_PERMS,
    MOD_ROLE_ID,
    DiscordHarness,
    deps_options,
    discord_bot,
    fake_discord,
    policy,
)
from tests.adapters.discord_limits import limit_problems
from tests.conftest import history_of

__all__ = ["deps_options", "discord_bot", "fake_discord", "policy"]

CALL_LENGTH = "How long was the Trump Putin phone call?"
CHANNEL_MESSAGE = 4
DEFERRED = 5
AUTOCOMPLETE_RESULT = 8


def embeds_of(body: dict[str, Any]) -> list[discord.Embed]:
    return [discord.Embed.from_dict(e) for e in body.get("embeds") or []]


def custom_ids(body: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in body.get("components") or [] for c in row["components"]]


async def ask(bot: DiscordHarness, question: str, **who: Any) -> dict[str, Any]:
    return await bot.response_to(bot.payloads.command("ask", {"question": question}, **who))


async def test_ask_answers_publicly_with_quotes_within_limits_and_no_pings(discord_bot: DiscordHarness) -> None:
    body = await ask(discord_bot, CALL_LENGTH + " @everyone <@&123>")

    assert body["type"] == CHANNEL_MESSAGE
    data = body["data"]
    assert not (data.get("flags") or 0) & EPHEMERAL
    assert data["allowed_mentions"] == {"parse": []}
    assert "@everyone" in data["content"]  # echoed, and inert because nothing may be parsed
    embeds = embeds_of(data)
    assert 1 <= len(embeds) <= 3
    assert limit_problems(embeds) == []
    assert "90" in (embeds[0].title or "")
    assert "> “" in (embeds[0].description or "")
    assert any(f.name and messages.SOURCES_DISAGREE in f.name for e in embeds for f in e.fields)
    ids = custom_ids(data)
    assert len(ids) == 2 * len(embeds)
    assert all(i.startswith("tb:fb:") and len(i) <= 100 for i in ids)


async def test_several_questions_are_answered_in_one_message(discord_bot: DiscordHarness) -> None:
    body = await ask(discord_bot, "How many minutes did the two presidents talk, and what is the best borscht recipe?")

    data = body["data"]
    assert not (data.get("flags") or 0) & EPHEMERAL  # one of them has claims: the channel sees it
    embeds = embeds_of(data)
    assert [e.title for e in embeds] == [
        "Q: How many minutes did the two presidents talk",
        "Q: what is the best borscht recipe?",
    ]
    assert limit_problems(embeds) == []
    first, second = embeds
    assert first.fields and all(f.name and f.name[0].isdigit() for f in first.fields)
    assert any("90" in (f.name or "") + (f.value or "") for f in first.fields)
    assert "> “" in (first.fields[0].value or "")
    assert not second.fields and (second.description or "").startswith(messages.NO_ANSWER)
    # A row of feedback buttons per claim shown, each for its own question.
    assert len(custom_ids(data)) == 2 * len(first.fields)


async def test_several_questions_none_answered_stay_with_the_asker(discord_bot: DiscordHarness) -> None:
    body = await ask(discord_bot, "What is the best borscht recipe, and which team won the cup final?")
    assert body["data"]["flags"] & EPHEMERAL


async def test_ask_without_an_answer_is_ephemeral_with_suggestions(discord_bot: DiscordHarness) -> None:
    body = await ask(discord_bot, "What is the best recipe for borscht?")

    data = body["data"]
    assert data["flags"] & EPHEMERAL
    assert data["content"].startswith(messages.NO_ANSWER)
    assert messages.SUGGESTIONS_LEAD in data["content"]
    assert 1 <= data["content"].count("\n• ") <= 3
    assert data["allowed_mentions"] == {"parse": []}


@pytest.mark.parametrize("deps_options", [{"soft_deadline": 0.0}])
async def test_slow_work_defers_first_then_follows_up(discord_bot: DiscordHarness) -> None:
    body = await ask(discord_bot, CALL_LENGTH)

    assert body["type"] == DEFERRED
    follow = await discord_bot.fake.wait_for(discord_bot.fake.followups)
    assert follow[0].body["allowed_mentions"] == {"parse": []}
    assert limit_problems(embeds_of(follow[0].body)) == []
    assert embeds_of(follow[0].body)
    assert custom_ids(follow[0].body)


async def test_message_menu_answers_the_message_text(discord_bot: DiscordHarness) -> None:
    body = await discord_bot.response_to(discord_bot.payloads.message_menu(ASK_MENU_NAME, CALL_LENGTH))

    assert body["type"] == CHANNEL_MESSAGE
    assert embeds_of(body["data"])
    assert body["data"]["allowed_mentions"] == {"parse": []}


async def test_message_menu_on_a_message_without_text_says_so(discord_bot: DiscordHarness) -> None:
    body = await discord_bot.response_to(discord_bot.payloads.message_menu(ASK_MENU_NAME, "  "))

    assert body["data"]["content"] == dmsg.EMPTY_MESSAGE
    assert body["data"]["flags"] & EPHEMERAL


async def test_claim_autocomplete_offers_at_most_25_claim_ids(discord_bot: DiscordHarness) -> None:
    body = await discord_bot.response_to(discord_bot.payloads.autocomplete("claim", "id", ""))

    assert body["type"] == AUTOCOMPLETE_RESULT
    choices = body["data"]["choices"]
    assert 1 <= len(choices) <= 25
    known = {cid for cid, _ in discord_bot.service.find_claim_ids("", limit=10_000)}
    assert all(c["value"] in known and len(c["name"]) <= 100 for c in choices)

    narrowed = await discord_bot.response_to(discord_bot.payloads.autocomplete("claim", "id", "90-minute"))
    assert [c["value"] for c in narrowed["data"]["choices"]][:1] == ["call-length-90-minutes"]


async def test_a_6000_character_id_gets_a_short_reply_with_close_ids(discord_bot: DiscordHarness) -> None:
    # Discord lets an option carry 6,000 characters; no id is longer than 80.
    typed = "call-length-90-minute" + "s" * 5_979
    body = await discord_bot.response_to(discord_bot.payloads.command("claim", {"id": typed}))
    content = body["data"]["content"]
    assert body["data"]["flags"] & EPHEMERAL
    assert len(content) <= 2_000 and "call-length-90-minutes" in content
    picked = await discord_bot.response_to(discord_bot.payloads.autocomplete("claim", "id", typed))
    assert picked["type"] == AUTOCOMPLETE_RESULT


async def test_claim_shows_a_card_and_refuses_an_id_typed_by_hand(discord_bot: DiscordHarness) -> None:
    body = await discord_bot.response_to(discord_bot.payloads.command("claim", {"id": "call-length-90-minutes"}))
    embeds = embeds_of(body["data"])
    assert len(embeds) == 1 and limit_problems(embeds) == []
    assert "call-length-90-minutes" in (embeds[0].footer.text or "")

    body = await discord_bot.response_to(discord_bot.payloads.command("claim", {"id": "@everyone no such claim"}))
    assert body["data"]["flags"] & EPHEMERAL
    assert dmsg.PICK_FROM_LIST in body["data"]["content"]
    assert body["data"]["allowed_mentions"] == {"parse": []}


async def test_sources_lists_the_articles(discord_bot: DiscordHarness) -> None:
    body = await discord_bot.response_to(discord_bot.payloads.command("sources"))
    embeds = embeds_of(body["data"])
    assert len(embeds[0].fields) == len(await discord_bot.service.sources())
    assert limit_problems(embeds) == []


CORRECTION = {
    "claim": "call-length-90-minutes",
    "text": "The call lasted about an hour and a half, by both sides' accounts.",
    "reason": "Both the White House and the Kremlin gave this length.",
}


async def test_non_moderator_correct_is_refused_and_changes_nothing(discord_bot: DiscordHarness) -> None:
    body = await discord_bot.response_to(discord_bot.payloads.command("correct", CORRECTION))

    assert body["data"]["content"] == messages.NOT_MODERATOR
    assert body["data"]["flags"] & EPHEMERAL
    assert await history_of(discord_bot.service, "call-length-90-minutes") == []
    assert discord_bot.fake.find("GET", "/roles")  # the role was looked up before refusing


async def test_moderator_correct_changes_the_next_answer(discord_bot: DiscordHarness) -> None:
    body = await discord_bot.response_to(
        discord_bot.payloads.command("correct", CORRECTION, user_id=7, user_name="Mod", permissions=MOD_PERMS)
    )
    assert body["data"]["flags"] & EPHEMERAL
    assert "call-length-90-minutes" in body["data"]["content"]

    history = await history_of(discord_bot.service, "call-length-90-minutes")
    assert [(e.action, e.by.platform, e.by.community_id, e.by.user_id, e.by.name) for e in history] == [
        ("correct", "discord", str(GUILD_ID), "7", "Mod")
    ]

    answer = await ask(discord_bot, CALL_LENGTH)
    embeds = embeds_of(answer["data"])
    corrected = next(e for e in embeds if e.footer.text and "call-length-90-minutes" in e.footer.text)
    assert corrected.title == CORRECTION["text"]
    assert "Corrected by Mod" in (corrected.description or "")
    assert limit_problems(embeds) == []


async def test_member_with_the_moderator_role_may_retract_and_restore(discord_bot: DiscordHarness) -> None:
    who = {"user_id": 8, "user_name": "Checker", "roles": [MOD_ROLE_ID]}
    retract = discord_bot.payloads.command("retract", {"claim": "call-length-90-minutes", "reason": "test"}, **who)
    body = await discord_bot.response_to(retract)
    assert "Retracted" in body["data"]["content"]

    body = await discord_bot.response_to(
        discord_bot.payloads.command("history", {"claim": "call-length-90-minutes"}, **who)
    )
    assert "retract" in (embeds_of(body["data"])[0].description or "")

    restore = discord_bot.payloads.command("restore", {"claim": "call-length-90-minutes"}, **who)
    body = await discord_bot.response_to(restore)
    assert "Restored" in body["data"]["content"]
    actions = [e.action for e in await history_of(discord_bot.service, "call-length-90-minutes")]
    assert actions == ["retract", "restore"]


async def test_moderator_mistakes_come_back_as_one_sentence(discord_bot: DiscordHarness) -> None:
    bad_url = {**CORRECTION, "url": "javascript:alert(1)"}
    body = await discord_bot.response_to(discord_bot.payloads.command("correct", bad_url, permissions=MOD_PERMS))
    # The sentence is escaped like any text that may quote the user: its "https://" is no link.
    assert body["data"]["content"] == escape(messages.bad_url(messages.URL_NOT_WEB))

    body = await discord_bot.response_to(
        discord_bot.payloads.command("restore", {"claim": "call-length-90-minutes"}, permissions=MOD_PERMS)
    )
    assert "nothing to restore" in body["data"]["content"]
    assert await history_of(discord_bot.service, "call-length-90-minutes") == []


async def test_feedback_buttons_are_stored_and_wrong_reaches_the_digest(
    discord_bot: DiscordHarness, store: Store
) -> None:
    body = await ask(discord_bot, CALL_LENGTH)
    sent = body["data"]
    helpful, wrong = custom_ids(sent)[:2]

    reply = await discord_bot.response_to(discord_bot.payloads.button(helpful, sent, user_id=50))
    assert reply["data"]["content"] == dmsg.FEEDBACK_HELPFUL
    assert reply["data"]["flags"] & EPHEMERAL
    reply = await discord_bot.response_to(discord_bot.payloads.button(wrong, sent, user_id=51))
    assert reply["data"]["content"] == dmsg.FEEDBACK_WRONG

    since = discord_bot.service.clock().replace(year=2000)
    feedback = await store.activity.feedback_since(since, "discord", str(GUILD_ID))
    counts = {(f.claim_id, f.verdict): f.count for f in feedback}
    claim_id = helpful.rsplit(":", 1)[1]
    assert counts == {(claim_id, "helpful"): 1, (claim_id, "wrong"): 1}

    now = discord_bot.service.clock()
    mods = DigestScope("discord", str(GUILD_ID), "moderators")
    digest = await build_digest(DigestDesk(discord_bot.service), since=None, now=now, scope=mods)
    wrong_section = next(s for s in digest.sections if "wrong" in s.title)
    assert wrong_section.items[0].claim_id == claim_id
    # Readers' reports are for moderators: the channel's public digest does not show them.
    public = await build_digest(
        DigestDesk(discord_bot.service), since=None, now=now, scope=DigestScope("discord", str(GUILD_ID))
    )
    assert not any("wrong" in s.title for s in public.sections)


def _sent_with_button(custom_id: str) -> dict[str, Any]:
    return {
        "components": [{"type": 1, "components": [{"type": 2, "style": 2, "label": "Wrong", "custom_id": custom_id}]}]
    }


async def test_buttons_of_a_message_sent_before_a_restart_still_work(discord_bot: DiscordHarness, store: Store) -> None:
    # The answer was given by an earlier process: its question is in the database, but no view
    # was registered for its message in this one; only the dynamic item template matches.
    place = Place(platform="discord", community_id=str(GUILD_ID), channel_id="1")
    earlier = await discord_bot.service.ask(CALL_LENGTH, place)
    assert isinstance(earlier, AnswerReply) and earlier.question_id is not None
    claim_id = earlier.claims[0].claim_id
    custom_id = feedback_custom_id("wrong", earlier.question_id, claim_id)
    reply = await discord_bot.response_to(discord_bot.payloads.button(custom_id, _sent_with_button(custom_id)))
    assert reply["data"]["content"] == dmsg.FEEDBACK_WRONG
    since = discord_bot.service.clock().replace(year=2000)
    assert await store.activity.feedback_since(since, "discord", str(GUILD_ID)) == [
        FeedbackCount(claim_id=claim_id, verdict="wrong", count=1)
    ]


@pytest.mark.parametrize(
    "custom_id",
    [
        "tb:fb:w:-:call-date-february-12",  # a button from before answers carried their question id
        "tb:fb:w:999999:call-date-february-12",  # no such answer
    ],
)
async def test_a_button_for_an_unknown_answer_is_refused_and_records_nothing(
    discord_bot: DiscordHarness, store: Store, custom_id: str
) -> None:
    reply = await discord_bot.response_to(discord_bot.payloads.button(custom_id, _sent_with_button(custom_id)))
    assert reply["data"]["content"] == messages.FEEDBACK_UNKNOWN
    assert reply["data"]["flags"] & EPHEMERAL
    since = discord_bot.service.clock().replace(year=2000)
    assert await store.activity.feedback_since(since, "discord", str(GUILD_ID)) == []


async def test_unknown_errors_are_logged_and_answered_calmly(
    discord_bot: DiscordHarness, caplog: pytest.LogCaptureFixture
) -> None:
    @app_commands.command(name="boom", description="fails")
    async def boom(interaction: discord.Interaction) -> None:
        raise RuntimeError("disk on fire")

    discord_bot.client.tree.add_command(boom)
    with caplog.at_level(logging.ERROR):
        body = await discord_bot.response_to(discord_bot.payloads.command("boom"))

    assert body["data"]["content"] == messages.UNKNOWN_ERROR
    assert body["data"]["flags"] & EPHEMERAL
    record = next(r for r in caplog.records if r.name == "adapters.discord.respond")
    assert record.exc_info and "disk on fire" in str(record.exc_info[1])
