"""Reading an article is linear in its length, whatever its shape.

Each shape runs `read_article` in another process with a generous timeout (60 s), at a
size the quadratic reading needs minutes for, and the linear one a few seconds at most
even on a loaded machine. Measured before the fix, on this machine: 20,000 short lines
2.2 s (so 160,000 about 140 s); one 0.5 MB line 0.8 s (so 8 MB about 200 s); 20,000 dots
20 s (so 100,000 about 500 s); 20,000 "U.S." 87 s; a 200,000-letter word 217 s. No
clock is read in this process.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
import textwrap

import pytest

from knowledge.answering.text import fold
from knowledge.articles.ingest import names_in, speaker_of
from knowledge.articles.reading import Article, Span

SHAPES = {
    # 4 MB of short lines: each line once looked for its neighbours through every other line.
    "many short lines": '"\\n".join(f"Line {i} says a thing." for i in range(160_000))',
    # 8 MB on one line: each sentence end once copied the rest of the line.
    "one long line": '" ".join(f"Sentence {i} ends here." for i in range(320_000))',
    # A run of end marks: the sentence-end pattern once retried every shorter run at every dot.
    "a run of dots": '"Intro " + "." * 100_000 + "x and more words here."',
    # Abbreviations: each one once searched the whole sentence so far.
    "a run of abbreviations": '"It was " + " ".join("U.S." for _ in range(40_000)) + " done."',
    # A long word, then a short one before a dot: the search for the word before the dot
    # once started again at every letter of the long one.
    "one long word": '"Intro " + "a" * 300_000 + " b. Next sentence here."',
}


# What ingest does with a read article: every body sentence checked against boilerplate
# lines and footnote markers (once a scan of all of them per sentence: 40,000 × 40,000).
INGESTED = (
    '"\\n".join(f"Share\\nOfficials said the talks in round {i} went on for hours in Geneva{i % 7 + 1}."'
    " for i in range(40_000))"
)


@pytest.mark.parametrize("text", list(SHAPES.values()), ids=list(SHAPES))
def test_reading_is_linear(text: str) -> None:
    _run_within_a_minute(
        f"""
        from knowledge.articles.reading import read_article
        article = read_article("big", {text})
        print(len(article.sentences))
        """
    )


def test_picking_an_articles_sentences_for_ingest_is_linear() -> None:
    _run_within_a_minute(
        f"""
        from knowledge.articles.ingest import substantive_quotes
        from knowledge.articles.reading import read_article
        article = read_article("big", {INGESTED})
        assert len(article.boilerplate) == 40_000 and len(article.footnotes) == 40_000
        print(len(substantive_quotes(article)))
        """
    )


def _run_within_a_minute(source: str) -> None:
    program = textwrap.dedent(source)
    try:
        done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("reading the article took over 60 s: it is not linear in the article's length")
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 1


def test_the_binary_searches_agree_with_a_scan_of_every_span() -> None:
    rng = random.Random(23)
    for _ in range(300):
        cuts = sorted(rng.sample(range(200), rng.randrange(0, 20) * 2))
        spans = [(a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=True) if a < b]
        article = Article(source_id="x", text=" " * 200, footnotes=spans)
        article.lines = [Span(a, b, "boilerplate") for a, b in spans]
        for _ in range(30):
            start = rng.randrange(0, 200)
            end = rng.randrange(start, 201)
            touching = any(start < b and a < end for a, b in spans)
            assert article.overlaps_boilerplate(start, end) is touching
            assert article.contains_footnote(start, end) is touching
            inside = [a for a, _b in spans if start <= a < end]
            assert article.first_footnote_in(start, end) == (inside[0] if inside else None)


def test_finding_the_names_and_the_speaker_of_a_sentence_naming_100000_people_is_linear() -> None:
    # Each name once searched the whole sentence for itself, and the list of names found.
    _run_within_a_minute(
        """
        from knowledge.articles.ingest import names_in, speaker_of
        sentence = ", ".join(f"Name{i}" for i in range(100_000)) + " said."
        names = names_in(sentence)
        assert len(names) == 99_999 and speaker_of(sentence, names) == "Name99999"
        print(len(names))
        """
    )


def _speaker_by_scanning(text: str, names: list[str]) -> str | None:
    """The speaker found by scanning the sentence for every name: the reference. The
    subject right before the verb wins; a name right after it counts only when the
    clause is inverted (the verb follows a comma or a closing quote: "…, said Lavrov")."""
    folded = fold(text)
    after = re.search(r"\baccording to\s+", folded)
    if after:
        follows = [n for n in names if folded.find(n, after.end()) == after.end()]
        if follows:
            return follows[0]
    verb = re.search(r"\b(?:said|told|confirmed)\b", folded)
    if verb is None:
        return None
    before_verb = folded[: verb.start()].rstrip()
    inverted = not before_verb or before_verb.endswith((",", '"', "”", "’"))
    before: tuple[int, str] | None = None
    following: tuple[int, str] | None = None
    for name in names:
        for m in re.finditer(re.escape(name), folded):
            if m.end() <= verb.start() and verb.start() - m.end() <= 3:
                gap = verb.start() - m.end()
                if before is None or gap < before[0]:
                    before = (gap, name)
            elif inverted and m.start() >= verb.end() and m.start() - verb.end() <= 3:
                gap = m.start() - verb.end()
                if following is None or gap < following[0]:
                    following = (gap, name)
    found = before or following
    return found[1] if found else None


def test_the_speaker_found_near_the_verb_is_the_one_a_full_scan_finds() -> None:
    rng = random.Random(7)
    people = ["Peskov", "Rubio", "Lavrov", "Witkoff", "Zelensky", "Kellogg"]
    glue = [" ", ", ", " and ", " — ", " met ", ". "]
    for _ in range(2_000):
        words = [rng.choice([*people, "officials", "the talks"]) for _ in range(rng.randrange(2, 7))]
        words.insert(rng.randrange(len(words) + 1), rng.choice(["said", "told", "confirmed", "according to"]))
        sentence = "".join(w + rng.choice(glue) for w in words).strip()
        names = names_in(sentence)
        assert speaker_of(sentence, names) == _speaker_by_scanning(sentence, names), sentence
