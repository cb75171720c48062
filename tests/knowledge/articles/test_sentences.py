"""Cutting articles into sentences: abbreviations, hard-wrapped lines, headings, furniture.

Articles made up here, in the shapes news arrives in (not the seeds): each case fails
when its rule is taken out of knowledge/articles/sentences.py or reading.py.
"""

from __future__ import annotations

import textwrap

import pytest

from knowledge.articles.ingest import propose
from knowledge.articles.reading import read_article
from knowledge.articles.sentences import is_fragment, split_sentences

PARAGRAPHS = [
    "Russian and American diplomats met in Riyadh on Tuesday for their first formal talks since the "
    "invasion of Ukraine began, officials from both delegations said after the meeting ended late in "
    "the evening. The two sides agreed to appoint teams that would work on a path to ending the war.",
    "Secretary of State Marco Rubio told reporters that the talks had been constructive and that both "
    "governments wanted to restore the staff of their embassies in Washington and Moscow quickly. He "
    "added that Europe would have to take part when sanctions were discussed.",
    "Ukrainian officials were not invited to the meeting, and President Volodymyr Zelenskyy said his "
    "country would not accept any agreement reached without its participation in the negotiations.",
]


def _sentences(text: str) -> list[str]:
    article = read_article("x", text)
    return [" ".join(text[s.start : s.end].split()) for s in article.sentences if s.kind == "body"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The call took place on Feb. 12, 2025. President Trump described it as productive.",
            ["The call took place on Feb. 12, 2025.", "President Trump described it as productive."],
        ),
        (
            "Talks are planned for Sept. 3 in Geneva. Lt. Gen. Keith Kellogg will attend them.",
            ["Talks are planned for Sept. 3 in Geneva.", "Lt. Gen. Keith Kellogg will attend them."],
        ),
        (
            "The envoy, J. D. Vance, met Sen. Graham in Munich. Both spoke afterwards.",
            ["The envoy, J. D. Vance, met Sen. Graham in Munich.", "Both spoke afterwards."],
        ),
        (
            "Troops will not come from the U.S. The decision was announced by the Pentagon.",
            ["Troops will not come from the U.S.", "The decision was announced by the Pentagon."],
        ),
        (
            "The ministers met in Feb. The next round is planned for the spring.",
            ["The ministers met in Feb.", "The next round is planned for the spring."],
        ),
    ],
    ids=["month before a day", "month and titles", "initials and title", "initialism ends", "month ends"],
)
def test_abbreviations_end_a_sentence_only_where_it_ends(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in split_sentences(text, 0, len(text))] == expected


def test_a_report_wrapped_at_72_columns_gives_whole_sentences() -> None:
    text = "Diplomats meet in Riyadh\n\n" + "\n\n".join(textwrap.fill(p, 72) for p in PARAGRAPHS) + "\n"
    unwrapped = _sentences("Diplomats meet in Riyadh\n\n" + "\n\n".join(PARAGRAPHS) + "\n")
    assert len(unwrapped) == 5
    assert _sentences(text) == unwrapped
    article = read_article("x", text)
    # Every proposal is a whole sentence, verbatim at its offsets (line breaks and all).
    proposals = propose(article, [])
    assert len(proposals) == 5
    for p in proposals:
        assert text[p.quote.start : p.quote.end] == p.quote.quote
        assert not is_fragment(text, p.quote.start, p.quote.end), p.quote.quote
    # The draft reads as one line.
    assert all("\n" not in p.text for p in proposals)


def test_a_wrapped_report_without_blank_lines_between_paragraphs_still_splits_at_sentences() -> None:
    text = "\n".join(textwrap.fill(p, 64) for p in PARAGRAPHS) + "\n"
    assert len(_sentences(text)) == 5


def _ragged(paragraph: str, width: int) -> str:
    """`paragraph` wrapped by hand: every other line breaks one word early, so the next
    line's first word would have fitted (no fixed-width wrapper breaks there)."""
    lines = [line.split() for line in textwrap.wrap(paragraph, width)]
    for i in range(0, len(lines) - 1, 2):
        lines[i + 1].insert(0, lines[i].pop())
    return "\n".join(" ".join(words) for words in lines)


def test_a_report_wrapped_by_hand_at_uneven_widths_gives_whole_sentences() -> None:
    text = "Diplomats meet in Riyadh\n\n" + "\n\n".join(_ragged(p, 90) for p in PARAGRAPHS) + "\n"
    assert _sentences(text) == _sentences("Diplomats meet in Riyadh\n\n" + "\n\n".join(PARAGRAPHS) + "\n")
    for p in propose(read_article("x", text), []):
        assert not is_fragment(text, p.quote.start, p.quote.end), p.quote.quote


def test_one_line_paragraphs_are_not_joined() -> None:
    text = "Short headline here\nA body sentence that is not wrapped at all stands here.\nAnother one.\n"
    article = read_article("x", text)
    assert [text[s.start : s.end] for s in article.lines if s.kind != "blank"] == text.strip().split("\n")


@pytest.mark.parametrize(
    "report",
    [
        "Russian Foreign Minister Sergei Lavrov met Saudi Crown Prince Mohammed bin Salman in Riyadh on Feb. 18.",
        "Foreign Minister Annalena Baerbock met President Emmanuel Macron in Paris on 14 February 2025.",
    ],
    ids=["Lavrov met the crown prince", "Baerbock met Macron"],
)
def test_a_short_sentence_full_of_names_is_not_dropped_as_a_heading(report: str) -> None:
    for text in (report + "\n", "Talks in the Gulf\n\n" + report + "\n"):
        proposals = propose(read_article("x", text), [])
        assert [p.quote.quote for p in proposals] == [report], text


def test_the_only_line_of_an_article_is_its_text_even_without_a_full_stop() -> None:
    report = "Secretary Marco Rubio Met Minister Sergei Lavrov In Riyadh On Tuesday"
    assert [p.quote.quote for p in propose(read_article("x", report + "\n"), [])] == [report]


def test_a_headline_or_standfirst_ending_on_a_quoted_word_is_a_heading() -> None:
    headline = 'Envoys say talks on Ukraine will start "soon"'
    standfirst = 'Capitals react as the White House calls the plan "a first step"'
    body = 'Diplomats from both countries said on Tuesday that the talks would be "a first step".'
    text = f"{headline}\n\n{standfirst}\n\n{body}\n"
    kinds = {text[s.start : s.end]: s.kind for s in read_article("x", text).lines}
    assert (kinds[headline], kinds[standfirst], kinds[body]) == ("heading", "heading", "body")


def test_a_publishers_notes_about_the_article_are_boilerplate() -> None:
    notes = [
        "This article was amended on 13 February 2025 to correct the spelling of a name.",
        "A version of this article appears in print on Feb. 13, 2025, Section A, Page 1 of the New York edition.",
        "Correction: An earlier version misstated the day of the meeting in Riyadh between the two delegations.",
        "Our Standards: The Thomson Reuters Trust Principles.",
    ]
    sentence = "The ministers agreed to appoint teams that would work on a path to ending the war in Ukraine."
    text = "Talks in Riyadh\n\n" + sentence + "\n\n" + "\n\n".join(notes) + "\n"
    assert [p.quote.quote for p in propose(read_article("x", text), [])] == [sentence]


def test_headlines_are_still_headings() -> None:
    text = (
        "Trump Engages in Direct Talks with Putin Amid Shifting European Dynamics\n"
        "European leaders insist on involvement\n"
        "The leaders of seven European nations said they must be part of any negotiations on Ukraine.\n"
    )
    kinds = {text[s.start : s.end]: s.kind for s in read_article("x", text).lines}
    assert kinds["Trump Engages in Direct Talks with Putin Amid Shifting European Dynamics"] == "heading"
    assert kinds["European leaders insist on involvement"] == "heading"


@pytest.mark.parametrize(
    ("line", "first_words"),
    [
        ("- Lavrov said the talks in Riyadh had been useful for both sides.", "Lavrov said"),
        ("• Rubio said the embassies would be staffed again within weeks.", "Rubio said"),
        ("BRUSSELS (AP) — NATO defence ministers met on Thursday to discuss aid to Ukraine.", "NATO defence"),
        ("Brussels – In a significant development, the ministers agreed on new aid for Ukraine.", "In a"),
        (
            "MOSCOW, Feb. 12 (Reuters) - The Kremlin described the conversation of the two leaders as long.",
            "The Kremlin",
        ),
        (
            "MOSCOW/WASHINGTON, Feb 12 (Reuters) - Russian and US leaders spoke by phone for a long time.",
            "Russian and",
        ),
    ],
    ids=["dash bullet", "dot bullet", "AP dateline", "place dateline", "Reuters dateline", "two-place dateline"],
)
def test_bullets_and_datelines_stay_out_of_the_quote(line: str, first_words: str) -> None:
    text = "Report\n\n" + line + "\n"
    [proposal] = propose(read_article("x", text), [])
    assert proposal.quote.quote.startswith(first_words)
    assert text[proposal.quote.start : proposal.quote.end] == proposal.quote.quote


def test_captions_and_credit_lines_are_boilerplate() -> None:
    text = (
        "Talks in Riyadh\n\n"
        "Secretary of State Marco Rubio, left, is greeted by Saudi officials as he arrives at the airport in "
        "Riyadh, Saudi Arabia, on Monday, Feb. 17, 2025. (AP Photo/Evan Vucci)\n"
        "Reporting by Guy Faulconbridge and Andrew Osborn in Moscow and by Humeyra Pamuk in Riyadh; writing by "
        "Mark Trevelyan; editing by Someone Else and Another Editor.\n"
        "Associated Press writers Jane Roe in Kyiv and John Doe in Brussels contributed.\n"
        "Agency staff in Warsaw contributed to this report.\n"
        "The ministers agreed to appoint teams that would work on a path to ending the war in Ukraine.\n"
    )
    quotes = [p.quote.quote for p in propose(read_article("x", text), [])]
    assert quotes == ["The ministers agreed to appoint teams that would work on a path to ending the war in Ukraine."]


@pytest.mark.parametrize(
    ("text", "span", "fragment"),
    [
        ("The call was on Feb. 12, President Trump said.", "12, President Trump said.", True),
        ("The call was on Feb. 12, President Trump said.", "The call was on Feb.", True),
        ("The talks went well\nand ended late.", "The talks went well", True),
        ("the talks went well.", "the talks went well.", True),
        ("The call was on Feb. 12, President Trump said.", "The call was on Feb. 12, President Trump said.", False),
    ],
)
def test_fragments_are_recognised(text: str, span: str, fragment: bool) -> None:
    start = text.index(span)
    assert is_fragment(text, start, start + len(span)) is fragment


def test_list_items_after_a_lead_in_stay_items_in_a_wrapped_report() -> None:
    items = [
        "A call for all allies to lift military budgets to five percent of output",
        "Emphasis on the alliance becoming a stronger force rather than a club of",
        "European diplomats",
        "Rejection of alliance membership as a security guarantee for Ukraine",
    ]
    lead = textwrap.fill("The minister set out the main points of the new policy, which include:", 72)
    prose = textwrap.fill(PARAGRAPHS[0], 72)
    text = lead + "\n" + "\n".join(items) + "\n" + prose + "\n"
    sentences = _sentences(text)
    # (The lead-in itself is a "leadin" sentence, not body.)
    assert sentences[:3] == [items[0], items[1] + " " + items[2], items[3]]
    assert sentences[3:] == _sentences(PARAGRAPHS[0])


def test_a_short_sentence_that_states_something_is_proposed_and_a_shorter_one_is_not() -> None:
    stated = "European officials reacted with unease."
    text = f"Reactions\n\n{stated}\n\nRead the full story here.\n"
    assert [p.quote.quote for p in propose(read_article("x", text), [])] == [stated]
