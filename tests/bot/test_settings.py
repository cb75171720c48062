"""Settings: every variable documented, `.env` read, bad values refused in one line without the value."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from adapters.main import main
from bot.permissions import ModerationPolicy
from bot.settings import Settings, ShardSpec, settings_table, variable

README = Path(__file__).resolve().parents[2] / "README.md"
TALKSBOT = str(Path(sys.executable).with_name("talksbot"))
SECRET = "xoxb-1234-SECRET-VALUE"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No talksbot or platform variable from the outer environment, and a working directory without .env."""
    for name in list(os.environ):
        if name.startswith(("TALKSBOT_", "SLACK_", "DISCORD_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TALKSBOT_DB", str(tmp_path / "t.db"))
    return tmp_path


def test_the_readme_table_is_the_model() -> None:
    assert settings_table() in README.read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        assert field.description, name
        assert not field.is_required(), name
        assert f"`{variable(name)}`" in README.read_text(encoding="utf-8")


def test_env_example_names_only_known_variables() -> None:
    known = {variable(name) for name in Settings.model_fields}
    example = (README.parent / ".env.example").read_text(encoding="utf-8")
    named = {line.lstrip("# ").split("=")[0] for line in example.splitlines() if "=" in line}
    assert named <= known
    assert {"TALKSBOT_MODERATOR_COMMUNITIES", "TALKSBOT_MODERATOR_USERS"} <= named


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TALKSBOT_LOG_LEVEL", "loud"),
        ("TALKSBOT_PORT", "http"),
        ("TALKSBOT_PORT", "70000"),
        ("TALKSBOT_PORT", "-1"),
        ("TALKSBOT_HOST", "bad host"),
        ("TALKSBOT_DISCORD_SHARDED", "lots"),
        ("TALKSBOT_DISCORD_SHARDED", "-1"),
        ("TALKSBOT_DISCORD_SHARDED", "²"),  # a digit to str.isdigit, not to int()
        ("TALKSBOT_DISCORD_SHARDS", "8/8"),  # shard ids count from 0
        ("TALKSBOT_DISCORD_SHARDS", "3-1/8"),
        ("TALKSBOT_DISCORD_SHARDS", "0-8/8"),
        ("TALKSBOT_DISCORD_SHARDS", "x/8"),
        ("TALKSBOT_DISCORD_SHARDS", "1/0"),
        ("TALKSBOT_DISCORD_SHARDS", "1-2"),
        ("TALKSBOT_DISCORD_SHARDS", "١/٨"),  # other scripts' digits
        ("TALKSBOT_DISCORD_SHARDS", "0/" + "9" * 5000),
        ("TALKSBOT_SLACK_API_URL", "ftp://example.org"),
        ("TALKSBOT_SLACK_API_URL", "localhost:9"),
        ("TALKSBOT_MODERATOR_USERS", "discord:1234"),  # too short for a snowflake
        ("TALKSBOT_MODERATOR_USERS", "slack:u0123abcd"),  # Slack ids are upper case
        ("TALKSBOT_MODERATOR_USERS", "slack:T0123ABCD"),  # a team id where a user id belongs
        ("TALKSBOT_MODERATOR_USERS", "telegram:12345678901234567"),
        ("TALKSBOT_MODERATOR_COMMUNITIES", "slack:U0123ABCD"),
        ("TALKSBOT_MODERATOR_COMMUNITIES", "discord:123456789012345678901"),  # 21 digits
        ("TALKSBOT_MODERATOR_COMMUNITIES", SECRET),  # a token pasted into the wrong variable
        ("TALKSBOT_SLACK_MODERATORS", SECRET),
        ("TALKSBOT_OPERATOR", "news\udcffdesk"),  # undecodable bytes in the environment
        ("DISCORD_TOKEN", "SECRET\udcff"),
    ],
)
def test_a_bad_value_exits_2_naming_the_variable_not_the_value(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    monkeypatch.setenv("SLACK_BOT_TOKEN", SECRET)
    assert main(["sources"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith(f"talksbot: {name} ")
    assert value not in err and "SECRET" not in err
    assert not (clean_env / "t.db").exists()


@pytest.mark.parametrize(
    ("value", "sharded"),
    [
        (None, False),
        ("0", False),
        ("off", False),
        ("No", False),
        ("1", True),
        ("on", True),
        ("TRUE", True),
        ("yes", True),
        ("1500", False),  # a guild count under the threshold: one connection is enough
        ("2500", True),
    ],
)
def test_sharded_is_parsed_once_into_a_decision(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, value: str | None, sharded: bool
) -> None:
    if value is not None:
        monkeypatch.setenv("TALKSBOT_DISCORD_SHARDED", value)
    assert Settings.from_env().discord_sharded is sharded


@pytest.mark.parametrize(
    ("value", "ids", "count"),
    [("0-3/8", (0, 1, 2, 3), 8), ("5/8", (5,), 8), (" 4 - 7 / 8 ", (4, 5, 6, 7), 8), ("0/1", (0,), 1)],
)
def test_shards_are_parsed_once_into_ids_and_a_count(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, value: str, ids: tuple[int, ...], count: int
) -> None:
    monkeypatch.setenv("TALKSBOT_DISCORD_SHARDS", value)
    assert Settings.from_env().discord_shards == ShardSpec(ids, count)


def test_a_bad_shards_value_says_what_it_should_look_like(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TALKSBOT_DISCORD_SHARDS", "8/8")
    assert main(["sources"]) == 2
    assert capsys.readouterr().err == (
        "talksbot: TALKSBOT_DISCORD_SHARDS must look like 0-3/8 (shards 0 to 3 of 8) or 5/8 (shard 5 of 8).\n"
    )


def test_dotenv_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "TALKSBOT_DB=from-dotenv.db\nTALKSBOT_OPERATOR=dotenv-operator\nDISCORD_TOKEN=\nUNRELATED=1\n", encoding="utf-8"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TALKSBOT_", "SLACK_", "DISCORD_"))}
    code = "from bot.settings import Settings; s = Settings.from_env(); print(s.db, s.operator, s.discord_token)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stdout.split() == ["from-dotenv.db", "dotenv-operator", "None"], done.stderr
    env["TALKSBOT_OPERATOR"] = "from-environment"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.stdout.split()[1] == "from-environment"


def test_a_bad_value_in_dotenv_is_refused_by_the_console_script(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"SLACK_SIGNING_SECRET={SECRET}\nTALKSBOT_LOG_LEVEL=chatty\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TALKSBOT_", "SLACK_", "DISCORD_"))}
    env["TALKSBOT_DB"] = str(tmp_path / "t.db")
    done = subprocess.run(
        [TALKSBOT, "sources"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "TALKSBOT_LOG_LEVEL" in done.stderr and SECRET not in done.stderr
    assert not (tmp_path / "t.db").exists()


def test_a_dotenv_that_is_not_utf8_is_one_line(clean_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (clean_env / ".env").write_bytes(b"TALKSBOT_OPERATOR=\xff\xfe\n")
    assert main(["sources"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and ".env" in err


def test_moderation_scope(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert not Settings.from_env().moderation_policy().chat_moderation_on
    monkeypatch.setenv("TALKSBOT_MODERATOR_COMMUNITIES", " discord:123456789012345678 , slack:T0123ABCD,")
    monkeypatch.setenv("TALKSBOT_MODERATOR_USERS", "discord:23456789012345678,slack:W0123ABCD")
    monkeypatch.setenv("TALKSBOT_SLACK_MODERATORS", "U0456EFGH")
    scope = Settings.from_env().moderation_policy()
    assert scope == ModerationPolicy.of(
        communities=[("discord", "123456789012345678"), ("slack", "T0123ABCD")],
        users=[("discord", "23456789012345678"), ("slack", "W0123ABCD"), ("slack", "U0456EFGH")],
    )
    assert scope.chat_moderation_on and ("slack", "U0456EFGH") in scope.users
    assert ("discord", "U0456EFGH") not in scope.users
    with pytest.raises(FrozenInstanceError):
        scope.users = frozenset()  # type: ignore[misc]


def test_secrets_never_show_in_repr(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", SECRET)
    monkeypatch.setenv("DISCORD_TOKEN", SECRET)
    settings = Settings.from_env()
    assert SECRET not in repr(settings) and SECRET not in str(settings.model_dump())


def test_tokens_still_reach_the_platform_code(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import reveal

    monkeypatch.setenv("SLACK_BOT_TOKEN", SECRET)
    assert reveal(Settings.from_env().slack_bot_token) == SECRET
