"""Many short strings kept as one UTF-8 blob with offsets, decoded one at a time.

A store of 120,000 claims keeps each claim's current text and the words its
answers are checked against this way: one bytes object instead of 240,000
Python strings, read from a snapshot without decoding any of them.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import overload


class PackedStrings(Sequence[str]):
    """A list of strings: packed ones (`blob`, `offsets`) plus changed or added ones in `extra`."""

    __slots__ = ("_len", "blob", "extra", "offsets")

    def __init__(self, blob: bytes | bytearray | memoryview = b"", offsets: array[int] | None = None) -> None:
        self.blob = blob
        self.offsets = offsets if offsets is not None else array("q", [0])
        self.extra: dict[int, str] = {}
        self._len = len(self.offsets) - 1

    @classmethod
    def of(cls, items: Iterable[str]) -> PackedStrings:
        # One growing buffer, never a list of every string's bytes: the peak memory of
        # packing 120,000 claims stays near the packed size.
        blob = bytearray()
        offsets = array("q", [0])
        for s in items:
            blob += s.encode()
            offsets.append(len(blob))
        return cls(blob, offsets)

    def __len__(self) -> int:
        return self._len

    @overload
    def __getitem__(self, n: int) -> str: ...
    @overload
    def __getitem__(self, n: slice) -> list[str]: ...
    def __getitem__(self, n: int | slice) -> str | list[str]:
        if isinstance(n, slice):
            return [self[i] for i in range(*n.indices(self._len))]
        if n < 0:
            n += self._len
        if not 0 <= n < self._len:
            raise IndexError(n)
        found = self.extra.get(n)
        if found is not None:
            return found
        return str(self.blob[self.offsets[n] : self.offsets[n + 1]], "utf-8")

    def __iter__(self) -> Iterator[str]:
        for n in range(self._len):
            yield self[n]

    def __setitem__(self, n: int, value: str) -> None:
        if not 0 <= n < self._len:
            raise IndexError(n)
        self.extra[n] = value

    def append(self, value: str) -> None:
        self.extra[self._len] = value
        self._len += 1

    def packed(self) -> PackedStrings:
        """The same strings with every change folded into the blob."""
        return self if not self.extra else PackedStrings.of(self)
