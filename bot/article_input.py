"""Checking an article handed to `talksbot ingest` before anything is written. Pure.

Each function raises BadInput with one sentence safe to show; the CLI turns it
into exit code 2, so a bad file never reaches the store.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from bot import messages
from bot.corrections import clean_text, clean_url
from knowledge import messages as knowledge_messages
from knowledge.articles.html_text import PageText, looks_like_html, page_text
from knowledge.errors import BadInput

# News articles are a few kilobytes; 2 MB leaves room for a long report and keeps
# a mistaken upload (a PDF, a database dump) from being read into memory.
MAX_ARTICLE_BYTES = 2_000_000
# Text has tabs and line breaks; other control characters mean a binary file.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SOURCE_ID = re.compile(r"[^A-Za-z0-9_.-]+")
MAX_SOURCE_ID = 60


def read_article_file(path: Path) -> bytes:
    """The file's bytes, refusing a missing, over-large or empty file without reading it all."""
    if not path.is_file():
        raise BadInput(messages.no_article_file(str(path)))
    if path.stat().st_size > MAX_ARTICLE_BYTES:
        raise BadInput(messages.article_too_large(MAX_ARTICLE_BYTES))
    with path.open("rb") as fh:
        raw = fh.read(MAX_ARTICLE_BYTES + 1)  # the file may have grown since stat()
    return raw


def decode_article(raw: bytes) -> str:
    """The article's text, decoded as UTF-8 exactly (no newline or BOM translation, so
    quote offsets count the characters of the stored text). Refuses empty, over-large,
    binary and non-UTF-8 input."""
    if len(raw) > MAX_ARTICLE_BYTES:
        raise BadInput(messages.article_too_large(MAX_ARTICLE_BYTES))
    if not raw.strip():
        raise BadInput(messages.ARTICLE_EMPTY)
    if b"\x00" in raw:
        raise BadInput(messages.ARTICLE_BINARY)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadInput(messages.article_not_utf8(exc.start)) from exc
    if len(_CONTROL.findall(text)) > max(2, len(text) // 1000):
        raise BadInput(messages.ARTICLE_BINARY)
    return text


def source_id_for(filename: str) -> str:
    """A source id from the file's stem, like the seeds' ("005_new-article.txt" → "005_new-article")."""
    stem = Path(filename).stem
    cleaned = _SOURCE_ID.sub("-", stem).strip("-.")[:MAX_SOURCE_ID]
    return cleaned or "article"


def clean_date(value: str | None) -> str | None:
    """An ISO date (YYYY-MM-DD) or None; anything else is refused, never guessed."""
    text = clean_text(value, "date", 10, required=False)
    if text is None:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError as exc:
        raise BadInput(messages.BAD_ARTICLE_DATE) from exc


def clean_metadata(
    outlet: str | None, headline: str | None, when: str | None, url: str | None
) -> dict[str, str | None]:
    """The metadata a moderator gave, checked; what was not given stays unknown (None)."""
    return {
        "outlet": clean_text(outlet, "outlet", messages.MAX_NAME_CHARS, required=False),
        "title": clean_text(headline, "headline", messages.MAX_STATEMENT_CHARS, required=False),
        "date": clean_date(when),
        "url": clean_url(url),
    }


# An article's text, however it arrived: news reports run to some 30,000 characters;
# more is a live blog or an archive page, too long to review sentence by sentence.
MAX_ARTICLE_CHARS = 300_000


def article_text(raw: bytes, filename: str, content_type: str | None = None) -> tuple[str, PageText | None]:
    """The text to store for what arrived: an HTML page reduced to its article's text
    (knowledge.articles.html_text), or a text file decoded exactly; with the page's own
    headline and outlet when it was a page. Refuses what cannot be read, and text over
    MAX_ARTICLE_CHARS, before anything is written."""
    if len(raw) > MAX_ARTICLE_BYTES:
        raise BadInput(messages.article_too_large(MAX_ARTICLE_BYTES))
    page = None
    if looks_like_html(raw, filename, content_type):
        if not raw.strip():
            raise BadInput(messages.ARTICLE_EMPTY)
        page = page_text(raw)
        if page is None:
            raise BadInput(knowledge_messages.ARTICLE_NO_TEXT)
        text = page.text
    else:
        text = decode_article(raw)
    if len(text) > MAX_ARTICLE_CHARS:
        raise BadInput(knowledge_messages.article_too_long(MAX_ARTICLE_CHARS))
    return text, page


def page_metadata(
    page: PageText | None, outlet: str | None, headline: str | None, when: str | None
) -> tuple[str | None, str | None, str | None]:
    """The outlet, headline and date to store: the moderator's, else what the page itself
    states (cut to the fields' limits at a word), else unknown."""
    if page is None:
        return outlet, headline, when
    return (
        outlet or _fit(page.outlet, messages.MAX_NAME_CHARS),
        headline or _fit(page.title, messages.MAX_STATEMENT_CHARS),
        when or page.published,
    )


def _fit(value: str | None, limit: int) -> str | None:
    if value is None or len(value) <= limit:
        return value
    return value[: limit - 1].rsplit(" ", 1)[0] + "…"
