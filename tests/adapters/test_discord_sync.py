"""`talksbot discord sync`, start-up checks, intents and sharding."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket

from adapters.discord.client import INVITE_PERMISSIONS, ShardedTalksClient, TalksClient, make_client
from adapters.discord.deps import AdapterDeps
from adapters.discord.runner import run_discord, sync_commands
from adapters.main import main
from bot.service import TalksService
from bot.settings import Settings
from knowledge.errors import BadInput
from tests.adapters.discord_fakes import APP_ID, GUILD_ID, TOKEN, FakeDiscord, Payloads, fake_discord

__all__ = ["fake_discord"]

MODERATOR_COMMANDS = {"correct", "retract", "restore", "history", "queue"}


def settings(tmp_path: Path, **extra: str) -> Settings:
    return Settings(db=str(tmp_path / "t.db"), discord_token=TOKEN, **extra)  # type: ignore[arg-type]


async def test_guild_sync_publishes_every_command_with_help_and_permissions(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    lines: list[str] = []
    assert await sync_commands(settings(tmp_path), guild_id=GUILD_ID, echo=lines.append) == 0

    [put] = fake_discord.find("PUT", f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands")
    commands = {c["name"]: c for c in put.body}
    assert set(commands) == {"ask", "claim", "sources", "digest", "suggest", "Ask talksbot", *MODERATOR_COMMANDS}
    assert commands["Ask talksbot"]["type"] == 3
    for name, command in commands.items():
        if command["type"] == 1:
            assert 0 < len(command["description"]) <= 100, name
        for option in command.get("options", []):
            assert 0 < len(option["description"]) <= 100, (name, option["name"])
    for name in MODERATOR_COMMANDS:
        assert int(commands[name]["default_member_permissions"]) == discord.Permissions(manage_messages=True).value
        assert commands[name]["contexts"] == [0]  # guilds only
    assert commands["ask"]["default_member_permissions"] is None
    # Everyone may suggest a correction; moderators review it.
    assert commands["suggest"]["default_member_permissions"] is None
    suggest = {o["name"]: o for o in commands["suggest"]["options"]}
    assert [suggest[n]["required"] for n in ("claim", "text", "reason")] == [True, True, True]
    assert suggest["claim"]["autocomplete"] is True
    assert [o["name"] for o in commands["ask"]["options"]] == ["question"]
    assert commands["claim"]["options"][0] | {"name": "id", "autocomplete": True} == commands["claim"]["options"][0]
    correct = {o["name"]: o for o in commands["correct"]["options"]}
    assert [correct[n]["required"] for n in ("claim", "text", "reason", "url")] == [True, True, True, False]
    assert correct["claim"]["autocomplete"] is True
    digest = {o["name"]: o for o in commands["digest"]["options"]}
    assert set(digest) == {"subscribe", "unsubscribe", "preview"}
    assert [o["name"] for o in digest["subscribe"]["options"]] == ["time", "timezone", "audience"]
    assert digest["subscribe"]["options"][1]["autocomplete"] is True
    audience = digest["subscribe"]["options"][2]
    assert not audience.get("required") and {c["value"] for c in audience["choices"]} == {"public", "moderators"}

    assert lines[0].startswith("Synced 11 commands to guild")
    assert "scope=bot+applications.commands" in lines[1]
    assert f"permissions={INVITE_PERMISSIONS.value}" in lines[1]


async def test_global_sync(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    assert await sync_commands(settings(tmp_path), guild_id=None, echo=lambda _: None) == 0
    assert len(fake_discord.find("PUT", f"/applications/{APP_ID}/commands")[0].body) == 11
    assert not fake_discord.find("PUT", "/guilds/")


async def test_a_rejected_token_is_one_sentence(fake_discord: FakeDiscord, tmp_path: Path) -> None:
    fake_discord.failures["/users/@me"] = [401]
    with pytest.raises(BadInput, match="DISCORD_TOKEN"):
        await sync_commands(settings(tmp_path), guild_id=None, echo=lambda _: None)


@pytest.mark.parametrize("argv", [["run", "discord"], ["discord", "sync"], ["discord", "sync", "--guild", "1"]])
def test_missing_token_exits_2_naming_it(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    monkeypatch.setenv("TALKSBOT_DB", str(tmp_path / "t.db"))
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert "DISCORD_TOKEN is not set" in err
    assert len(err.splitlines()) == 1


async def test_no_privileged_intents_and_sharding_by_setting(service: TalksService) -> None:
    client = make_client(AdapterDeps(service=service), schedule_digests=False)
    assert isinstance(client, TalksClient)
    assert client.intents.guilds
    assert not (client.intents.members or client.intents.presences or client.intents.message_content)
    assert client.allowed_mentions is not None and client.allowed_mentions.to_dict() == {"parse": []}
    assert isinstance(make_client(AdapterDeps(service=service), sharded=True), ShardedTalksClient)


async def test_run_connects_without_privileged_intents_and_answers_gateway_interactions(
    fake_discord: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake_discord.gateway_url))
    running = asyncio.create_task(run_discord(settings(tmp_path)))
    try:
        identify = await fake_discord.wait_for(
            lambda: [f for f in fake_discord.gateway_received if f["op"] == 2], within=20
        )
        intents = discord.Intents._from_value(identify[0]["d"]["intents"])
        assert intents.guilds
        assert not (intents.members or intents.presences or intents.message_content)
        assert identify[0]["d"]["token"] == TOKEN

        payload = Payloads().command("ask", {"question": "How long was the Trump Putin call?"})
        await fake_discord.gateway_dispatch("INTERACTION_CREATE", payload)
        [callback] = await fake_discord.wait_for(lambda: fake_discord.callbacks(int(payload["id"])))
        assert callback.body["data"]["embeds"]
        assert callback.body["data"]["allowed_mentions"] == {"parse": []}
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
    # Commands are published only by `talksbot discord sync`, never on connect.
    assert not fake_discord.find("PUT", "/commands")


async def test_the_product_never_moves_discord_py_s_api_address(
    fake_discord: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # TALKSBOT_DISCORD_API_URL used to reassign discord.http.Route.BASE, a library global; only the
    # test harness does that now (tests/adapters/discord_fakes.py says why), so a leftover is inert.
    harness_base = discord.http.Route.BASE
    monkeypatch.setenv("TALKSBOT_DB", str(tmp_path / "t.db"))
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setenv("TALKSBOT_DISCORD_API_URL", "http://127.0.0.1:9/api/v10")
    assert await sync_commands(Settings.from_env(env_file=None), guild_id=GUILD_ID, echo=lambda _: None) == 0
    assert harness_base == discord.http.Route.BASE
    assert fake_discord.find("PUT", f"/guilds/{GUILD_ID}/commands")
