"""Conflicts without a differing figure: tone, roster and quoted words.

Every sentence and claim here is written for the test (none is an article's or a
question's): each kind of disagreement is found, and its near miss (the same tone,
another party, the same names, another role, another speaker) is not.
"""

from __future__ import annotations

import pytest

from knowledge.articles.disagreement import MAX_CONFLICTS, disagreements, ranked
from knowledge.articles.ingest import propose
from knowledge.articles.reading import read_article
from knowledge.articles.stances import EXPRESSIVE, RESERVED, read_stances
from knowledge.models import Claim, Quote


def _claim(claim_id: str, text: str, said_by: str | None = None) -> Claim:
    return Claim(
        id=claim_id,
        text=text,
        topic="talks",
        said_by=said_by,
        quotes=[Quote(source_id="elsewhere", start=0, end=len(text), quote=text)],
    )


CLAIMS = [
    _claim("moscow-guarded", "Moscow's account of the summit was guarded, listing only the prisoner swap."),
    _claim("kyiv-praise", 'Zelenskyy called the summit "very constructive".', "Volodymyr Zelenskyy"),
    _claim("trump-hails-summit", "Trump hailed the summit in Riyadh as a success.", "Donald Trump"),
    _claim("delegation", "Trump named a delegation of Marco Rubio, Steve Witkoff and Michael Waltz for the talks."),
    _claim("three-nations", "Britain, France and Spain issued a joint statement backing Kyiv."),
    _claim("two-sides", "Russia and Ukraine held their first direct talks in Istanbul."),
    _claim(
        "official-gamble",
        'A senior Western official described the plan as "a reckless gamble".',
        "Senior Western official",
    ),
    _claim("hegseth-borders", 'Hegseth said regaining the 2014 borders was "unrealistic".', "Pete Hegseth"),
    _claim("hegseth-no-deal", 'Hegseth said no peace deal would be signed "without Europe".', "Pete Hegseth"),
    _claim("kremlin-call-terse", "The Kremlin's readout of the phone call was terse."),
]


def _conflicts(sentence: str) -> list[str]:
    article = read_article("new", f"Summit news\n\n{sentence}\n")
    return [p.claim_id or "" for p in propose(article, CLAIMS) if p.kind == "conflicts"]


@pytest.mark.parametrize(
    ("sentence", "claim_id"),
    [
        # Tone: the same party reported warm, and reserved.
        ("The Kremlin welcomed the outcome of the summit and praised the American side.", "moscow-guarded"),
        ("Officials in Kyiv merely acknowledged that the summit had taken place.", "kyiv-praise"),
        ("Ukraine's reaction to the summit was notably lukewarm, its statement brief.", "kyiv-praise"),
        # Tone: two parties' opposite accounts of one call they held together.
        ("Trump described his phone call with Putin as warm and productive.", "kremlin-call-terse"),
        # Roster: other people of one party for the same talks; other countries for one statement.
        ("The talks will be led by JD Vance and Marco Rubio, the White House said on Monday.", "delegation"),
        ("The US negotiators at the talks are Marco Rubio and Steve Witkoff, and nobody else.", "delegation"),
        ("In a joint statement, Germany and France said Europe must have a seat at the table.", "three-nations"),
        # Quoted words: one remark quoted two ways, by a speaker described by role.
        ('The plan is "a risky gamble", as one Western official put it to reporters on Monday.', "official-gamble"),
        # The same short verdict, said by the same person of something else.
        ('Pete Hegseth told reporters that a ceasefire agreed by the spring is "unrealistic".', "hegseth-borders"),
    ],
)
def test_a_disagreeing_account_is_proposed_as_a_conflict(sentence: str, claim_id: str) -> None:
    assert claim_id in _conflicts(sentence)


@pytest.mark.parametrize(
    ("sentence", "claim_id"),
    [
        # The same tone about the same party agrees.
        ("Peskov said the Kremlin's reaction to the summit was cautious and subdued.", "moscow-guarded"),
        # Another party's reserve contradicts nobody's warmth here.
        ("London's reaction to the summit in Riyadh was lukewarm at best.", "trump-hails-summit"),
        ("London's reaction to the summit in Riyadh was lukewarm at best.", "kyiv-praise"),
        # A warm account of a call the reserved party had no part in.
        ("Zelenskyy described his phone call with Trump as warm and productive.", "kremlin-call-terse"),
        # Warmth towards the reserved party about something else than the call.
        ("Trump praised the decision by Putin to free the two prisoners.", "kremlin-call-terse"),
        # A negated warm word is no warmth.
        ("The Kremlin was hardly positive about the summit and its prisoner swap.", "moscow-guarded"),
        # The same names, and names with no role in the talks.
        ("Marco Rubio, Steve Witkoff and Michael Waltz will lead the delegation to the talks.", "delegation"),
        ("Marco Rubio and JD Vance attended a dinner in Munich with European ministers.", "delegation"),
        # Two of the delegation at work, not another delegation.
        ("Marco Rubio and Michael Waltz met their Saudi hosts before the talks began.", "delegation"),
        # Nobody in common: other talks, not another roster of these.
        ("Pete Hegseth and Keith Kellogg held talks with NATO defence ministers in Brussels.", "delegation"),
        # Countries as the two sides of talks are no roster of one statement.
        ("Russia and the United States will hold talks in Riyadh next month, officials said.", "two-sides"),
        # Another speaker's words, and the same verdict about the same thing.
        ('Peskov called the Western plan "a risky gamble" during his daily briefing.', "official-gamble"),
        ('Pete Hegseth said again that getting back the 2014 borders is "unrealistic".', "hegseth-borders"),
        ('Dmitry Peskov said on Monday that a ceasefire agreed by the spring is "unrealistic".', "hegseth-borders"),
        # A quote naming someone is part of a remark, not a verdict passed on something else.
        ('Pete Hegseth said that troops would never be sent to the front "without Europe".', "hegseth-no-deal"),
        # The claim's own object is in the sentence among others: the same remark, longer.
        (
            "Pete Hegseth said a return to the 2014 borders, a ceasefire by the spring, quick elections "
            'and membership of the alliance were all "unrealistic".',
            "hegseth-borders",
        ),
    ],
)
def test_a_near_miss_is_no_conflict(sentence: str, claim_id: str) -> None:
    assert claim_id not in _conflicts(sentence)


def test_tone_belongs_to_the_party_it_describes() -> None:
    # The nearest party before the word in its clause; a quoted word is the speaker's.
    assert read_stances("The Kremlin's readout was restrained, while Washington hailed the talks.").tones == {
        ("russia", RESERVED),
        ("usa", EXPRESSIVE),
    }
    assert read_stances('He met Trump and called the talks "good".', "Volodymyr Zelenskyy").tones == {
        ("ukrain", EXPRESSIVE)
    }
    # Who passes judgement "as" is the party before the verb, not one in what is judged.
    assert read_stances("Trump described his phone call with Putin as productive.").tones == {("usa", EXPRESSIVE)}
    # A place where an event takes place is not a party to it; officials in a capital are.
    assert read_stances("The summit in Riyadh was called off, and Moscow was muted.").tones == {("russia", RESERVED)}
    # Plain praise counts only in a speaker's own words.
    assert read_stances("Kyiv made good use of the summit.").tones == frozenset()


def test_one_sentence_may_contradict_several_claims_each_once_and_at_most_three() -> None:
    claims = [
        _claim(f"kyiv-warm-{i}", f"Zelenskyy welcomed the talks {topic}.", "Volodymyr Zelenskyy")
        for i, topic in enumerate(["in Riyadh", "in Jeddah", "in Istanbul", "in Geneva"])
    ]
    found = disagreements("Kyiv's response to the talks was muted.", None, [(c, 0.1 * i) for i, c in enumerate(claims)])
    assert [d.claim_id for d in found] == ["kyiv-warm-3", "kyiv-warm-2", "kyiv-warm-1", "kyiv-warm-0"]
    assert ranked(["of-value", "kyiv-warm-3"], found) == ["of-value", "kyiv-warm-3", "kyiv-warm-2"]
    assert len(ranked([], found)) == MAX_CONFLICTS


def test_a_sentence_never_supports_a_claim_it_contradicts() -> None:
    claims = [_claim("talks-guarded", "The Kremlin's reaction to the Riyadh talks was guarded and brief.")]
    article = read_article("new", "Talks news\n\nThe Kremlin's reaction to the Riyadh talks was warm and upbeat.\n")
    kinds = [(p.kind, p.claim_id) for p in propose(article, claims)]
    assert kinds == [("conflicts", "talks-guarded")]
