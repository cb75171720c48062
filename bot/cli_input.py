"""Reading the command line's own input: arguments and stdin, checked for valid UTF-8.

Python hands undecodable argument bytes over as lone surrogates
(surrogateescape); they would fail later, deep in the store, with a
traceback. They are refused here with one line instead. Read-only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO

from knowledge.errors import BadInput


@dataclass(frozen=True)
class BadLine:
    """A stdin line that is not valid UTF-8; `number` counts from 1."""

    number: int

    @property
    def message(self) -> str:
        return f"line {self.number} is not valid UTF-8 text."


def is_valid_text(text: str) -> bool:
    """False for text holding lone surrogates (undecodable bytes, or broken UTF-16 pairs)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_arguments(argv: Sequence[str]) -> None:
    """Raise BadInput naming the first argument that is not valid UTF-8."""
    for position, arg in enumerate(argv, start=1):
        if not is_valid_text(arg):
            raise BadInput(f"argument {position} is not valid UTF-8 text.")


def read_lines(stream: IO[str]) -> Iterator[str | BadLine]:
    """Each line of `stream` without its line ending, or a BadLine where it is not valid UTF-8.

    Reads bytes where the stream has them, so one bad line does not end the rest.
    """
    binary = getattr(stream, "buffer", None)
    source: Iterator[bytes | str] = iter(binary) if binary is not None else iter(stream)
    for number, raw in enumerate(source, start=1):
        if isinstance(raw, bytes):
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield BadLine(number)
                continue
        else:
            text = raw
            if not is_valid_text(text):
                yield BadLine(number)
                continue
        if number == 1:
            text = text.removeprefix("\ufeff")  # a byte-order mark some editors write
        yield text.rstrip("\r\n")
