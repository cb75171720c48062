"""Hostile and broken input to the console script: undecodable bytes, escape sequences, unusable databases.

Run as a real subprocess where the bytes matter (arguments and stdin reach
Python's decoding exactly as a shell would hand them over).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.main import main
from bot.terminal_text import terminal_safe

TALKSBOT = str(Path(sys.executable).with_name("talksbot"))
ESCAPES = "\x1b]0;owned\x07\x1b[2J\x1b[31mred\x1b[0m\rhidden\x9b31m\u202eevil\x08"
RAW = ("\x1b", "\x07", "\r", "\x9b", "\u202e", "\x08")


def _env(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TALKSBOT_", "SLACK_", "DISCORD_"))}
    env["TALKSBOT_DB"] = str(db)
    env["TALKSBOT_OPERATOR"] = "ci"
    return env


def _run(db: Path, *argv: str | bytes, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    cwd = db.parent
    while not cwd.is_dir():  # run beside the test's files, so no stray .env is read
        cwd = cwd.parent
    return subprocess.run(
        [TALKSBOT, *argv], input=stdin, env=_env(db), capture_output=True, timeout=60, check=False, cwd=cwd
    )


def _one_line(err: bytes) -> str:
    text = err.decode("utf-8")
    assert text.count("\n") == 1 and text.startswith("talksbot: "), text
    return text


# ---- undecodable input --------------------------------------------------------------


@pytest.mark.parametrize("arg", [b"\xff\xfe", b"kursk \xed\xa0\x80 swap", b"\xc3"])
def test_an_argument_that_is_not_utf8_exits_2(tmp_path: Path, arg: bytes) -> None:
    done = _run(tmp_path / "t.db", "ask", arg)
    assert done.returncode == 2 and done.stdout == b""
    assert "argument 2 is not valid UTF-8" in _one_line(done.stderr)


def test_a_lone_surrogate_argument_exits_2(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TALKSBOT_DB", str(tmp_path / "t.db"))
    assert main(["claim", "\ud800"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "argument 2 is not valid UTF-8" in err


def test_batch_mode_answers_around_a_line_that_is_not_utf8(tmp_path: Path) -> None:
    stdin = b"\xef\xbb\xbfkursk swap\n\xff\xfe broken\r\n\nRubio Ratcliffe Waltz\n\xed\xa0\x80\n"
    done = _run(tmp_path / "t.db", "ask", "--json", stdin=stdin)
    assert done.returncode == 0, done.stderr
    objs = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]
    assert [o["question"] for o in objs] == ["kursk swap", None, "Rubio Ratcliffe Waltz", None]
    assert objs[0]["answered"] and objs[2]["answered"]
    for bad, line in ((objs[1], 2), (objs[3], 5)):
        assert bad["answered"] is False and bad["answers"] == []
        assert bad["error"] == f"line {line} is not valid UTF-8 text."


# ---- escape sequences in stored text ---------------------------------------------------


def test_stored_escape_sequences_never_reach_the_terminal(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    assert _run(db, "claims").returncode == 0
    claim_id = json.loads(_run(db, "ask", "--json", "Where will Trump and Putin meet?").stdout)["answers"][0][
        "claim_id"
    ]
    done = _run(db, "correct", claim_id, "--text", f"Corrected {ESCAPES}", "--reason", ESCAPES, "--by", ESCAPES)
    assert done.returncode == 0, done.stderr
    added = _run(
        db,
        "add-claim",
        "--text",
        f"Added {ESCAPES}",
        "--reason",
        ESCAPES,
        "--url",
        "https://example.org/x",
        "--id",
        "added-by-test",
    )
    assert added.returncode == 0, added.stderr
    outputs = {
        "claim": _run(db, "claim", claim_id),
        "history": _run(db, "history", claim_id),
        "digest": _run(db, "digest"),
        "claims": _run(db, "claims"),
        "ask": _run(db, "ask", "Where will Trump and Putin meet?"),
    }
    for name, done in outputs.items():
        assert done.returncode == 0, (name, done.stderr)
        text = done.stdout.decode("utf-8")
        assert "red" in text and "hidden" in text, (name, text)  # the words stay, the sequences go
        assert "owned" not in text  # a window title is not text
        assert not any(c in text for c in RAW), (name, text)
    assert "Corrected" in outputs["claim"].stdout.decode()
    # JSON output keeps the stored text exactly (escaped by JSON itself) for programs that read it.
    data = json.loads(_run(db, "claim", claim_id, "--json").stdout)
    assert data["correction"]["reason"] == " ".join(ESCAPES.split())


def test_terminal_safe_keeps_text_and_layout() -> None:
    assert terminal_safe("Kyiv “quoted” — Київ\n\tindented") == "Kyiv “quoted” — Київ\n\tindented"
    assert terminal_safe("a\x1b[31mb\x1b]8;;http://x\x1b\\c\x00d") == "abc\ufffdd"
    assert terminal_safe("x\x1b") == "x"


def test_an_error_line_quoting_hostile_input_stays_one_inert_line(tmp_path: Path) -> None:
    done = _run(tmp_path / "t.db", "claim", "no-such\x1b[2J\nclaim")
    assert done.returncode == 2
    text = _one_line(done.stderr)
    assert not any(c in text for c in RAW)


# ---- databases that cannot be used -------------------------------------------------------


def _siblings(path: Path) -> set[str]:
    return {p.name for p in path.parent.iterdir()}


def _refused(done: subprocess.CompletedProcess[bytes], needle: str) -> None:
    assert done.returncode == 2, done.stderr
    assert done.stdout == b""
    assert needle in _one_line(done.stderr)
    assert b"Traceback" not in done.stderr


def test_a_path_under_a_regular_file_is_refused(tmp_path: Path) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("not a directory")
    done = _run(plain / "sub" / "t.db", "ask", "how long was the call?")
    _refused(done, "is a file, not a directory")
    assert plain.read_text() == "not a directory"


def test_a_directory_given_as_the_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "folder.db"
    folder.mkdir()
    _refused(_run(folder, "claims"), "is a directory")
    assert list(folder.iterdir()) == []
    assert _siblings(folder) == {"folder.db"}


@pytest.mark.parametrize("special", ["fifo", "device"])
def test_a_special_file_is_refused(tmp_path: Path, special: str) -> None:
    path = tmp_path / "pipe.db"
    if special == "fifo":
        os.mkfifo(path)
    else:
        path = Path("/dev/zero")
    _refused(_run(path, "claims"), "is not a regular file")


def _talksbot_db(path: Path) -> None:
    assert _run(path, "claims").returncode == 0
    for extra in ("-wal", "-shm"):
        path.with_name(path.name + extra).unlink(missing_ok=True)


@pytest.mark.parametrize("damage", ["truncated", "overwritten", "header-only"])
def test_a_damaged_database_is_refused_without_a_traceback(tmp_path: Path, damage: str) -> None:
    db = tmp_path / "t.db"
    _talksbot_db(db)
    data = db.read_bytes()
    if damage == "truncated":
        db.write_bytes(data[: len(data) // 3])
    elif damage == "overwritten":
        db.write_bytes(data[:100] + os.urandom(4096) + b"\x00" * 512 + data[4096 + 612 :])
    else:
        db.write_bytes(data[:40])
    before = db.read_bytes()
    done = _run(db, "ask", "How long was the Trump-Putin call?")
    assert done.returncode == 2, done.stderr
    assert b"Traceback" not in done.stderr
    _one_line(done.stderr)
    assert db.read_bytes() == before


def test_a_foreign_wal_mode_file_gets_no_wal_or_shm_beside_it(tmp_path: Path) -> None:
    db = tmp_path / "foreign.db"
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("CREATE TABLE notes (x)")
    con.commit()
    con.close()
    assert _siblings(db) == {"foreign.db"}
    _refused(_run(db, "ask", "How long was the call?"), "not a talksbot database")
    assert _siblings(db) == {"foreign.db"}


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file: a read-only file is usable by root")
def test_a_read_only_file_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    _talksbot_db(db)
    db.chmod(0o444)
    _refused(_run(db, "claims"), "read-only")
    assert _siblings(db) == {"t.db"}


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any directory")
def test_a_directory_that_is_not_writable_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        _refused(_run(locked / "t.db", "claims"), "not writable")
        assert list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


@pytest.mark.parametrize(
    "argv",
    [
        ("correct", "some-claim", "--text", "x", "--reason", "y"),
        ("retract", "some-claim", "--reason", "y"),
        ("restore", "some-claim"),
        ("add-claim", "--text", "x", "--reason", "y", "--url", "https://example.org"),
    ],
)
def test_write_commands_never_create_a_database(tmp_path: Path, argv: tuple[str, ...]) -> None:
    db = tmp_path / "typo" / "talksbot.db"
    _refused(_run(db, *argv), f"no talksbot database at {db}; read commands create one")
    assert not db.parent.exists()
    empty = tmp_path / "empty.db"
    empty.touch()
    _refused(_run(empty, *argv), "no talksbot database")
    assert empty.stat().st_size == 0 and _siblings(empty) == {"empty.db"}
