"""Digest subscriptions by slash command, and due digests posted with the bot token."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from adapters.discord import messages as dmsg
from bot import messages
from tests.adapters.discord_fakes import (
    CHANNEL_ID,
    EPHEMERAL,
    GUILD_ID,
    MANAGER_PERMS,
    MOD_ROLE_ID,
    DiscordHarness,
    deps_options,
    discord_bot,
    fake_discord,
    policy,
)
from tests.adapters.discord_limits import limit_problems
from tests.adapters.test_discord_commands import embeds_of
from tests.conftest import FakeClock

__all__ = ["deps_options", "discord_bot", "fake_discord", "policy"]

SUBSCRIBE = {"time": "08:30", "timezone": "Europe/Kyiv"}


def channel_posts(bot: DiscordHarness) -> list[dict[str, Any]]:
    return [r.body for r in bot.fake.find("POST", f"/channels/{CHANNEL_ID}/messages")]


async def test_timezone_autocomplete(discord_bot: DiscordHarness) -> None:
    body = await discord_bot.response_to(discord_bot.payloads.autocomplete("digest subscribe", "timezone", "kyi"))
    assert body["type"] == 8
    assert {"name": "Europe/Kyiv", "value": "Europe/Kyiv"} in body["data"]["choices"]
    assert len(body["data"]["choices"]) <= 25


async def test_subscribing_needs_manage_channels_or_the_moderator_role(discord_bot: DiscordHarness) -> None:
    body = await discord_bot.response_to(discord_bot.payloads.command("digest subscribe", SUBSCRIBE))
    assert body["data"]["content"] == messages.NOT_DIGEST_MANAGER
    assert body["data"]["flags"] & EPHEMERAL
    assert await discord_bot.service.subscriptions("discord") == []

    body = await discord_bot.response_to(
        discord_bot.payloads.command("digest subscribe", SUBSCRIBE, roles=[MOD_ROLE_ID])
    )
    assert body["data"]["content"] == dmsg.subscribed("08:30", "Europe/Kyiv")
    [sub] = await discord_bot.service.subscriptions("discord")
    assert (sub.channel_id, sub.post_time, sub.timezone) == (str(CHANNEL_ID), "08:30", "Europe/Kyiv")
    assert (sub.community_id, sub.audience) == (str(GUILD_ID), "public")


async def test_bad_time_is_one_sentence(discord_bot: DiscordHarness) -> None:
    payload = discord_bot.payloads.command(
        "digest subscribe", {**SUBSCRIBE, "time": "25:00"}, permissions=MANAGER_PERMS
    )
    body = await discord_bot.response_to(payload)
    assert "HH:MM" in body["data"]["content"]
    assert await discord_bot.service.subscriptions("discord") == []


async def test_a_due_digest_is_posted_once_to_the_channel_despite_a_rate_limit(
    discord_bot: DiscordHarness, clock: FakeClock
) -> None:
    await discord_bot.response_to(
        discord_bot.payloads.command("digest subscribe", SUBSCRIBE, permissions=MANAGER_PERMS)
    )
    scheduler = discord_bot.client.scheduler

    clock.now = datetime(2025, 2, 14, 6, 0, tzinfo=UTC)  # 08:00 in Kyiv: not yet due
    assert await scheduler.run_due() == []
    assert channel_posts(discord_bot) == []

    discord_bot.fake.failures[f"/channels/{CHANNEL_ID}/messages"] = [429]
    clock.now = datetime(2025, 2, 14, 6, 45, tzinfo=UTC)  # 08:45 in Kyiv
    [outcome] = await scheduler.run_due()
    assert outcome.posted
    assert await scheduler.run_due() == []

    posts = channel_posts(discord_bot)
    assert len(posts) == 2  # the rate-limited try and the retry discord.py made after retry_after
    sent = posts[-1]
    assert sent["allowed_mentions"] == {"parse": []}
    embeds = embeds_of(sent)
    assert embeds[0].title == "talksbot digest — 2025-02-14"
    assert limit_problems(embeds) == []
    # Posted with the bot token, not through an interaction webhook.
    assert discord_bot.fake.find("POST", "/messages")[-1].headers["Authorization"] == "Bot fake-bot-token"


async def test_unsubscribe_and_preview(discord_bot: DiscordHarness) -> None:
    body = await discord_bot.response_to(discord_bot.payloads.command("digest unsubscribe", permissions=MANAGER_PERMS))
    assert body["data"]["content"] == "This channel has no daily digest."

    await discord_bot.response_to(
        discord_bot.payloads.command("digest subscribe", SUBSCRIBE, permissions=MANAGER_PERMS)
    )
    body = await discord_bot.response_to(discord_bot.payloads.command("digest unsubscribe", permissions=MANAGER_PERMS))
    assert body["data"]["content"] == dmsg.UNSUBSCRIBED
    assert await discord_bot.service.subscriptions("discord") == []

    body = await discord_bot.response_to(discord_bot.payloads.command("digest preview"))
    assert body["data"]["flags"] & EPHEMERAL
    embeds = embeds_of(body["data"])
    assert embeds and limit_problems(embeds) == []
