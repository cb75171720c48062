"""Supports found where a sentence restates a claim in its own way, and not where it does not.

Each kind of miss the leave-one-article-out table showed, with sentences written for
these tests against a small store: people the article means without naming them ("the
leaders", "the former president", "The call …"), a claim stated in one clause of a
long sentence, two claims each stated in clauses of their own, a claim naming three
people of whom the sentence names two, and a remark each article quotes in part.
"""

from __future__ import annotations

from knowledge.articles.ingest import propose
from knowledge.articles.reading import read_article
from knowledge.articles.similarity import clause_spans
from knowledge.models import Claim, Quote


def _claim(claim_id: str, text: str, quote: str | None = None) -> Claim:
    quote = quote or text
    return Claim(
        id=claim_id,
        text=text,
        topic="talks",
        quotes=[Quote(source_id="elsewhere", start=0, end=len(quote), quote=quote)],
    )


STORE = [
    _claim("summit-budapest", "Trump and Putin agreed to hold a summit in Budapest before the summer."),
    _claim("grain-corridor", "Trump and Putin discussed reopening the Black Sea grain corridor for Ukrainian wheat."),
    _claim("hegseth-no-bases", "Hegseth ruled out building permanent American bases in Poland."),
    _claim("hegseth-no-airlift", "Hegseth rejected any American airlift of weapons to Kyiv this winter."),
    _claim("witkoff-briefed-zelenskyy", "After meeting Putin, Witkoff briefed Zelenskyy on the prisoner exchange."),
    _claim("trump-steel-tariffs", "Trump dismissed new tariffs on Indian steel as unnecessary."),
    _claim(
        "chemist-released",
        "The talks followed Russia's release of jailed American chemist Dan Kessler, viewed as a gesture of goodwill.",
    ),
    _claim("putin-invited-trump", "Putin invited the US president to Moscow for talks in the spring."),
    _claim("sanctions-relief", "European diplomats fear early sanctions relief would reward Moscow."),
    _claim(
        "trump-harvest-post",
        'Trump wrote that the blockade is a "disgrace" causing hunger.',
        "Trump wrote: “This blockade is a disgrace, causing terrible and needless hunger across the world.”",
    ),
]


def _supports(text: str, sentence: str, store: list[Claim] | None = None) -> set[str]:
    """The claims `sentence` (a body sentence of the article `text`) is proposed to support."""
    proposals = propose(read_article("new", "Talks in Geneva\n\n" + text), store or STORE)
    return {p.claim_id or "" for p in proposals if p.kind == "supports" and p.quote.quote == sentence}


LEADERS = "President Donald Trump and Russian President Vladimir Putin spoke by phone for two hours on Friday."


def test_the_leaders_are_the_people_named_just_before() -> None:
    sentence = "During the call, the leaders agreed to hold a summit in Budapest before the summer."
    assert _supports(f"{LEADERS}\n{sentence}\n", sentence) == {"summit-budapest"}


def test_the_leaders_of_others_are_not_the_people_named_just_before() -> None:
    sentence = "During the call, the leaders of Poland and Hungary agreed to hold a summit in Budapest this summer."
    assert _supports(f"{LEADERS}\n{sentence}\n", sentence) == set()


def test_the_leaders_with_nobody_named_before_mean_nobody() -> None:
    before = "Diplomats met in a hotel by the lake for most of Friday afternoon."
    sentence = "During the call, the leaders agreed to hold a summit in Budapest before the summer."
    assert _supports(f"{before}\n{sentence}\n", sentence) == set()


def test_the_call_opening_a_sentence_is_the_one_the_sentence_before_named_people_in() -> None:
    sentence = "The call, which ran past midnight, covered reopening the Black Sea grain corridor for Ukrainian wheat."
    assert _supports(f"{LEADERS}\n{sentence}\n", sentence) == {"grain-corridor"}
    # The sentence before named one person: the call is not theirs to be "Trump and Putin".
    alone = "Ukrainian President Volodymyr Zelenskyy spoke to reporters in Kyiv on Friday."
    assert _supports(f"{alone}\n{sentence}\n", sentence) == set()


def test_the_former_president_opening_a_sentence_is_the_person_named_just_before() -> None:
    before = "President Donald Trump landed in Florida late on Sunday."
    sentence = "The former president dismissed new tariffs on Indian steel as unnecessary, aides said."
    assert _supports(f"{before}\n{sentence}\n", sentence) == {"trump-steel-tariffs"}
    other = "Former President Joe Biden landed in Florida late on Sunday."
    assert _supports(f"{other}\n{sentence}\n", sentence) == set()


def test_a_claim_stated_in_one_clause_of_a_long_sentence_is_supported() -> None:
    sentence = (
        "Budget hawks in Congress, worried about rising deficits, fuel subsidies, farm support and pension costs, "
        "complained on Thursday that envoys who secured the release of jailed American chemist Dan Kessler from a "
        "Russian prison now shape policy on tariffs, shipping lanes and the coming budget."
    )
    assert _supports(sentence + "\n", sentence) == {"chemist-released"}


def test_a_clause_that_only_names_the_claims_people_restates_nothing() -> None:
    # The clause shares one of the four words the claim says besides its people.
    sentence = "Markets were calm all week, analysts said, while Trump and Putin agreed to swap prisoners."
    assert _supports(sentence + "\n", sentence) == set()
    # Two of the six words the claim says besides its people, in the clause's own words, are too few.
    sentence = "Fuel prices rose sharply across the region, traders said, as Hegseth toured permanent sites in Poland."
    assert _supports(sentence + "\n", sentence) == set()
    # "Negotiations" is related to "talks", "Russia" to "Moscow": with one word of its own ("spring"),
    # a clause of related words restates nothing either.
    sentence = "Oil prices fell on Monday, traders said, after Trump and Putin held negotiations in Russia this spring."
    assert _supports(sentence + "\n", sentence) == set()


def test_two_claims_each_stated_in_clauses_of_their_own_are_both_supported() -> None:
    sentence = (
        "Hegseth, in a combative speech to allied officials, ruled out permanent bases in Poland "
        "and rejected an American airlift of weapons."
    )
    assert _supports(sentence + "\n", sentence) == {"hegseth-no-bases", "hegseth-no-airlift"}


def test_one_clause_close_to_two_claims_supports_only_the_closer() -> None:
    sentence = "Hegseth ruled out any American airlift of weapons to permanent bases in Poland this winter."
    assert len(_supports(sentence + "\n", sentence)) == 1
    sentence = (
        "Speaking in Warsaw on Monday, Hegseth ruled out any American airlift of weapons to permanent bases in Poland."
    )
    assert len(_supports(sentence + "\n", sentence)) == 1


CLOSE = [
    _claim(
        "trump-told-zelenskyy",
        "After his call with Putin, Trump phoned Zelenskyy and told him what had been discussed.",
    ),
    _claim(
        "zelenskyy-call-frank",
        "Zelenskyy said Trump phoned him on Thursday evening from the Oval Office, calling the call frank.",
        "Zelenskyy said Trump phoned him on Thursday evening from the Oval Office and told him what had been "
        "discussed, calling the call frank.",
    ),
]


def test_of_two_close_claims_the_one_the_sentence_says_more_of_comes_first() -> None:
    # The other claim accounts for more of the sentence (its quote holds these words), but the
    # sentence repeats less of what that claim states.
    for sentence in [
        "Trump phoned Zelenskyy from the Oval Office and told him what had been discussed.",
        "Trump phoned Zelenskyy on Thursday evening to tell him what had been discussed.",
    ]:
        proposals = propose(read_article("new", "Talks in Geneva\n\n" + sentence + "\n"), STORE + CLOSE)
        assert [p.claim_id for p in proposals][:1] == ["trump-told-zelenskyy"], sentence


def test_a_claim_naming_three_people_may_go_without_one_the_sentence_leaves_out() -> None:
    sentence = "Witkoff briefed Ukrainian President Volodymyr Zelenskyy on the prisoner exchange later that day."
    assert _supports(sentence + "\n", sentence) == {"witkoff-briefed-zelenskyy"}


def test_but_not_when_the_sentence_names_another_person_in_their_place() -> None:
    sentence = "Witkoff briefed Zelenskyy on the prisoner exchange after meeting Rubio later that day."
    assert _supports(sentence + "\n", sentence) == set()


def test_a_title_several_people_hold_names_none_of_them() -> None:
    # "President" is in Trump's names and in Putin's: it names neither.
    sentence = "President Trump agreed to hold a summit in Budapest before the summer."
    assert _supports(sentence + "\n", sentence) == set()


def test_words_quoted_from_the_claims_own_quote_are_the_same_remark() -> None:
    sentence = "The president blamed Moscow for “terrible and needless hunger across the world,” Trump wrote."
    assert _supports(sentence + "\n", sentence) == {"trump-harvest-post"}
    other = "Trump wrote that the blockade is “a cruel famine machine” causing hunger."
    assert _supports(other + "\n", other) == set()


def test_clauses_are_cut_at_marks_and_clause_words_in_one_pass() -> None:
    text = "He called the plan “unworkable”; he ruled out troops — aid continues while talks go on, officials said."
    assert [text[s:e].strip() for s, e in clause_spans(text)] == [
        "He called the plan “unworkable”;",
        "he ruled out troops —",
        "aid continues",
        "while talks go on,",
        "officials said.",
    ]
