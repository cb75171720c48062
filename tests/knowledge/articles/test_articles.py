from __future__ import annotations

import pytest

from bot.messages import source_label
from knowledge.articles.reading import read_article, split_sentences
from knowledge.articles.sources import load_seeds
from knowledge.paths import seeds_dir


@pytest.fixture(scope="module")
def seeds():  # type: ignore[no-untyped-def]
    return load_seeds(seeds_dir())


def test_seeds_are_the_five_articles_with_metadata(seeds) -> None:  # type: ignore[no-untyped-def]
    assert len(seeds) == 5
    assert seeds["003_ee562e66d1744079"].source.outlet == "EU Global"
    # Nothing the article does not state: no outlet, headline or date for 000.
    first = seeds["000_4e42f3189539b996"].source
    assert (first.outlet, first.title, first.date, first.url) == (None, None, None, None)
    # No invented label: the source states none, and users see its opening words instead of its hash.
    assert first.label is None
    opening = seeds["000_4e42f3189539b996"].article.opening_words()
    assert opening and opening.startswith("President Donald Trump revealed")
    assert "4e42f3189539b996" not in source_label(opening)
    assert source_label(opening) == f"Article beginning “{opening}”"


def test_navigation_teasers_blurbs_and_widgets_are_boilerplate(seeds) -> None:  # type: ignore[no-untyped-def]
    def kinds(sid: str) -> dict[str, str]:
        art = seeds[sid].article
        return {art.text[s.start : s.end]: s.kind for s in art.lines}

    eu = kinds("003_ee562e66d1744079")
    for line in (
        "Read also:",
        "Trump Administration Signals Stronger Sanctions Against Russia",
        "Share post:",
        "spot_imgspot_img",
        "Popular",
        "More like this",
        "Related",
        "EU Global Editorial Staff",
        "Date:",
    ):
        assert eu[line] == "boilerplate", line
    assert any(k == "boilerplate" and t.startswith("The editorial team at EU Global") for t, k in eu.items())
    last = kinds("004_10188f2d9bf74621")
    for line in (
        "Previous",
        "Next",
        "Sources",
        "U.S. and Chinese Warships in Tense Taiwan Strait Standoff",
        "Hamas and Israel on Brink of Ceasefire Collapse as Netanyahu Issues Ultimatum",
    ):
        assert last[line] == "boilerplate", line
    assert last["Executive Summary"] == "heading"


def test_abbreviations_do_not_end_sentences() -> None:
    text = "The U.S. dollar rose. Mr. Smith agreed, said the U.S.-Russia envoy. Then it ended."
    spans = split_sentences(text, 0, len(text))
    assert [text[a:b] for a, b in spans] == [
        "The U.S. dollar rose.",
        "Mr. Smith agreed, said the U.S.-Russia envoy.",
        "Then it ended.",
    ]


def test_footnote_digits_are_found_but_real_numbers_are_not() -> None:
    text = 'The war in Ukraine123. The U.S. dollar4 and "frontline"2 cost £4.5 billion, 5% of GDP, pre-2014 borders.'
    art = read_article("x", text + " This is a long enough body line to count as an article paragraph here.")
    marks = [text[a:b] for a, b in art.footnotes]
    assert marks == ["123", "4", "2"]


def test_list_items_after_a_lead_in_are_body_and_lead_ins_are_marked(seeds) -> None:  # type: ignore[no-untyped-def]
    art = seeds["000_4e42f3189539b996"].article
    by_text = {art.text[s.start : s.end]: s.kind for s in art.sentences}
    assert by_text["CIA Director John Ratcliffe"] == "body"
    assert by_text["The negotiation team includes:"] == "leadin"
