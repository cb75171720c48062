"""Reading the seed articles: boilerplate, headings, sentences and footnote digits.

Everything here works on character offsets into the raw article text (Python
`str` indices of the UTF-8 decoded file), because quotes are verified against
exactly those offsets. Read-only: nothing here writes anywhere.

Linear in the article's length, whatever its shape (one 2 MB line, 100,000 short
lines, a run of 20,000 dots): nothing re-reads the rest of a line or of the
article per sentence or per line, and no regular expression can backtrack over
a run (tests/knowledge/articles/test_reading_scale.py).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from knowledge.articles.sentences import line_spans, logical_lines, split_sentences

LineKind = Literal["body", "heading", "leadin", "boilerplate", "blank"]

# Navigation words and widgets that news sites print around an article.
_NAV_LINES = {
    "share post:",
    "share",
    "share this",
    "popular",
    "more like this",
    "related",
    "previous",
    "next",
    "read also:",
    "read also",
    "read more",
    "date:",
    "sources",
    "advertisement",
    "comments",
    "tags:",
    "subscribe",
}
# After these a site prints the headline of some other story: a teaser.
_TEASER_LEADS = {"read also:", "read also", "read more", "previous", "next"}
_IMAGE_PLACEHOLDER = re.compile(r"^(?:spot_img)+$|^\[?image[^\]]*\]?$", re.IGNORECASE)
_BLURB = re.compile(r"^(?:The editorial team at |About the author)", re.IGNORECASE)
# Words a headline leaves in lower case.
_SMALL_WORDS = frozenset(
    "a an the and or but nor for of in on at to by as vs via with from into onto over amid after before "
    "than that is are was be".split()
)
_WORD = re.compile(r"[^\W\d_][\w’'-]*")
# Picture credits and bylines: a line holding one is a caption or a credit, never a claim.
_CREDIT_MARKS = ("ap photo", "photo/", "photo:", "photograph:", "getty images", "via ap)", "pool photo", "image:")
_CREDIT_LEADS = (
    "reporting by",
    "additional reporting",
    "editing by",
    "writing by",
    "copyright",
    "©",
    "all rights reserved",
    "we use cookies",
    "this website uses cookies",
    "sign up for",
    "follow us",
    # Notes a publisher prints about the article itself, never what it reports.
    "this article was amended",
    "this article has been amended",
    "this article was updated",
    "this article has been updated",
    "this story has been updated",
    "this story was updated",
    "an earlier version of this",
    "a version of this article appears",
    "correction:",
    "our standards:",
)
# "Associated Press writers … contributed.": the agency's credit for reporting, never a claim.
_CREDIT_ENDS = ("contributed to this report.", "contributed reporting.", "contributed to this story.")
_CONTRIBUTORS = ("writer", "reporter", "correspondent")
_BULLET_ITEM = re.compile(r"[-•*–▪►]\s")
# A line ending a sentence: a full stop, "!" or "?", then closing quotes or brackets.
_ENDS_SENTENCE = re.compile(r"[.!?][\"”’')\]]*$")
_TERMINAL = re.compile(r"[.!?][\"”’')\]]?\d*$|[\"”]\d*$")
# A footnote marker is a run of digits glued to the end of a word or closing quote:
# "Ukraine123", "dollar4", 'Europeans."1'. "£4.5" and "pre-2014" are not markers.
_FOOTNOTE = re.compile(r"(?:(?<=[A-Za-z]{2})|(?<=[A-Za-z][\"”])|(?<=[A-Za-z]\.[\"”]))\d{1,3}(?=[\s.,;:)]|$)")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: LineKind


@dataclass
class Article:
    """An article split into classified lines and body sentences."""

    source_id: str
    text: str
    lines: list[Span] = field(default_factory=list)
    sentences: list[Span] = field(default_factory=list)
    footnotes: list[tuple[int, int]] = field(default_factory=list)

    @property
    def boilerplate(self) -> list[Span]:
        return [s for s in self.lines if s.kind == "boilerplate"]

    def overlaps_boilerplate(self, start: int, end: int) -> bool:
        """Whether [start, end) touches a boilerplate line (a binary search: lines are in order)."""
        return _overlaps(self._boilerplate_spans, start, end)

    @cached_property
    def _boilerplate_spans(self) -> list[tuple[int, int]]:
        # Made once, on first use: `lines` is complete by then (read_article fills it first).
        return [(b.start, b.end) for b in self.boilerplate]

    def contains_footnote(self, start: int, end: int) -> bool:
        """Whether [start, end) touches a footnote marker (a binary search: markers are in order)."""
        return _overlaps(self.footnotes, start, end)

    def first_footnote_in(self, start: int, end: int) -> int | None:
        """Where the first footnote marker inside [start, end) begins, if any."""
        at = bisect.bisect_left(self.footnotes, (start, start))
        if at < len(self.footnotes) and self.footnotes[at][0] < end:
            return self.footnotes[at][0]
        return None

    def opening_words(self, count: int = 8) -> str | None:
        """The first `count` words of the article's first body sentence: how a reader
        recognises an article that prints no headline."""
        first = next((s for s in self.sentences if s.kind == "body"), None)
        if first is None:
            return None
        found = self.text[first.start : first.end].split()
        return " ".join(found[:count]) + ("…" if len(found) > count else "")


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of `spans` (sorted, disjoint [a, b) pairs)."""
    # The first span ending after `start` is the only one that can overlap without a
    # later one starting first; any overlap has its start before `end`.
    at = bisect.bisect_right(spans, (start, start))
    if at > 0 and spans[at - 1][1] > start:
        at -= 1
    return at < len(spans) and spans[at][0] < end and spans[at][1] > start


def read_article(source_id: str, text: str) -> Article:
    """Classify every line of `text` and split its body lines into sentences."""
    article = Article(source_id=source_id, text=text)
    raw_lines = logical_lines(text, line_spans(text))
    kinds = _classify(text, raw_lines)
    article.lines = [Span(a, b, k) for (a, b), k in zip(raw_lines, kinds, strict=True)]
    article.footnotes = [
        (m.start(), m.end())
        for line in article.lines
        if line.kind == "body"
        for m in _FOOTNOTE.finditer(text, line.start, line.end)
    ]
    for line in article.lines:
        if line.kind == "body":
            for a, b in split_sentences(text, line.start, line.end):
                kind: LineKind = "leadin" if text[a:b].endswith(":") else "body"
                article.sentences.append(Span(a, b, kind))
    return article


def _is_title_case(line: str) -> bool:
    """A headline's case: every word of four letters or more capitalised except a few
    small ones ("in", "with", "amid"). A sentence has lower-case verbs and nouns ("met",
    "talks"), however many names it holds, so it is never taken for a headline."""
    found = [w for w in _WORD.findall(line) if w[0].isalpha()]
    lower = [w for w in found if w[0].islower() and w.lower() not in _SMALL_WORDS]
    capital = sum(w[0].isupper() for w in found)
    return capital >= 2 and not lower


def is_caption_or_credit(line: str) -> bool:
    """A photo caption or a credit line: it names a photographer or an agency's picture
    ("(AP Photo/Evan Vucci)", "Photo: Reuters"), is a byline's "Reporting by …", or
    credits contributors ("Associated Press writers … contributed.")."""
    low = line.lower()
    contributed = low.endswith(_CREDIT_ENDS) or (
        low.endswith("contributed.") and any(w in low for w in _CONTRIBUTORS) and len(low.split()) <= 30
    )
    return any(mark in low for mark in _CREDIT_MARKS) or low.startswith(_CREDIT_LEADS) or contributed


def _neighbours(lines: list[str]) -> tuple[list[str | None], list[str | None]]:
    """Each line's nearest non-blank line before it and after it, in two passes."""
    previous: list[str | None] = []
    last: str | None = None
    for line in lines:
        previous.append(last)
        last = line or last
    following: list[str | None] = []
    last = None
    for line in reversed(lines):
        following.append(last)
        last = line or last
    following.reverse()
    return previous, following


def _classify(text: str, spans: list[tuple[int, int]]) -> list[LineKind]:
    lines = [text[a:b].strip() for a, b in spans]
    before, after = _neighbours(lines)
    kinds: list[LineKind] = []
    after_teaser_lead = False
    in_list = False
    for i, line in enumerate(lines):
        low = line.lower()
        if not line:
            kinds.append("blank")
            in_list = False
            continue
        following, previous = after[i], before[i]
        if low in _NAV_LINES or _IMAGE_PLACEHOLDER.match(line) or _BLURB.match(line) or is_caption_or_credit(line):
            kinds.append("boilerplate")
            after_teaser_lead = after_teaser_lead or low in _TEASER_LEADS
            in_list = False
            continue
        if after_teaser_lead:
            kinds.append("boilerplate")
            after_teaser_lead = False
            continue
        # A byline printed twice in a row ("EU Global Editorial Staff") is a widget.
        if (line in (following, previous)) and len(line.split()) <= 8:
            kinds.append("boilerplate")
            continue
        if line.endswith(":"):
            # The lead-in sentence itself is marked per sentence in read_article.
            kinds.append("body")
            in_list = True
            continue
        # A list item (after a lead-in, or marked by a bullet) is body, however short.
        if in_list or _BULLET_ITEM.match(line):
            kinds.append("body")
            continue
        words = len(line.split())
        # A heading heads something: the only line of an article is its text (a one-line
        # report), and so is a last line ending in a full stop (headlines have none).
        last_sentence = following is None and (previous is None or line.rstrip('”"’)').endswith("."))
        # A short line ending on a quoted word with no full stop is a headline or a standfirst
        # ('… start talks "immediately"'); a sentence ends on a full stop, inside or after the quote.
        headline = following is not None and not _ENDS_SENTENCE.search(line)
        if words <= 20 and not last_sentence and (not _TERMINAL.search(line) or _is_title_case(line) or headline):
            kinds.append("heading")
            continue
        kinds.append("body")
    return kinds
