"""The `talksbot` CLI: the JSON contract, batch mode and every error path."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.main import main

QUOTE_KEYS = {"source_id", "quote", "start", "end", "outlet", "title"}
ANSWER_KEYS = {"claim_id", "text", "status", "score", "quotes", "correction"}


@pytest.fixture
def cli(db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TALKSBOT_DB", str(db_path))
    monkeypatch.setenv("TALKSBOT_OPERATOR", "ci-operator")

    def run(*argv: str, stdin: str | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse usage errors exit through SystemExit
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _check_contract(obj: dict, question: str) -> None:  # type: ignore[type-arg]
    assert set(obj) == {
        "question",
        "answered",
        "answers",
        "suggestions",
        "content_version",
        "verdict",
        "other_questions",
        "parts",
        "language",
    }
    assert isinstance(obj["content_version"], int) and obj["content_version"] >= 1
    assert obj["question"] == question
    assert obj["answered"] is bool(obj["answers"])
    assert isinstance(obj["suggestions"], list)
    for ans in obj["answers"]:
        assert set(ans) == ANSWER_KEYS
        assert ans["status"] in ("active", "corrected", "retracted")
        assert isinstance(ans["score"], float)
        for q in ans["quotes"]:
            assert set(q) == QUOTE_KEYS
            assert q["end"] - q["start"] == len(q["quote"])


def test_ask_json_single(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("ask", "--json", "Where are Trump and Putin going to hold their meeting?")
    assert code == 0
    obj = json.loads(out)
    _check_contract(obj, "Where are Trump and Putin going to hold their meeting?")
    assert obj["answered"] and 1 <= len(obj["answers"]) <= 3
    assert "Saudi Arabia" in json.dumps(obj["answers"][0], ensure_ascii=False)


def test_ask_json_quotes_are_verbatim_at_their_offsets(cli) -> None:  # type: ignore[no-untyped-def]
    from knowledge.paths import seeds_dir

    _, out, _ = cli("ask", "--json", "What did the UK defence secretary promise?")
    for ans in json.loads(out)["answers"]:
        for q in ans["quotes"]:
            text = (seeds_dir() / f"{q['source_id']}.txt").read_text(encoding="utf-8")
            assert text[q["start"] : q["end"]] == q["quote"]


def test_ask_json_batch_reads_stdin_and_keeps_order(cli) -> None:  # type: ignore[no-untyped-def]
    questions = ["kursk swap", "Who won the cricket world cup?", "Rubio Ratcliffe Waltz"]
    code, out, _ = cli("ask", "--json", stdin="\n".join(questions) + "\n\n")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 3
    objs = [json.loads(line) for line in lines]
    for obj, q in zip(objs, questions, strict=True):
        _check_contract(obj, q)
    assert [o["answered"] for o in objs] == [True, False, True]


def test_ask_text_shows_quotes_sources_and_disagreement(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("ask", "how long did the phone call last")
    assert code == 0
    assert "“" in out and "—" in out
    assert "Sources disagree" in out


def test_claims_json_is_every_claim_in_the_answer_shape(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("claims", "--json")
    assert code == 0
    claims = json.loads(out)
    assert len(claims) >= 60
    assert all(set(c) == ANSWER_KEYS for c in claims)


def test_claim_and_sources(cli) -> None:  # type: ignore[no-untyped-def]
    _, out, _ = cli("claims", "--json")
    first = json.loads(out)[0]["claim_id"]
    code, out, _ = cli("claim", first)
    assert code == 0 and first in out
    code, out, _ = cli("sources")
    assert code == 0 and "EU Global" in out and "unknown" in out


@pytest.mark.parametrize(
    ("argv", "stdin", "needle"),
    [
        (("ask", ""), None, "question"),
        (("ask", "   "), None, "question"),
        (("ask",), None, "question"),
        (("claim", "no-such-claim"), None, "no-such-claim"),
        (("history", "no-such-claim"), None, "no-such-claim"),
        (("correct", "no-such-claim", "--text", "x", "--reason", "y"), None, "no-such-claim"),
        (("ask", "--bogus"), None, "unrecognized"),
        (("digest", "--since", "yesterday"), None, "ISO date"),
        (("frobnicate",), None, "invalid choice"),
    ],
)
def test_errors_exit_2_with_one_line(cli, argv, stdin, needle) -> None:  # type: ignore[no-untyped-def]
    assert cli("sources")[0] == 0  # a read command builds the database; write commands never do
    code, out, err = cli(*argv, stdin=stdin)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("talksbot:") and needle in err


@pytest.mark.parametrize(
    "argv",
    [
        ("correct", "call-length-90-minutes", "--text", "x", "--reason", "y"),
        ("retract", "call-length-90-minutes", "--reason", "y"),
        ("restore", "call-length-90-minutes"),
        ("add-claim", "--text", "x", "--reason", "y", "--url", "https://example.org/x"),
    ],
)
def test_write_commands_refuse_a_missing_database_and_create_none(cli, db_path: Path, argv) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli(*argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("talksbot:") and "no talksbot database" in err
    assert not db_path.exists()


def test_unknown_claim_id_names_up_to_three_close_ones(cli) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = cli("claim", "call-length-90-minute")
    assert code == 2 and "Did you mean" in err and "call-length-90-minutes" in err
    assert len(err.split("Did you mean", 1)[1].split(",")) <= 3


def test_unusable_database_exits_2_and_is_untouched(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "foreign.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    before = path.read_bytes()
    monkeypatch.setenv("TALKSBOT_DB", str(path))
    assert main(["ask", "anything about the call"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "not a talksbot database" in err
    assert path.read_bytes() == before


def test_over_long_question_is_cut_not_crashed(cli) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("ask", "--json", "Hegseth " + "word " * 5000)
    assert code == 0
    assert len(json.loads(out)["question"]) <= 500


def test_console_script_batch_mode_in_a_subprocess(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("talksbot")
    env = dict(os.environ, TALKSBOT_DB=str(tmp_path / "sub.db"))
    proc = subprocess.run(
        [str(exe), "ask", "--json"],
        input="Kyiv reaction\nasdfgh qwerty\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    objs = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o["question"] for o in objs] == ["Kyiv reaction", "asdfgh qwerty"]
    assert objs[0]["answered"] and not objs[1]["answered"]
