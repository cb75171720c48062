"""Moderators' URLs: parsed with a URL library, refused in one sentence, shown inert everywhere.

A correction's source, an added claim's URL and an ingested article's URL are
checked by `bot.links` (yarl); the console script refuses a bad one with exit
2 and one line, writing nothing; every renderer shows a stored URL as exactly
where it leads, and one stored before the checks as plain text.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.discord.render import claim_card_embed
from adapters.discord.render import link as discord_link
from adapters.slack.blocks import claim_blocks
from adapters.slack.blocks import link as slack_link
from bot import messages
from bot.cli.render import render
from bot.links import clean_url, shown_url
from bot.replies import ClaimCardReply, ClaimView
from knowledge.errors import BadInput
from knowledge.models import Correction

CLAIM = "call-length-90-minutes"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("https://example.org/readout", "https://example.org/readout"),
        ("  https://example.org/readout\n", "https://example.org/readout"),
        ("HTTP://Example.ORG/Path", "http://example.org/Path"),
        ("https://bücher.example/straße", "https://xn--bcher-kva.example/stra%C3%9Fe"),
        ("https://example.org/a|b?c=`d`&e=[f]#g|h", "https://example.org/a%7Cb?c=%60d%60&e=%5Bf%5D#g%7Ch"),
        ("https://[::1]:8080/x", "https://[::1]:8080/x"),
        ("https://203.0.113.7/readout", "https://203.0.113.7/readout"),
    ],
)
def test_a_web_address_is_kept_in_canonical_form(typed: str, stored: str) -> None:
    assert clean_url(typed) == stored
    assert shown_url(stored) == stored


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("javascript:alert(1)", messages.URL_NOT_WEB),
        ("ftp://example.org/file", messages.URL_NOT_WEB),
        ("example.org/readout", messages.URL_NOT_WEB),
        ("https:///path-only", messages.URL_NO_HOST),
        ("https://-bad-.example/", messages.URL_NO_HOST),
        ("https://a..b/", messages.URL_NO_HOST),
        ("https://example.org/a b", messages.URL_HAS_SPACES),
        ("https://example.org/a\tb", messages.URL_HAS_SPACES),
        ("https://example.org/a\nb", messages.URL_HAS_SPACES),
        ("https://ok.example>[click](https://evil.example)", messages.URL_HAS_ANGLE_BRACKETS),
        ("https://ok.example/<script>", messages.URL_HAS_ANGLE_BRACKETS),
        ("https://ok.example/\x1b]8;;x", messages.URL_HAS_CONTROLS),
        ("https://ok.example/\u202egnp.exe", messages.URL_HAS_CONTROLS),
        ("https://ok.example/\u200b", messages.URL_HAS_CONTROLS),
        ("https://trusted.example@evil.example/", messages.URL_HAS_CREDENTIALS),
        ("https://user:secret@example.org/", messages.URL_HAS_CREDENTIALS),
        ("https://example.org:99999/", messages.URL_UNREADABLE),
        ("https://example.org:port/", messages.URL_UNREADABLE),
        ("https://example.org\\@evil.example/", messages.URL_UNREADABLE),
    ],
)
def test_anything_else_is_refused_in_one_sentence(typed: str, problem: str) -> None:
    with pytest.raises(BadInput) as refused:
        clean_url(typed)
    assert str(refused.value) == messages.bad_url(problem)
    assert shown_url(typed) is None


def test_no_url_is_none_and_a_long_one_is_refused() -> None:
    assert clean_url(None) is None and clean_url("   ") is None
    with pytest.raises(BadInput, match="500 characters"):
        clean_url("https://example.org/" + "a" * 500)


# ---- the console script --------------------------------------------------------------------


def talksbot(db: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, TALKSBOT_DB=str(db), TALKSBOT_OPERATOR="Ana")
    return subprocess.run(
        [sys.executable, "-m", "adapters.main", *argv], env=env, capture_output=True, text=True, timeout=120
    )


def _writes(db: Path) -> tuple[int, int]:
    con = sqlite3.connect(db)
    try:
        return (
            con.execute("SELECT count(*) FROM corrections").fetchone()[0],
            con.execute("SELECT count(*) FROM sources").fetchone()[0],
        )
    finally:
        con.close()


BAD_URLS = [
    ("https://example.org/a b", messages.URL_HAS_SPACES),
    ("https://ok.example>[click](https://evil.example/x)", messages.URL_HAS_ANGLE_BRACKETS),
    ("https://trusted.example@evil.example/", messages.URL_HAS_CREDENTIALS),
    ("https://ok.example/\x1b[31mred", messages.URL_HAS_CONTROLS),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database built once (a read command builds it); each test copies it."""
    db = tmp_path_factory.mktemp("links") / "talksbot.db"
    assert talksbot(db, "sources").returncode == 0
    return db


@pytest.fixture
def db(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "talksbot.db"
    src = sqlite3.connect(built)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    return copy


@pytest.mark.parametrize(("url", "problem"), BAD_URLS, ids=[p for _, p in BAD_URLS])
@pytest.mark.parametrize("command", ["correct", "add-claim", "ingest"])
def test_the_cli_refuses_a_bad_url_with_exit_2_and_writes_nothing(
    db: Path, tmp_path: Path, command: str, url: str, problem: str
) -> None:
    before = _writes(db)
    article = tmp_path / "005_followup.txt"
    article.write_text("Putin and Trump spoke again about the talks in Riyadh on Friday, officials said.\n")
    argv = {
        "correct": ("correct", CLAIM, "--text", "The call lasted 90 minutes.", "--reason", "Readout."),
        "add-claim": ("add-claim", "--text", "The talks moved to Istanbul.", "--reason", "Report."),
        "ingest": ("ingest", str(article), "--outlet", "Test Wire"),
    }[command]
    done = talksbot(db, *argv, "--url", url)
    assert done.returncode == 2, done
    assert done.stderr == f"talksbot: {messages.bad_url(problem)}\n"
    assert _writes(db) == before


def test_ingest_checks_its_url_before_opening_the_database(tmp_path: Path) -> None:
    article = tmp_path / "005_followup.txt"
    article.write_text("Putin and Trump spoke again about the talks in Riyadh on Friday, officials said.\n")
    missing = tmp_path / "none.db"
    done = talksbot(missing, "ingest", str(article), "--url", "https://example.org/a b")
    assert done.returncode == 2 and done.stderr == f"talksbot: {messages.bad_url(messages.URL_HAS_SPACES)}\n"
    assert not missing.exists()


def test_the_cli_stores_and_shows_the_canonical_url(db: Path) -> None:
    typed = "https://Bücher.example/read|out"
    done = talksbot(db, "correct", CLAIM, "--text", "The call lasted 90 minutes.", "--reason", "R.", "--url", typed)
    assert done.returncode == 0, done.stderr
    shown = talksbot(db, "claim", CLAIM)
    assert "Source: https://xn--bcher-kva.example/read%7Cout" in shown.stdout
    history = json.loads(talksbot(db, "history", CLAIM, "--json").stdout)
    assert history[-1]["url"] == "https://xn--bcher-kva.example/read%7Cout"


# ---- a URL stored before the checks, on every renderer ---------------------------------------

LEGACY = "https://ok.example>**[click](https://evil.example/x)** <@1> |<!channel>| \x1b]0;owned\x07"


def test_a_url_stored_before_the_checks_is_plain_text_everywhere() -> None:
    view = ClaimView(
        claim_id=CLAIM,
        text="t",
        original_text="o",
        status="corrected",
        quotes=[],
        correction=Correction(text="t", reason="r", by="m", at=datetime(2025, 2, 14, tzinfo=UTC), url=LEGACY),
        origin="moderator",
        source_url=LEGACY,
    )
    # Discord: escaped text, not inside <…>; nothing in it live (see test_discord_inert for the reading).
    shown = discord_link(LEGACY)
    assert not shown.startswith("<") and "[click](" not in shown and "<@1>" not in shown
    description = claim_card_embed(ClaimCardReply(view)).description or ""
    assert description.count(shown) == 2 and "<https://ok.example>" not in description
    # Slack: escaped, not a <link|text>.
    slack = slack_link(LEGACY)
    assert "<" not in slack and ">" not in slack and "&lt;!channel&gt;" in slack
    mrkdwn = json.dumps(claim_blocks(view))
    assert mrkdwn.count(json.dumps(slack)[1:-1]) == 2 and "<https://ok.example" not in mrkdwn
    # The terminal: no escape sequence.
    text = render(ClaimCardReply(view))
    assert "\x1b" not in text and "\x07" not in text and "Source: https://ok.example>" in text


def test_a_checked_url_is_a_link_to_exactly_itself_on_slack_and_discord() -> None:
    url = "https://example.org/a?b=1&c=2"
    assert slack_link(url) == "<https://example.org/a?b=1&amp;c=2>"
    assert discord_link(url) == "<https://example.org/a?b=1&c=2>"
