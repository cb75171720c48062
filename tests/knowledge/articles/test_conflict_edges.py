"""Two edges of conflict proposals (sentences and claims written for the test): who speaks
is not one of the list they report, and a disagreement the store already links is no new
conflict when the sentence restates the claim on the other side of the link."""

from __future__ import annotations

from knowledge.articles.ingest import propose
from knowledge.articles.reading import read_article
from knowledge.models import Claim, Quote


def _claim(claim_id: str, text: str, conflicts: list[str] | None = None) -> Claim:
    quote = Quote(source_id="elsewhere", start=0, end=len(text), quote=text)
    return Claim(id=claim_id, text=text, topic="talks", quotes=[quote], conflicts=conflicts or [])


def _proposals(sentence: str, claims: list[Claim]) -> list[tuple[str, str | None]]:
    article = read_article("new", f"Talks news\n\n{sentence}\n")
    return [(p.kind, p.claim_id) for p in propose(article, claims)]


TEAM = _claim("delegation", "Trump named a delegation of Marco Rubio, Steve Witkoff and Michael Waltz for the talks.")


def test_the_speaker_after_a_list_is_not_one_of_the_list() -> None:
    found = _proposals(
        "The delegation for the talks will be Marco Rubio, Steve Witkoff and Michael Waltz, Trump said.", [TEAM]
    )
    assert ("conflicts", "delegation") not in found


def test_a_list_may_be_the_subject_of_the_reporting_verb() -> None:
    nations = _claim("two-nations", "Britain and Spain issued a joint statement backing Kyiv.")
    found = _proposals(
        "In a joint statement, Germany and Britain said Europe must have a seat at the table.", [nations]
    )
    assert ("conflicts", "two-nations") in found


def test_a_sentence_restating_one_side_of_a_stored_conflict_only_supports_it() -> None:
    four = _claim(
        "team-four",
        "Trump named a team of Marco Rubio, John Ratcliffe, Michael Waltz and Steve Witkoff for the talks.",
        ["team-two"],
    )
    two = _claim("team-two", "A team of Marco Rubio and Steve Witkoff will lead the talks.", ["team-four"])
    sentence = "Trump named a team of Marco Rubio, John Ratcliffe, Michael Waltz and Steve Witkoff to lead the talks."
    found = _proposals(sentence, [four, two])
    assert ("supports", "team-four") in found
    assert ("conflicts", "team-two") not in found
    # Without the link in the store, the same sentence is proposed against the other team.
    unlinked = [four.model_copy(update={"conflicts": []}), two.model_copy(update={"conflicts": []})]
    assert ("conflicts", "team-two") in _proposals(sentence, unlinked)


def test_a_claim_telling_both_accounts_is_not_contradicted_by_one_of_them() -> None:
    both = _claim(
        "accounts-differ",
        "A commentary says accounts of the phone call differ: Trump hailed a breakthrough, the Kremlin was guarded.",
    )
    reserved = _claim("kremlin-guarded", "The Kremlin's readout of the phone call with Trump was guarded.")
    found = _proposals("Trump described his phone call with Putin as warm and productive.", [both, reserved])
    assert ("conflicts", "kremlin-guarded") in found
    assert ("conflicts", "accounts-differ") not in found
