"""HTML pages reduced to their article's text by trafilatura; never a tag or a banner in a quote."""

from __future__ import annotations

import pytest

from knowledge.articles.html_text import looks_like_html, page_text
from knowledge.articles.ingest import propose
from knowledge.articles.reading import read_article

BODY = (
    "Ukrainian President Volodymyr Zelenskyy said on Friday that Kyiv would not accept any deal made "
    "without it, after the American and Russian delegations gathered in Saudi Arabia."
)
PAGE = f"""<html lang="en"><head><title>Zelenskyy rejects deals made without Kyiv</title>
<meta property="og:site_name" content="Example Daily"></head><body>
<header><a href="/">Example Daily</a><ul><li><a href="/a">Sport</a></li><li><a href="/b">Weather</a></li></ul></header>
<div id="consent">This website uses cookies. By continuing you accept our use of cookies and our privacy policy.</div>
<main><article><h1>Zelenskyy rejects deals made without Kyiv</h1>
<figure><img src="x.jpg"><figcaption>Zelenskyy in Kyiv. (AP Photo/Efrem Lukatsky)</figcaption></figure>
<p class="article-p">{BODY}</p>
<p class="article-p">The statement came hours after Secretary of State Marco Rubio said the talks in Riyadh had been
 a first step toward ending the war.</p>
</article></main>
<aside><h3>Read more</h3><a href="/c">Markets rally as oil prices fall</a></aside>
<footer>© 2025 Example Daily. All rights reserved.</footer></body></html>"""


def test_a_page_gives_its_articles_text_and_what_it_states_about_itself() -> None:
    page = page_text(PAGE.encode("utf-8"))
    assert page is not None
    assert BODY in page.text
    for furniture in ("<", "cookies", "Sport", "Markets rally", "©", "class="):
        assert furniture not in page.text
    assert page.title == "Zelenskyy rejects deals made without Kyiv"
    assert page.outlet == "Example Daily"


def test_a_date_the_markup_declares_is_read_and_none_is_guessed() -> None:
    # The page above states no date: its "© 2025" footer and prose are not a publication date.
    page = page_text(PAGE.encode("utf-8"))
    assert page is not None and page.published is None
    dated = PAGE.replace(
        "<title>", '<meta property="article:published_time" content="2025-02-13T09:30:00+00:00"><title>', 1
    )
    page = page_text(dated.encode("utf-8"))
    assert page is not None and page.published == "2025-02-13"
    in_prose = PAGE.replace("a first step", "on 14 February 2025 a first step")
    page = page_text(in_prose.encode("utf-8"))
    assert page is not None and page.published is None


def test_quotes_from_a_page_are_spans_of_the_stored_text() -> None:
    page = page_text(PAGE.encode("utf-8"))
    assert page is not None
    proposals = propose(read_article("page", page.text), [])
    assert BODY in [p.quote.quote for p in proposals]
    assert all(page.text[p.quote.start : p.quote.end] == p.quote.quote for p in proposals)


def test_a_page_in_another_encoding_is_read() -> None:
    page = page_text(PAGE.replace('lang="en"', 'lang="en"><meta charset="iso-8859-1"').encode("latin-1", "replace"))
    assert page is not None and "Secretary of State Marco Rubio" in page.text


def test_a_page_without_article_text_gives_nothing_to_propose() -> None:
    assert page_text(b"<html><head><title>Empty</title></head><body></body></html>") is None
    menu = page_text(b"<html><body><nav><a href='/'>Home</a> <a href='/w'>World</a></nav></body></html>")
    assert menu is None or propose(read_article("menu", menu.text), []) == []


@pytest.mark.parametrize(
    ("raw", "filename", "content_type", "html"),
    [
        (b"<p class='article-p'>Text</p>", "a.txt", None, True),
        (b"\xef\xbb\xbf  <!doctype html><html></html>", "a.txt", None, True),
        (b"Plain text article.", "a.html", None, True),
        (b"Plain text article.", "a", "text/html; charset=utf-8", True),
        (b"Plain text article with a <b> in it.", "a.txt", "text/plain", False),
    ],
)
def test_what_counts_as_a_page(raw: bytes, filename: str, content_type: str | None, html: bool) -> None:
    assert looks_like_html(raw, filename, content_type) is html
