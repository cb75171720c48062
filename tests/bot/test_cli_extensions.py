"""Extensions add commands to `talksbot` through bot.cli's `Commands` (adapters.main adds `run`
and `discord sync` this way), each run in a real process: arguments, usage errors and log level."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = """
import logging, sys
from bot.cli import Commands, build_parser, run

async def hello(args, settings):
    logging.getLogger("extension").info("hello, logged at INFO")
    print(f"hello {args.name}")
    return 0

def extend(commands: Commands) -> None:
    commands.add("hello", "say hello", hello, long_running=sys.argv[1] == "long").add_argument("name")
    tools = commands.group("tools", "a group of subcommands")
    tools.add("ping", "say hello from a group", hello).add_argument("name")

sys.exit(run(sys.argv[2:], build_parser(extend)))
"""


def _run(tmp_path: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TALKSBOT_", "SLACK_", "DISCORD_"))}
    env["TALKSBOT_DB"] = str(tmp_path / "never-created.db")
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, *argv], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("argv", "out"),
    [(["short", "hello", "Ana"], "hello Ana\n"), (["short", "tools", "ping", "Bo"], "hello Bo\n")],
    ids=["command", "group"],
)
def test_an_extension_command_runs_its_handler(tmp_path: Path, argv: list[str], out: str) -> None:
    done = _run(tmp_path, *argv)
    assert (done.returncode, done.stdout) == (0, out), done.stderr
    assert not (tmp_path / "never-created.db").exists()


def test_the_core_commands_stay_beside_the_extensions(tmp_path: Path) -> None:
    listed = _run(tmp_path, "short", "--help").stdout
    assert all(name in listed for name in ("ask", "history", "queue", "hello", "tools"))


def test_a_long_running_command_logs_at_info_and_a_one_shot_stays_quiet(tmp_path: Path) -> None:
    assert "hello, logged at INFO" in _run(tmp_path, "long", "hello", "Ana").stderr
    assert _run(tmp_path, "short", "hello", "Ana").stderr == ""


@pytest.mark.parametrize("argv", [["short", "tools", "ping"], ["short", "tools"], ["short", "hello"]])
def test_a_usage_error_in_an_extension_is_one_line_and_exit_2(tmp_path: Path, argv: list[str]) -> None:
    done = _run(tmp_path, *argv)
    assert done.returncode == 2
    assert done.stderr.startswith("talksbot: ") and done.stderr.count("\n") == 1, done.stderr
