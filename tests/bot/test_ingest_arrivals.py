"""What arrives for ingest: HTML pages (files and URLs on a loopback server), other languages,
near copies of stored sources. Through the real CLI in a subprocess and the service, on SQLite."""

from __future__ import annotations

import asyncio
import http.server
import socket
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from bot import article_input
from bot.service import TalksService
from knowledge.articles import fetching
from knowledge.articles.html_text import PageText
from knowledge.errors import BadInput
from knowledge.paths import seeds_dir
from tests.bot.test_ingest import OPERATOR, cli, counts

REPORT = (
    "Russian Foreign Minister Sergei Lavrov met Secretary of State Marco Rubio in Riyadh on Feb. 18, 2025, "
    "for four and a half hours of talks about ending the war in Ukraine.",
    "The two sides agreed to restore the staff of their embassies, the State Department said in a statement "
    "issued after the meeting.",
    "Both delegations said further talks would follow within weeks, though no date was set by either side.",
)
PAGE = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Lavrov and Rubio meet in Riyadh | Example Wire</title>
<meta property="og:site_name" content="Example Wire"></head>
<body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/markets">Markets rally as oil prices fall</a></nav>
<div class="cookie-banner">We use cookies to improve your experience on our site. Accept all cookies.</div>
<article>
<h1>Lavrov and Rubio meet in Riyadh</h1>
<p class="article-p">{REPORT[0]}</p>
<p class="article-p">{REPORT[1]}</p>
<p class="article-p">{REPORT[2]}</p>
</article>
<footer>Copyright 2025 Example Wire. All rights reserved. Share this story.</footer>
</body></html>
"""
GERMAN = (
    "Der russische Außenminister Sergej Lawrow hat sich am Dienstag in Riad mit US-Außenminister Marco Rubio "
    "getroffen. Beide Seiten vereinbarten, die Arbeit ihrer Botschaften wieder aufzunehmen, und kündigten "
    "weitere Gespräche in den kommenden Wochen an. Die Ukraine war zu dem Treffen nicht eingeladen worden.\n"
)
BULGARIAN = (
    "Руският външен министър Сергей Лавров се срещна във вторник в Рияд с държавния секретар на САЩ Марко "
    "Рубио. Двете страни се договориха да възстановят работата на посолствата си и обявиха нови разговори "
    "през следващите седмици. Украйна не беше поканена на срещата.\n"
)


class _Site(http.server.BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, tuple[str, bytes]]] = {}

    def do_GET(self) -> None:
        found = self.pages.get(self.path)
        if found is None:
            self.send_response(404)
            self.end_headers()
            return
        content_type, body = found
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        if not self.path.startswith("/stream"):  # else its length shows only as it streams in
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Site.pages = {
        "/world/lavrov-rubio-riyadh.html": ("text/html; charset=utf-8", PAGE.encode("utf-8")),
        "/de/treffen": ("text/html; charset=utf-8", f"<html><body><p>{GERMAN}</p></body></html>".encode()),
        "/huge": ("text/html", b"<html><body>" + b"<p>word</p>" * 300_000 + b"</body></html>"),
        "/stream/huge": ("text/html", b"<html><body>" + b"<p>word</p>" * 300_000 + b"</body></html>"),
    }
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


async def _built(service: TalksService) -> None:
    await service.refresh()  # the fixture's service built the database; the CLI writes to it


async def test_a_url_is_fetched_and_only_the_articles_text_is_stored(
    service: TalksService, db_path: Path, site: str
) -> None:
    await _built(service)
    url = f"{site}/world/lavrov-rubio-riyadh.html"
    done = cli(db_path, "ingest", url)
    assert done.returncode == 0, done.stderr
    con = sqlite3.connect(db_path)
    try:
        source_id, body, title, outlet, stored_url, date = con.execute(
            "SELECT id, body, title, outlet, url, date FROM sources WHERE origin = 'ingested'"
        ).fetchone()
        quotes = [
            (r[0], r[1], r[2]) for r in con.execute("SELECT quote_start, quote_end, quote FROM candidates").fetchall()
        ]
    finally:
        con.close()
    assert source_id == "lavrov-rubio-riyadh"
    assert "<" not in body and "cookies" not in body and "Markets rally" not in body and "Copyright" not in body
    assert all(sentence in body for sentence in REPORT)
    # The page states its headline and outlet; it states no date, so the date stays unknown.
    assert (title, outlet, stored_url, date) == ("Lavrov and Rubio meet in Riyadh", "Example Wire", url, None)
    assert sorted(q for _, _, q in quotes) == sorted(REPORT)
    assert all(body[start:end] == quote for start, end, quote in quotes)


async def test_an_html_file_is_read_as_a_page(service: TalksService, db_path: Path, tmp_path: Path) -> None:
    await _built(service)
    page = tmp_path / "lavrov-rubio.html"
    page.write_text(PAGE, encoding="utf-8")
    done = cli(db_path, "ingest", str(page), "--outlet", "Given Outlet")
    assert done.returncode == 0, done.stderr
    con = sqlite3.connect(db_path)
    try:
        outlet, body = con.execute("SELECT outlet, body FROM sources WHERE id = 'lavrov-rubio'").fetchone()
        quotes = [r[0] for r in con.execute("SELECT quote FROM candidates").fetchall()]
    finally:
        con.close()
    assert outlet == "Given Outlet"  # the moderator's metadata wins over the page's
    assert not any("<p" in q or "class=" in q or "cookie" in q.lower() for q in quotes)
    assert body.startswith("Lavrov and Rubio meet in Riyadh\n")


async def test_the_date_a_page_declares_is_stored_and_a_moderators_date_wins(
    service: TalksService, db_path: Path, tmp_path: Path
) -> None:
    await _built(service)
    page = tmp_path / "declared.html"
    page.write_text(PAGE.replace("<title>", '<meta property="article:published_time" content="2025-02-18"><title>'))
    assert cli(db_path, "ingest", str(page)).returncode == 0
    con = sqlite3.connect(db_path)
    try:
        [stored] = con.execute("SELECT date FROM sources WHERE id = 'declared'").fetchone()
    finally:
        con.close()
    assert stored == "2025-02-18"
    declared = PageText("text", None, None, "2025-02-18")
    assert article_input.page_metadata(declared, None, None, "2025-02-19")[2] == "2025-02-19"


@pytest.mark.parametrize(("text", "language"), [(GERMAN, "German"), (BULGARIAN, "Bulgarian")])
async def test_an_article_in_another_language_is_refused_with_one_line(
    service: TalksService, db_path: Path, tmp_path: Path, text: str, language: str
) -> None:
    await _built(service)
    before = counts(db_path)
    path = tmp_path / "treffen.txt"
    path.write_text(text, encoding="utf-8")
    done = cli(db_path, "ingest", str(path))
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert f"in {language}, not English" in line
    assert counts(db_path) == before


async def test_a_german_page_at_a_url_is_refused(service: TalksService, db_path: Path, site: str) -> None:
    await _built(service)
    before = counts(db_path)
    done = cli(db_path, "ingest", f"{site}/de/treffen")
    assert done.returncode == 2 and "in German, not English" in done.stderr
    assert counts(db_path) == before


async def test_a_near_copy_of_a_seed_proposes_only_what_it_changed(service: TalksService) -> None:
    seed = (seeds_dir() / "002_832239db96256c0f.txt").read_text(encoding="utf-8")
    copy = seed.replace("nearly an hour and a half", "nearly two hours", 1)
    copy = copy.replace("Seven European nations", "Nine European nations", 1)
    copy = copy.replace("£4.5 billion", "£3 billion", 1)
    result = await service.ingest(OPERATOR, copy.encode("utf-8"), "copy-of-002.txt")
    assert result.repeats is not None and result.repeats[0] == "002_832239db96256c0f"
    items = await service.candidates(OPERATOR)
    # Only the three changed sentences (one may relate to several claims), none of the seed's
    # own sentences re-quoted as "supports".
    quotes = sorted({i.candidate.quote.quote for i in items if i.candidate})
    assert len(quotes) == 3, quotes
    assert all(any(f in q for f in ("two hours", "Nine European", "£3 billion")) for q in quotes), quotes


async def test_an_unchanged_copy_with_a_changed_headline_is_refused_naming_its_source(
    service: TalksService,
) -> None:
    seed = (seeds_dir() / "004_10188f2d9bf74621.txt").read_text(encoding="utf-8")
    copy = "Republished: " + seed
    with pytest.raises(BadInput, match="repeats source 004_10188f2d9bf74621"):
        await service.ingest(OPERATOR, copy.encode("utf-8"), "republished.txt")
    assert await service.candidates(OPERATOR) == []


@pytest.mark.parametrize("path", ["/huge", "/stream/huge"], ids=["length announced", "length unknown"])
async def test_a_page_over_the_size_cap_is_refused_before_it_is_read_whole(site: str, path: str) -> None:
    with pytest.raises(BadInput, match="over 2 MB"):
        await fetching.fetch_article(f"{site}{path}", max_bytes=2_000_000)


async def test_a_server_that_does_not_answer_in_time_is_given_up() -> None:
    # A socket that accepts connections and never answers.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    try:
        with pytest.raises(BadInput, match=r"no answer within 0\.5 seconds"):
            # The test's own bound: a fetch without its timeout would hang here, and fail.
            await asyncio.wait_for(
                fetching.fetch_article(
                    f"http://127.0.0.1:{listener.getsockname()[1]}/slow", max_bytes=1000, seconds=0.5
                ),
                timeout=15,
            )
    finally:
        listener.close()


@pytest.mark.parametrize("address", ["ftp://127.0.0.1/a.html", "http:///nohost"])
async def test_only_http_addresses_are_fetched(address: str) -> None:
    with pytest.raises(BadInput):
        await fetching.fetch_article(address, max_bytes=1000)


async def test_a_missing_page_is_refused_with_its_status(site: str) -> None:
    with pytest.raises(BadInput, match="answered 404"):
        await fetching.fetch_article(f"{site}/nothing-here", max_bytes=1000)
