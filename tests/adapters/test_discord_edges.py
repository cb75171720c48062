"""Payloads Discord really sends that the bot must survive: commands it no longer has,
events discord.py cannot parse, and timezones that are folders of the tz database.

Everything goes through discord.py's own parsing and command tree; the REST API and
the gateway are the loopback fake in tests/adapters/discord_fakes.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import Any

import pytest
import yarl
from discord.gateway import DiscordWebSocket

from adapters.discord import messages as dmsg
from adapters.discord.runner import run_discord
from bot import messages
from bot.settings import Settings
from tests.adapters.discord_fakes import (
    EPHEMERAL,
    GUILD_ID,
    MANAGER_PERMS,
    TOKEN,
    DiscordHarness,
    FakeDiscord,
    Payloads,
    deps_options,
    discord_bot,
    fake_discord,
    policy,
)

__all__ = ["deps_options", "discord_bot", "fake_discord", "policy"]

USER_ID = 987_654_321_987_654_321
AUTOCOMPLETE_RESULT = 8


def _logged(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() + (str(r.exc_info) if r.exc_info else "") for r in caplog.records)


@pytest.mark.parametrize(
    "payload",
    [
        # A command removed from the bot but still in a user's client (no sync since).
        pytest.param(lambda p: p.command("factcheck", {"claim": "x"}, user_id=USER_ID), id="unknown"),
        # An old shape of a command that is now a group: Discord sends the bare name.
        pytest.param(lambda p: p.command("queue", user_id=USER_ID), id="stale-group"),
        # A message menu that no longer exists.
        pytest.param(lambda p: p.message_menu("Fact-check this", "text", user_id=USER_ID), id="unknown-menu"),
    ],
)
async def test_a_command_the_bot_does_not_have_is_answered_as_unavailable_in_one_log_line(
    discord_bot: DiscordHarness, caplog: pytest.LogCaptureFixture, payload: Any
) -> None:
    with caplog.at_level(logging.DEBUG, logger="adapters"):
        body = await discord_bot.response_to(payload(discord_bot.payloads))
    assert body["data"]["content"] == dmsg.COMMAND_UNAVAILABLE
    assert body["data"]["flags"] & EPHEMERAL
    records = [r for r in caplog.records if r.name.startswith("adapters")]
    assert len(records) == 1, _logged(caplog)
    [record] = records
    assert record.levelno == logging.WARNING and record.exc_info is None
    text = record.getMessage()
    assert "\n" not in text
    # No personal data: neither the user, the member, the guild nor the interaction token.
    assert str(USER_ID) not in text and str(GUILD_ID) not in text and "token-" not in text


async def test_autocomplete_for_a_command_the_bot_does_not_have_gets_no_choices(
    discord_bot: DiscordHarness, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="adapters"):
        body = await discord_bot.response_to(
            discord_bot.payloads.autocomplete("factcheck", "claim", "call", user_id=USER_ID)
        )
    assert body == {"type": AUTOCOMPLETE_RESULT, "data": {"choices": []}}
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert str(USER_ID) not in _logged(caplog)


@pytest.mark.parametrize("zone", ["Europe", "America", "Etc", "America/Argentina", "Europe/" + "x" * 293])
async def test_a_timezone_that_is_a_region_or_an_essay_is_refused_in_one_sentence(
    discord_bot: DiscordHarness, caplog: pytest.LogCaptureFixture, zone: str
) -> None:
    payload = discord_bot.payloads.command(
        "digest subscribe", {"time": "08:30", "timezone": zone}, permissions=MANAGER_PERMS
    )
    with caplog.at_level(logging.ERROR):
        body = await discord_bot.response_to(payload)
    content = body["data"]["content"]
    assert content != messages.UNKNOWN_ERROR
    assert "timezone" in content and "Europe/Kyiv" in content
    assert len(content) < 200
    assert body["data"]["flags"] & EPHEMERAL
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert await discord_bot.service.subscriptions("discord") == []


async def test_one_event_discord_py_cannot_parse_does_not_end_the_bot(
    fake_discord: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake_discord.gateway_url))
    settings = Settings(db=str(tmp_path / "t.db"), discord_token=TOKEN)  # type: ignore[arg-type]
    running = asyncio.create_task(run_discord(settings))
    try:
        await fake_discord.wait_for(lambda: [f for f in fake_discord.gateway_received if f["op"] == 2], within=20)
        # An interaction whose member lacks the user object: discord.py raises KeyError parsing it.
        payloads = Payloads()
        broken = payloads.command("sources", user_id=USER_ID)
        del broken["member"]["user"]
        with caplog.at_level(logging.WARNING):
            await fake_discord.gateway_dispatch("INTERACTION_CREATE", broken)
            good = payloads.command("sources")
            await fake_discord.gateway_dispatch("INTERACTION_CREATE", good)
            await fake_discord.wait_for(lambda: fake_discord.callbacks(int(good["id"])), within=10)
        assert not running.done()
        assert fake_discord.callbacks(int(broken["id"])) == []
        dropped = [r for r in caplog.records if "INTERACTION_CREATE" in r.getMessage()]
        assert len(dropped) == 1 and dropped[0].exc_info is None
        assert str(USER_ID) not in dropped[0].getMessage()
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
