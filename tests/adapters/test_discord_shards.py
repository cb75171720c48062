"""Discord shards across hosts: a process runs the shard ids it is told, over the real gateway path,
and posts digests only for guilds on its own shards."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yarl
from discord.gateway import DiscordWebSocket

from adapters.discord.runner import run_discord
from adapters.discord.shards import ShardPlan
from bot.permissions import Actor
from bot.replies import DigestReply
from bot.scheduler import DigestScheduler
from bot.service import DigestDesk, TalksService
from bot.settings import Settings, ShardSpec
from knowledge.models import Moderator, Place
from tests.adapters.discord_fakes import TOKEN, FakeDiscord, Payloads, fake_discord
from tests.conftest import FakeClock

__all__ = ["fake_discord"]

# Discord puts a guild on shard (guild_id >> 22) % count.
GUILD_ON_SHARD_0 = (1_000_000 << 22) | 12345
GUILD_ON_SHARD_1 = (1_000_001 << 22) | 12345
OPERATOR = Actor(Moderator(platform="cli", user_id="ana", name="Ana"))


def test_guilds_belong_to_the_shard_discord_routes_them_to() -> None:
    first, second = ShardPlan.of(ShardSpec.parse("0/2")), ShardPlan.of(ShardSpec.parse("1/2"))
    assert first.owns(GUILD_ON_SHARD_0) and not first.owns(GUILD_ON_SHARD_1)
    assert second.owns(GUILD_ON_SHARD_1) and not second.owns(GUILD_ON_SHARD_0)
    assert first.owns(None) and not second.owns(None)  # guild-less work goes to shard 0's holder


async def test_a_process_identifies_with_its_shard_answers_and_resumes_after_a_reconnect(
    fake_discord: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake_discord.gateway_url))
    settings = Settings(db=str(tmp_path / "t.db"), discord_token=TOKEN, discord_shards="1/2")  # type: ignore[arg-type]
    running = asyncio.create_task(run_discord(settings))
    try:
        [identify] = await fake_discord.wait_for(
            lambda: [f for f in fake_discord.gateway_received if f["op"] == 2], within=20
        )
        assert identify["d"]["shard"] == [1, 2]

        first = Payloads().command("ask", {"question": "How long was the Trump Putin call?"}, guild_id=GUILD_ON_SHARD_1)
        await fake_discord.gateway_dispatch("INTERACTION_CREATE", first)
        [callback] = await fake_discord.wait_for(lambda: fake_discord.callbacks(int(first["id"])))
        assert callback.body["data"]["embeds"]

        await fake_discord.request_reconnect()
        [resume] = await fake_discord.wait_for(lambda: [f for f in fake_discord.gateway_received if f["op"] == 6])
        assert resume["d"]["session_id"] == "fake-session"
        assert resume["d"]["seq"] >= 2  # READY and the interaction were seen before the reconnect
        assert len([f for f in fake_discord.gateway_received if f["op"] == 2]) == 1  # resumed, not re-identified

        second = Payloads().command("sources", guild_id=GUILD_ON_SHARD_1)
        await fake_discord.gateway_dispatch("INTERACTION_CREATE", second)
        await fake_discord.wait_for(lambda: fake_discord.callbacks(int(second["id"])))
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running


async def test_sharded_on_in_the_environment_runs_the_auto_sharded_client(
    fake_discord: FakeDiscord, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Parsed once by the settings; the runner takes the result ("on" used to pass the settings and fail here).
    monkeypatch.setenv("TALKSBOT_DB", str(tmp_path / "t.db"))
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setenv("TALKSBOT_DISCORD_SHARDED", "on")
    running = asyncio.create_task(run_discord(Settings.from_env(env_file=None)))
    try:
        [identify] = await fake_discord.wait_for(
            lambda: [f for f in fake_discord.gateway_received if f["op"] == 2], within=20
        )
        assert identify["d"]["shard"] == [0, 1]  # the shard count Discord gave at /gateway/bot
        assert fake_discord.find("GET", "/gateway/bot")
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running


class RecordingPoster:
    def __init__(self) -> None:
        self.channels: list[str] = []

    async def post_digest(self, channel_id: str, digest: DigestReply) -> None:
        self.channels.append(channel_id)


async def test_each_process_posts_only_the_digests_of_guilds_on_its_shards(
    service: TalksService, clock: FakeClock
) -> None:
    clock.now = datetime(2025, 2, 14, 9, 0, tzinfo=UTC)
    for guild, channel in ((GUILD_ON_SHARD_0, "C0"), (GUILD_ON_SHARD_1, "C1")):
        place = Place(platform="discord", community_id=str(guild), channel_id=channel)
        await service.subscribe(OPERATOR, place, "08:00", "UTC")
    posted: dict[str, list[str]] = {}
    for spec in ("0/2", "1/2"):
        plan = ShardPlan.of(ShardSpec.parse(spec))
        poster = RecordingPoster()
        scheduler = DigestScheduler(
            DigestDesk(service),
            "discord",
            poster,
            clock=clock,
            worker=spec,
            owns=lambda sub, plan=plan: plan.owns(sub.community_id),
        )
        await scheduler.run_due()
        posted[spec] = poster.channels
    assert posted == {"0/2": ["C0"], "1/2": ["C1"]}
