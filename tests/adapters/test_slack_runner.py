"""`talksbot run slack` as a real subprocess: settings checks, and the HTTP server answering signed requests."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.adapters.slack_fakes import BOT_TOKEN, BOT_USER_ID, SIGNING_SECRET, FakeSlackApi, SlackSender

TALKSBOT = str(Path(sys.executable).with_name("talksbot"))


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TALKSBOT_"))}
    env["TALKSBOT_DB"] = str(tmp_path / "talksbot.db")
    env.update(extra)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--http"], "SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are not set"),
        ([], "SLACK_BOT_TOKEN and SLACK_APP_TOKEN are not set"),
    ],
)
def test_missing_settings_are_named_in_one_line(tmp_path: Path, args: list[str], named: str) -> None:
    done = subprocess.run(
        [TALKSBOT, "run", "slack", *args], env=_env(tmp_path), capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and named in done.stderr


async def _wait_listening(port: int, proc: asyncio.subprocess.Process, within: float = 20.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if proc.returncode is not None:
            raise AssertionError(f"talksbot exited early with {proc.returncode}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise AssertionError("talksbot run slack --http did not start listening")


async def test_run_slack_http_serves_signed_requests(tmp_path: Path) -> None:
    fake = FakeSlackApi()
    await fake.start()
    port = _free_port()
    env = _env(
        tmp_path,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        TALKSBOT_SLACK_API_URL=fake.base_url,
    )
    proc = await asyncio.create_subprocess_exec(
        TALKSBOT,
        *("run", "slack", "--http", "--host", "127.0.0.1", "--port", str(port)),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await _wait_listening(port, proc)
        sender = SlackSender(f"http://127.0.0.1:{port}/slack/events")
        status, body = await sender.command(
            "<!here> how long was the Trump-Putin call?", response_url=fake.response_url()
        )
        assert (status, body) == (200, "")
        [answer] = await fake.wait_for("response:cmd", within=10)
        assert answer.data["response_type"] == "in_channel", answer.data["text"]
        assert "&lt;!here&gt;" in str(answer.data) and "<!here>" not in str(answer.data)
        assert any(b["type"] == "actions" for b in answer.data["blocks"])

        mention = {
            "type": "app_mention",
            "user": "UASKER001",
            "text": f"<@{BOT_USER_ID}> who took part in the call?",
            "ts": "1700000100.000200",
            "channel": "C0000TEST",
        }
        assert (await sender.event(mention, "EvSub1"))[0] == 200
        [post] = await fake.wait_for("chat.postMessage", within=10)
        assert post.data["thread_ts"] == "1700000100.000200"

        status, _ = await SlackSender(sender.url, secret="wrong").command("hi", response_url=fake.response_url("x"))
        assert status == 401
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        rc = await asyncio.wait_for(proc.wait(), timeout=15)
        stderr = (await proc.stderr.read()).decode() if proc.stderr else ""
        await fake.stop()
    assert rc == 0, stderr
    assert f"listening on http://127.0.0.1:{port}/slack/events" in stderr


async def test_run_slack_socket_mode_answers_a_command(tmp_path: Path) -> None:
    fake = FakeSlackApi()
    await fake.start()
    env = _env(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN="xapp-test", TALKSBOT_SLACK_API_URL=fake.base_url)
    proc = await asyncio.create_subprocess_exec(
        TALKSBOT, "run", "slack", env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 20
        while fake.socket is None:
            assert proc.returncode is None and time.monotonic() < deadline, "no Socket Mode connection"
            await asyncio.sleep(0.05)
        [opened] = fake.calls_to("apps.connections.open")
        assert opened.headers["Authorization"] == "Bearer xapp-test"
        command = {
            "command": "/talks",
            "text": "how long was the Trump-Putin call?",
            "user_id": "UASKER001",
            "channel_id": "C0000TEST",
            "team_id": "T0000TEST",
            "response_url": fake.response_url(),
            "trigger_id": "1.2.3",
        }
        await fake.send_envelope("slash_commands", command, "env-1")
        [answer] = await fake.wait_for("response:cmd", within=10)
        assert answer.data["response_type"] == "in_channel"
        deadline = time.monotonic() + 10
        while not any(m.get("envelope_id") == "env-1" for m in fake.socket_messages):
            assert time.monotonic() < deadline, "the envelope was never acknowledged"
            await asyncio.sleep(0.05)
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
        rc = await asyncio.wait_for(proc.wait(), timeout=15)
        stderr = (await proc.stderr.read()).decode() if proc.stderr else ""
        await fake.stop()
    assert rc == 0, stderr
