"""Cutting article text into sentences: hard-wrapped lines, abbreviations, bullets, datelines. Pure.

Works on character offsets into the raw text (quotes are verified against them), in
linear time: every pattern here is anchored or possessive, and nothing re-reads a line
per sentence.

- **Wrapped lines**: a report wrapped at a fixed width (72 columns, say) breaks lines
  where the next word would not fit. `logical_lines` joins such lines back into their
  paragraph, so a sentence spans the line break (its quote keeps the "\\n" verbatim).
- **Abbreviations**: months ("Feb. 12"), titles ("Gen.", "Sen."), initials ("J. D.")
  and initialisms ("U.S.") do not end a sentence, except that an initialism or a month
  followed by a word that opens sentences ("the U.S. The talks…") does.
- **Furniture**: a bullet ("- ", "• ") or a dateline ("BRUSSELS (AP) — ", "Brussels – ")
  opening a paragraph is not part of its first sentence.
"""

from __future__ import annotations

import re

# Possessive runs, tried only where a run of end marks begins: "....x" fails once, not
# once per dot with every shorter run retried (quadratic in the run's length).
_SENTENCE_END = re.compile(r"(?<![.!?])[.!?]++[\"”’)]*+\d*+(?=\s|$)")
_NON_SPACE = re.compile(r"\S")
_INITIALISM = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
# Words written with a dot that never end a sentence before a capital or a number.
_TITLES = frozenset(
    "mr mrs ms dr st jr sr vs etc e.g i.e gen gov sen rep no lt col maj capt sgt adm prof rev hon "
    "pres supt cmdr mt ft approx est al fig cf ave blvd dept univ".split()
)
# Month abbreviations: "Feb. 12" is one date; "…in Feb. The talks" ends a sentence.
_MONTHS = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec".split())
# Words that open sentences: after "U.S." or "Feb." one of these starts a new sentence.
_OPENERS = frozenset(
    "The A An He She It They We I You This That These Those His Her Its Their Our But And Yet So In On At "
    "For After Before While When However Meanwhile Still There Both Some Many Most".split()
)
# A bullet opening a line: "- ", "• ", "* ", "– " (a list item's marker, not its words).
_BULLET = re.compile(r"[-•*–—▪►]\s+")
# A dateline opening a paragraph: one to four place words (capitalised or upper case, two
# places joined by a slash: "MOSCOW/WASHINGTON"),
# an optional ", Feb. 12" and "(AP)", then a dash. Anchored and bounded: linear.
_DATELINE = re.compile(
    r"[A-Z][A-Za-z.'’/]*(?: [A-Z][A-Za-z.'’/]*){0,3}"
    r"(?:, [A-Za-z0-9 .]{1,20})?(?: \([A-Za-z .]{1,25}\))? ?[–—-]{1,2} (?=[A-Z“\"‘'])"
)
# Words a list item (or a sentence) never ends on: a line ending on one was wrapped.
_DANGLING = frozenset("a an the and or but of in on at to for by with from as than that".split())
# Lines at most this long can be a fixed-width wrap; news paragraphs on one line are longer.
_MAX_WRAP_WIDTH = 120
# At least this many wrapped lines before an article counts as hard-wrapped.
_MIN_WRAPPED_LINES = 2
# In a hard-wrapped article, a line this close to the width that ends mid-sentence was
# wrapped too, by hand or by a wrapper that breaks early (ragged text pasted from mail or a
# PDF column); a heading is short, and sits on a line of its own.
_RAGGED_SHARE = 0.7


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans within text[start:end]; "U.S.", "Dr." and "Feb. 12" do not end a sentence,
    and a bullet or a dateline opening the span is left out of its first sentence."""
    spans: list[tuple[int, int]] = []
    begin = skip_furniture(text, start, end)
    for m in _SENTENCE_END.finditer(text, begin, end):
        # The next word's first character, found without copying the rest of the line.
        following = _NON_SPACE.search(text, m.end(), end)
        first = following.group(0) if following else ""
        if first and not (first.isupper() or first in "\"“‘'(" or first.isdigit()):
            continue
        if _is_abbreviation(text, begin, m.start(), following.start() if following else end, end):
            continue
        spans.append(_trim(text, begin, m.end()))
        begin = m.end()
    if text[begin:end].strip():
        spans.append(_trim(text, begin, end))
    return [s for s in spans if s[1] > s[0]]


def skip_furniture(text: str, start: int, end: int) -> int:
    """Where the words of a paragraph begin: after a bullet and a dateline, if it opens with them."""
    at = _NON_SPACE.search(text, start, end)
    begin = at.start() if at else start
    bullet = _BULLET.match(text, begin, end)
    if bullet:
        begin = bullet.end()
    dateline = _DATELINE.match(text, begin, end)
    if dateline:
        begin = dateline.end()
    return begin


def _word_before(text: str, begin: int, dot: int) -> str:
    # Read backwards from the dot: only that word, never the sentence so far.
    at = dot
    while at > begin and (text[at - 1].isalnum() or text[at - 1] in "._"):
        at -= 1
    return text[at:dot]


def _next_word(text: str, at: int, end: int) -> str:
    stop = at
    while stop < end and stop - at < 20 and text[stop].isalpha():
        stop += 1
    return text[at:stop]


def _is_abbreviation(text: str, begin: int, dot: int, following: int, end: int) -> bool:
    if text[dot] != ".":
        return False
    w = _word_before(text, begin, dot)
    if not w:
        return False
    low = w.lower()
    if low in _TITLES or (len(w) == 1 and w.isupper()):
        return True
    if _INITIALISM.fullmatch(w) or low in _MONTHS:
        # "the U.S. The talks" and "in Feb. The talks" end; "U.S. President" and "Feb. 12" do not.
        return _next_word(text, following, end) not in _OPENERS
    return False


def ends_on_abbreviation(text: str) -> bool:
    """Whether `text` ends on a title or month abbreviation ("… on Feb."): a cut sentence."""
    if not text.endswith("."):
        return False
    w = _word_before(text, 0, len(text) - 1).lower()
    return w in _TITLES or w in _MONTHS


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def line_spans(text: str) -> list[tuple[int, int]]:
    """Every physical line of `text` as [start, end), without its line break."""
    spans, pos = [], 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line.rstrip("\r"))))
        pos += len(line) + 1
    return spans


def logical_lines(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The lines of `text` with hard-wrapped ones joined back into their paragraph.

    A line was wrapped when the next line's first word would not have fitted on it
    within the article's width (its longest line), which is how every fixed-width
    wrapper breaks; a line ending a sentence before a capital is left to end there.
    Only an article whose lines all fit in _MAX_WRAP_WIDTH and that has at least
    _MIN_WRAPPED_LINES such lines (or as many going on in lower case) is unwrapped: one-line paragraphs
    are left as they are. In an unwrapped article a line is also joined when the next
    goes on in lower case, or when it ends mid-sentence and is nearly as long as the
    widest (ragged wrapping). A bullet on the next line starts a new line.
    """
    stripped = [text[a:b].rstrip() for a, b in spans]
    width = max((len(s) for s in stripped), default=0)
    if width == 0 or width > _MAX_WRAP_WIDTH:
        return spans
    joins = [False] * len(spans)
    ragged = [False] * len(spans)
    # A line going on in lower case on the next is wrapped, whatever the widths.
    continued = 0
    # After a lead-in ("… include:") come list items, one a line: a line there is joined
    # to the next only when the next goes on in lower case or the line ends on a word no
    # item ends on ("… rather than a"); the list ends at a blank line or a sentence's end.
    in_list = False
    for i in range(len(spans) - 1):
        line, nxt = stripped[i], stripped[i + 1].lstrip()
        if not line.strip() or not nxt or _BULLET.match(nxt):
            in_list = in_list and bool(line.strip())
            continue
        first_word = nxt.split(maxsplit=1)[0]
        goes_on = first_word[0].islower()
        ends_sentence = _SENTENCE_END.search(line, max(0, len(line) - 4)) is not None
        # A full line ending a sentence before a capital may be a paragraph's last line:
        # left alone, it costs nothing (the sentence ends there either way).
        ends = ends_sentence and not goes_on
        leads_in = line.endswith(":") and first_word[0].isupper()
        dangling = line.rsplit(None, 1)[-1].lower() in _DANGLING
        may_join = not ends and not leads_in and (goes_on or dangling or not in_list)
        joins[i] = may_join and len(line) + 1 + len(first_word) > width
        ragged[i] = may_join and (goes_on or (not ends_sentence and len(line) >= _RAGGED_SHARE * width))
        continued += may_join and goes_on
        in_list = leads_in or (in_list and not ends_sentence)
    if max(sum(joins), continued) < _MIN_WRAPPED_LINES:
        return spans
    joins = [a or b for a, b in zip(joins, ragged, strict=True)]
    out: list[tuple[int, int]] = []
    begin = None
    for i, (a, b) in enumerate(spans):
        begin = a if begin is None else begin
        if not joins[i]:
            out.append((begin, b))
            begin = None
    if begin is not None:
        out.append((begin, spans[-1][1]))
    return out


def is_fragment(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a piece of a sentence rather than a whole one: it opens
    in lower case or right after an abbreviation ("12, President …" after "Feb."), ends on
    one ("… on Feb."), or its sentence goes on in lower case after it (a wrapped line)."""
    piece = text[start:end].lstrip("\"“‘'(")
    if not piece or piece[0].islower() or ends_on_abbreviation(piece.rstrip("\"”’')")):
        return True
    before = text[max(0, start - 40) : start].rstrip()
    if before.endswith(".") and ends_on_abbreviation(before.rsplit(None, 1)[-1]):
        return True
    following = _NON_SPACE.search(text, end, min(len(text), end + 40))
    return bool(following and following.group(0).islower() and "\n\n" not in text[end : following.start()])
