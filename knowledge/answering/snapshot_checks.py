"""What a loaded index snapshot must satisfy before it is used: every field in range.

A snapshot is a cache, so a file that passed its checksum may still be anybody's:
each check here turns a value that would crash a reader later (an out-of-range
status code, an offset past its array, a doc number with no doc, text that is
not UTF-8) into one `SnapshotRejected` at load, and the index is rebuilt.
All checks are vectorised over the arrays: at 120,000 claims they cost tens of
milliseconds, not a rebuild. Pure: no I/O.
"""

from __future__ import annotations

import codecs
import itertools
import math
from array import array
from typing import Any

import numpy as np
import numpy.typing as npt

from knowledge.answering.index import STATUSES

_DECODE_CHUNK = 1 << 20
# Importance is 1–5 as curated (the store's CHECK); every doc keeps one, removed ones too.
IMPORTANCE_RANGE = (1, 5)


class SnapshotRejected(ValueError):
    """A snapshot that must not be used; the message says which field is out of range."""


def require(condition: bool, what: str) -> None:
    if not condition:
        raise SnapshotRejected(what)


def check_offsets(offsets: npt.NDArray[np.int64], count: int, end: int, what: str) -> None:
    """`count` + 1 offsets from 0, never decreasing, ending at `end` (the length they slice)."""
    require(len(offsets) == count + 1, f"{what}: {len(offsets)} offsets for {count} items")
    require(int(offsets[0]) == 0 and int(offsets[-1]) == end, f"{what}: offsets do not span their data")
    require(bool((np.diff(offsets) >= 0).all()), f"{what}: offsets go backwards")


def check_within(numbers: npt.NDArray[Any], low: float, high: float, what: str) -> None:
    """Every number lies in [low, high) (an empty array passes)."""
    if len(numbers):
        require(int(numbers.min()) >= low and int(numbers.max()) < high, f"{what}: out of range")


def check_weights(values: npt.NDArray[np.float64], what: str) -> None:
    """Finite and not negative: a NaN or negative weight would rank claims arbitrarily."""
    if len(values):
        require(bool(np.isfinite(values).all()) and float(values.min()) >= 0.0, f"{what}: not finite or negative")


def check_codes(statuses: array[int], importances: array[int], docs: int) -> None:
    require(len(statuses) == len(importances) == docs, "statuses or importances: wrong count")
    check_within(np.frombuffer(statuses, dtype=np.int8), 0, len(STATUSES), "status codes")
    low, high = IMPORTANCE_RANGE
    check_within(np.frombuffer(importances, dtype=np.int8), low, high + 1, "importances")


def check_packed(blob: memoryview, offsets: array[int], count: int, what: str) -> None:
    """Offsets that slice `blob` into `count` strings, each valid UTF-8.

    The whole blob is decoded once (strict), and every string starts on a character
    boundary (not on a continuation byte), so each slice decodes on its own too.
    Decoded a megabyte at a time and thrown away: three times faster than one 40 MB
    string, and nothing large is held.
    """
    numbers = np.frombuffer(offsets, dtype=np.int64)
    check_offsets(numbers, count, len(blob), what)
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        for at in range(0, len(blob), _DECODE_CHUNK):
            decoder.decode(blob[at : at + _DECODE_CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise SnapshotRejected(f"{what}: not UTF-8") from exc
    starts = numbers[:-1][numbers[:-1] < len(blob)]
    if len(starts):
        first_bytes = np.frombuffer(blob, dtype=np.uint8)[starts]
        require(bool(((first_bytes & 0xC0) != 0x80).all()), f"{what}: a string starts inside a character")


def check_strings(strings: Any) -> None:
    """The JSON section: ids, terms and words of the right types, counts that agree."""
    require(isinstance(strings, dict), "strings: not an object")
    claim_ids, terms = strings.get("claim_ids"), strings.get("terms")
    require(_all_str(claim_ids), "claim ids: not a list of strings")
    require(_all_str(terms), "terms: not a list of strings")
    require(len(set(terms)) == len(terms), "terms: repeated")  # each term's number is its position
    removed = strings.get("removed")
    require(type(removed) is int and removed == claim_ids.count(""), "removed: does not count the empty slots")
    # Removed claims leave "" behind (any number of them); every other id is distinct.
    require(len(set(claim_ids)) == len(claim_ids) - removed + (removed > 0), "claim ids: repeated")
    surface = strings.get("surface")
    require(
        isinstance(surface, list)
        and set(map(type, surface)) <= {list}
        and set(map(len, surface)) <= {2}
        and _all_str(list(itertools.chain.from_iterable(surface))),
        "surface words: not a list of pairs of strings",
    )
    require(_all_str(strings.get("entity_terms")), "entity terms: not a list of strings")
    avg_len = strings.get("avg_len")
    require(
        type(avg_len) in (int, float) and math.isfinite(avg_len) and avg_len > 0,
        "average length: not a positive number",
    )
    require(isinstance(strings.get("extra"), dict), "extra: not an object")


def _all_str(values: Any) -> bool:
    # Types read in C (map), not a Python-level loop: 120,000 ids in a few milliseconds.
    return isinstance(values, list) and set(map(type, values)) <= {str}
