"""`talksbot run …` as a real subprocess against platforms that cannot be reached or refuse it.

Unreachable means a loopback port nothing listens on; the fakes serve on
127.0.0.1. A run must retry with one log line per attempt, stop within 5 s
on SIGTERM or SIGINT (also while retrying), and end with exit 2 and one line
when a token is rejected or the HTTP address cannot be bound.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path

import pytest

from tests.adapters.discord_fakes import FakeDiscord
from tests.adapters.slack_fakes import BOT_TOKEN, SIGNING_SECRET, FakeSlackApi

TALKSBOT = str(Path(sys.executable).with_name("talksbot"))
ROOT = Path(__file__).resolve().parents[2]
# `talksbot` with discord.py pointed at a loopback address (the product always talks to Discord).
TALKSBOT_ON_FAKE_DISCORD = [sys.executable, "-m", "tests.adapters.discord_process"]
STOP_WITHIN = 5.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TALKSBOT_", "DISCORD_"))}
    env["TALKSBOT_DB"] = str(tmp_path / "talksbot.db")
    env.update(extra)
    return env


def _unreachable(platform: str, tmp_path: Path) -> tuple[list[str], dict[str, str]]:
    dead = _free_port()  # bound and released: nothing listens there
    if platform == "discord":
        env = _env(
            tmp_path, DISCORD_TOKEN="fake-token", TALKSBOT_TEST_DISCORD_API_URL=f"http://127.0.0.1:{dead}/api/v10"
        )
        return ["run", "discord"], env
    env = _env(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, TALKSBOT_SLACK_API_URL=f"http://127.0.0.1:{dead}/api/")
    if platform == "slack-http":
        env["SLACK_SIGNING_SECRET"] = SIGNING_SECRET
        return ["run", "slack", "--http", "--host", "127.0.0.1", "--port", str(_free_port())], env
    env["SLACK_APP_TOKEN"] = "xapp-test"
    return ["run", "slack"], env


class Running:
    """A talksbot subprocess whose stderr is collected line by line."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.lines: list[str] = []

    @classmethod
    async def start(cls, argv: list[str], env: dict[str, str]) -> Running:
        command = TALKSBOT_ON_FAKE_DISCORD if "TALKSBOT_TEST_DISCORD_API_URL" in env else [TALKSBOT]
        proc = await asyncio.create_subprocess_exec(
            *command, *argv, cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
        )
        return cls(proc)

    async def wait_for_line(self, needle: str, count: int = 1, within: float = 30.0) -> None:
        assert self.proc.stderr is not None
        deadline = time.monotonic() + within
        while sum(needle in line for line in self.lines) < count:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no {needle!r} in {self.lines}"
            line = await asyncio.wait_for(self.proc.stderr.readline(), timeout=remaining)
            assert line, f"talksbot exited ({self.proc.returncode}) before {needle!r}: {self.lines}"
            self.lines.append(line.decode())

    async def finish(self, within: float = 30.0) -> int:
        assert self.proc.stderr is not None
        rest = await asyncio.wait_for(self.proc.stderr.read(), timeout=within)
        self.lines += rest.decode().splitlines(keepends=True)
        return await asyncio.wait_for(self.proc.wait(), timeout=within)

    async def stop(self, sig: signal.Signals) -> tuple[int, float]:
        started = time.monotonic()
        self.proc.send_signal(sig)
        try:
            rc = await self.finish(within=STOP_WITHIN + 10)
        finally:
            if self.proc.returncode is None:
                self.proc.kill()
        return rc, time.monotonic() - started

    @property
    def text(self) -> str:
        return "".join(self.lines)


def _one_refusal(run: Running) -> None:
    """The refusal is one line, the last; library log lines (bolt's and discord.py's start-up notes) may precede it."""
    assert run.lines and run.lines[-1].startswith("talksbot: "), run.text
    assert sum(line.startswith("talksbot:") for line in run.lines) == 1, run.text
    assert "Traceback" not in run.text, run.text


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
@pytest.mark.parametrize("platform", ["discord", "slack-socket", "slack-http"])
async def test_an_unreachable_platform_is_retried_and_a_signal_stops_the_run(
    tmp_path: Path, platform: str, sig: signal.Signals
) -> None:
    argv, env = _unreachable(platform, tmp_path)
    run = await Running.start(argv, env)
    try:
        await run.wait_for_line("cannot be reached", count=2)  # the first try and one retry after backoff
    finally:
        rc, elapsed = await run.stop(sig)
    assert rc == 0, run.text
    assert elapsed < STOP_WITHIN, elapsed
    assert "Traceback" not in run.text, run.text
    attempts = [line for line in run.lines if "cannot be reached" in line]
    assert all("retrying in" in line for line in attempts)


async def test_a_slack_5xx_is_retried_then_the_bot_serves(tmp_path: Path) -> None:
    fake = FakeSlackApi()
    fake.failures["auth.test"] = [500, 503]
    await fake.start()
    port = _free_port()
    env = _env(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET)
    env["TALKSBOT_SLACK_API_URL"] = fake.base_url
    run = await Running.start(["run", "slack", "--http", "--port", str(port)], env)
    try:
        await run.wait_for_line("listening on", within=30)
    finally:
        rc, _ = await run.stop(signal.SIGTERM)
        await fake.stop()
    assert rc == 0, run.text
    assert sum("cannot be reached" in line for line in run.lines) == 2, run.text
    assert "Traceback" not in run.text


@pytest.mark.parametrize(
    ("argv", "method", "variable"),
    [
        (["run", "slack", "--http", "--port", "0"], "auth.test", "SLACK_BOT_TOKEN"),
        (["run", "slack"], "auth.test", "SLACK_BOT_TOKEN"),
        (["run", "slack"], "apps.connections.open", "SLACK_APP_TOKEN"),
    ],
)
async def test_a_rejected_slack_token_exits_2_in_one_line(
    tmp_path: Path, argv: list[str], method: str, variable: str
) -> None:
    fake = FakeSlackApi()
    fake.errors[method] = "invalid_auth"
    await fake.start()
    env = _env(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_APP_TOKEN="xapp-x")
    env["TALKSBOT_SLACK_API_URL"] = fake.base_url
    if "--port" in argv:
        argv = [*argv[:-1], str(_free_port())]
    run = await Running.start(argv, env)
    try:
        rc = await run.finish()
    finally:
        await fake.stop()
    assert rc == 2, run.text
    _one_refusal(run)
    assert (
        run.lines[-1] == f"talksbot: Slack rejected {variable} (invalid_auth); copy it again from the app's settings.\n"
    )


async def test_a_rejected_discord_token_exits_2_in_one_line(tmp_path: Path) -> None:
    fake = FakeDiscord()
    fake.failures["/users/@me"] = [401]
    base = await fake.start()
    env = _env(tmp_path, DISCORD_TOKEN="bad", TALKSBOT_TEST_DISCORD_API_URL=base)
    run = await Running.start(["run", "discord"], env)
    try:
        rc = await run.finish()
    finally:
        await fake.stop()
    assert rc == 2, run.text
    _one_refusal(run)
    assert "Discord rejected DISCORD_TOKEN" in run.lines[-1]


@pytest.mark.parametrize("problem", ["in use", "unknown host", "port too big", "port not a number", "env port"])
async def test_an_http_address_that_cannot_be_bound_exits_2_in_one_line(tmp_path: Path, problem: str) -> None:
    env = _env(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET)
    env["TALKSBOT_SLACK_API_URL"] = f"http://127.0.0.1:{_free_port()}/api/"  # never reached: binding comes first
    argv = ["run", "slack", "--http", "--host", "127.0.0.1"]
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = str(busy.getsockname()[1])
        argv += {
            "in use": ["--port", taken],
            "unknown host": ["--host", "no-such-host.invalid", "--port", str(_free_port())],
            "port too big": ["--port", "70000"],
            "port not a number": ["--port", "http"],
            "env port": [],
        }[problem]
        if problem == "env port":
            env["TALKSBOT_PORT"] = "99999"
        run = await Running.start(argv, env)
        rc = await run.finish()
    assert rc == 2, run.text
    _one_refusal(run)
    assert {
        "in use": f"cannot listen on 127.0.0.1:{taken}",
        "unknown host": "cannot listen on no-such-host.invalid",
        "port too big": "--port",
        "port not a number": "--port",
        "env port": "TALKSBOT_PORT",
    }[problem] in run.lines[-1]
