"""An HTML page reduced to its article's text, by trafilatura. Pure.

Never by regular expressions: trafilatura parses the page with lxml and keeps the main
text, leaving out navigation, cookie banners, share widgets, comments and footers, one
paragraph a line. The text it gives is what is stored as the source, so every quote's
offsets count characters of that text.

Metadata is taken only where the page states it: its headline, its site's name, and
the publication date its markup declares (`article:published_time` and the other meta
tags, JSON-LD `datePublished`, a `<time>` element), read by htmldate with its extensive
search off. That search (trafilatura's default) guesses from URLs and copyright lines
("© 2025" becomes 2025-01-01), and a guessed date is an invented one: without a declared
date the date stays unknown.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageText:
    """The article's text from a page, and the headline, outlet and publication date
    (ISO) the page states (or None)."""

    text: str
    title: str | None
    outlet: str | None
    published: str | None = None


def looks_like_html(raw: bytes, filename: str = "", content_type: str | None = None) -> bool:
    """Whether what arrived is an HTML page: served as HTML, named .html/.htm, or its first
    character is "<" (an article's text never opens with a tag)."""
    if content_type and "html" in content_type.lower():
        return True
    if filename.lower().endswith((".html", ".htm", ".xhtml")):
        return True
    return raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"


def page_text(raw: bytes) -> PageText | None:
    """The article's text in an HTML page (None when the page holds no article text).
    trafilatura reads the page's encoding from its bytes and meta tags. The work is
    bounded by the caller's cap on the page's size (bot.article_input.MAX_ARTICLE_BYTES)."""
    # Imported here: trafilatura and lxml take ~0.2 s to import, which every `talksbot ask`
    # would pay at start-up for a page it never reads.
    import trafilatura

    document = trafilatura.bare_extraction(
        raw,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        with_metadata=True,
    )
    text = getattr(document, "text", None) if document is not None else None
    if not text or not text.strip():
        return None
    return PageText(
        text=text.strip() + "\n",
        title=_stated(getattr(document, "title", None)),
        outlet=_stated(getattr(document, "sitename", None)),
        published=_declared_date(raw),
    )


def _declared_date(raw: bytes) -> str | None:
    """The publication date the page's markup declares, never one found in its prose or URL."""
    from htmldate import find_date

    found = find_date(raw, extensive_search=False, original_date=True)
    return found if isinstance(found, str) else None


def _stated(value: object) -> str | None:
    return " ".join(value.split()) or None if isinstance(value, str) else None
