"""Moderator corrections through the CLI and the core, on real SQLite files."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.main import main
from bot import corrections
from bot.json_contract import answer_json
from bot.service import TalksService
from knowledge.errors import BadInput, NotFound
from knowledge.models import Moderator
from knowledge.store import Store

QUESTION = "Where will Trump and Putin meet?"
MOD = Moderator(platform="cli", user_id="ana", name="Ana")
NOW = datetime(2025, 2, 14, 9, 0, tzinfo=UTC)


@pytest.fixture
def cli(db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TALKSBOT_DB", str(db_path))

    def run(*argv: str) -> tuple[int, str, str]:
        try:
            code = main(list(argv))
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _rows(db_path: Path) -> int:
    con = sqlite3.connect(db_path)
    try:
        return int(con.execute("SELECT count(*) FROM corrections").fetchone()[0])
    finally:
        con.close()


def test_correct_retract_history_and_digest_from_the_cli(cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("ask", "--json", QUESTION)
    first = json.loads(out)["answers"][0]
    claim_id = first["claim_id"]
    assert "Saudi Arabia" in json.dumps(first, ensure_ascii=False) and first["status"] == "active"

    code, out, err = cli(
        "correct",
        claim_id,
        "--text",
        "Trump said a meeting was planned, but no date has been set.",
        "--reason",
        "The venue was later disputed",
        "--by",
        "Ana",
        "--url",
        "https://example.org/update",
    )
    assert code == 0, err
    answers = json.loads(cli("ask", "--json", QUESTION)[1])["answers"]
    corrected = next(a for a in answers if a["claim_id"] == claim_id)
    assert corrected["status"] == "corrected"
    assert corrected["text"] == "Trump said a meeting was planned, but no date has been set."
    assert corrected["correction"]["reason"] == "The venue was later disputed"
    assert corrected["correction"]["by"] == "Ana"
    assert corrected["quotes"], "the article's original quote is still shown"
    text_out = cli("ask", QUESTION)[1]
    assert "Corrected by Ana" in text_out and "What the articles said" in text_out

    assert cli("retract", claim_id, "--reason", "Not supported by later reporting", "--by", "Ben")[0] == 0
    answers = json.loads(cli("ask", "--json", QUESTION)[1])["answers"]
    assert claim_id not in [a["claim_id"] for a in answers]
    assert "Retracted by moderators" in cli("claim", claim_id)[1]

    history = json.loads(cli("history", claim_id, "--json")[1])
    assert [h["action"] for h in history] == ["correct", "retract"]
    assert [h["by"] for h in history] == ["Ana", "Ben"]

    digest = json.loads(cli("digest", "--json")[1])
    assert digest["has_news"]
    assert claim_id in json.dumps(digest) and "no date has been set" in json.dumps(digest)

    assert cli("restore", claim_id, "--by", "Ana")[0] == 0
    answers = json.loads(cli("ask", "--json", QUESTION)[1])["answers"]
    assert answers[0]["claim_id"] == claim_id and answers[0]["status"] == "active"


@pytest.mark.parametrize(
    "argv",
    [
        ("correct", "no-such-claim", "--text", "x", "--reason", "y"),
        ("correct", "{claim}", "--text", "   ", "--reason", "y"),
        ("correct", "{claim}", "--text", "x" * 501, "--reason", "y"),
        ("correct", "{claim}", "--text", "x", "--reason", ""),
        ("correct", "{claim}", "--text", "x", "--reason", "y", "--url", "ftp://nope"),
        ("correct", "{claim}", "--text", "x"),
        ("retract", "no-such-claim", "--reason", "y"),
        ("retract", "{claim}", "--reason", " "),
        ("restore", "{claim}"),
        ("add-claim", "--text", "x", "--reason", "y"),
        ("add-claim", "--text", "x", "--reason", "y", "--source", "002_832239db96256c0f", "--quote", "made up words"),
        ("history", "no-such-claim"),
    ],
)
def test_bad_moderator_input_exits_2_and_writes_nothing(cli, db_path: Path, argv: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    claim_id = json.loads(cli("ask", "--json", QUESTION)[1])["answers"][0]["claim_id"]
    before = _rows(db_path)
    code, _out, err = cli(*(a.replace("{claim}", claim_id) for a in argv))
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith("talksbot:")
    assert _rows(db_path) == before


def test_add_claim_quoting_an_article_or_a_url(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("claims")[0] == 0  # a read command builds the database; write commands never do
    code, _, err = cli(
        "add-claim",
        "--text",
        "Trump said the face-to-face meeting would be in Saudi Arabia.",
        "--reason",
        "useful",
        "--source",
        "002_832239db96256c0f",
        "--quote",
        "We’ll meet in Saudi Arabia.",
        "--id",
        "trump-meeting-venue-quote",
    )
    assert code == 0, err
    shown = json.loads(cli("claim", "trump-meeting-venue-quote", "--json")[1])
    assert shown["quotes"][0]["quote"] == "We’ll meet in Saudi Arabia."
    code, _out, err = cli(
        "add-claim",
        "--text",
        "A later report said talks moved to Istanbul.",
        "--reason",
        "follow-up",
        "--url",
        "https://example.org/istanbul",
        "--id",
        "talks-moved-istanbul",
    )
    assert code == 0, err
    assert "Added by moderators" in cli("claim", "talks-moved-istanbul")[1]
    assert (
        cli("add-claim", "--text", "dup", "--reason", "r", "--url", "https://x.org", "--id", "talks-moved-istanbul")[0]
        == 2
    )


async def test_concurrent_corrections_from_two_tasks_and_two_connections_keep_both(
    service: TalksService, db_path: Path
) -> None:
    claim_id = (await service.store.claim_ids())[0]
    async with Store.open(db_path) as other:
        await asyncio.gather(
            *(
                corrections.correct_claim(store, claim_id, f"Statement {i}", f"reason {i}", MOD, NOW)
                for i in range(6)
                for store in (service.store, other)
            )
        )
    history = await service.store.history(claim_id)
    assert len(history) == 12
    assert len({h.text for h in history}) == 6


async def test_a_correction_by_another_process_shows_in_the_next_answer(service: TalksService, db_path: Path) -> None:
    reply = answer_json(await service.ask(QUESTION))
    claim_id = reply["answers"][0]["claim_id"]
    async with Store.open(db_path) as other:
        await corrections.correct_claim(other, claim_id, "Corrected elsewhere.", "checked", MOD, NOW)
    answers = answer_json(await service.ask(QUESTION))["answers"]
    assert next(a for a in answers if a["claim_id"] == claim_id)["correction"]["text"] == "Corrected elsewhere."


async def test_restore_needs_a_corrected_or_retracted_claim(service: TalksService) -> None:
    claim_id = (await service.store.claim_ids())[0]
    with pytest.raises(BadInput, match="nothing to restore"):
        await corrections.restore_claim(service.store, claim_id, MOD, NOW)
    with pytest.raises(NotFound):
        await corrections.retract_claim(service.store, "nope", "why", MOD, NOW)
