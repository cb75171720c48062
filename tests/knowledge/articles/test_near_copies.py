"""Near copies: an article repeating a stored source is recognised, and only what it changed is new."""

from __future__ import annotations

from knowledge.articles.near_copies import find_near_copy, shingles
from knowledge.paths import seeds_dir

SEED = "002_832239db96256c0f"


def _seed_text() -> str:
    return (seeds_dir() / f"{SEED}.txt").read_text(encoding="utf-8")


def _with_three_figures_changed(text: str) -> str:
    changed = text.replace("nearly an hour and a half", "nearly two hours", 1)
    changed = changed.replace("Seven European nations", "Nine European nations", 1)
    changed = changed.replace("£4.5 billion", "£3 billion", 1)
    assert changed.count("two hours") and changed.count("Nine European") and changed.count("£3 billion")
    return changed


def test_a_copy_with_three_figures_changed_is_a_near_copy_of_its_source() -> None:
    copy = _with_three_figures_changed(_seed_text())
    other = "Norwegian fishermen reported a record herring catch in the Barents Sea this winter. " * 3
    near = find_near_copy(copy, [("unrelated", other), (SEED, _seed_text())])
    assert near is not None and near.source_id == SEED and near.share > 0.9
    # Its unchanged sentences repeat the source; the changed ones do not.
    assert near.repeats("Both leaders also extended invitations for visits to each other’s capitals.")
    assert not near.repeats("Kremlin spokesman Dmitry Peskov confirmed that the phone call lasted nearly two hours")


def test_an_article_on_the_same_story_in_its_own_words_is_not_a_near_copy() -> None:
    own_words = (
        "Donald Trump and Vladimir Putin spoke by phone on Wednesday and agreed that their teams should start "
        "talks on ending the war in Ukraine at once. European governments, who were not consulted, said in a "
        "statement that they must take part in any negotiation. The Kremlin put its length at about ninety "
        "minutes, and the two presidents invited each other to visit."
    )
    assert find_near_copy(own_words, [(SEED, _seed_text())]) is None


def test_shingles_ignore_case_and_quote_marks() -> None:
    assert shingles("The “lengthy and highly productive” call, said Trump.") == shingles(
        'the "lengthy and highly productive" call said trump'
    )
