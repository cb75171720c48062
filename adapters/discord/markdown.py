"""Text from users and articles made inert for Discord: it reads as typed and nothing in it is live.

`discord.utils.escape_markdown` is not enough: its link pattern is one greedy
"[.+](.+)", so of two masked links only the first bracket is escaped and the
second link stays live; it leaves `@everyone`, `<@…>`, `<#…>`, `<t:…>`, bare
URLs and ordered lists alone; and its lookahead patterns backtrack (quadratic
in a run of asterisks).

Here each character that can start markup in the middle of a line is escaped
with a backslash wherever it stands, and the line-start syntax where it can
take effect: at the start of the text, the only line start an escaped string
has (it is one line; a renderer may put it at the start of a line). Discord's
parser (a fork of simple-markdown) reads a backslash before any punctuation
as that character literally, so the reader sees the text as typed:

- links and masks: `[`, `]`, and `<` / `>` (`<https://…>`, `<@id>`, `<#id>`,
  `<@&id>`, `<t:…>`, `</cmd:id>`, `<:emoji:id>`); bare links: the `:` of `://`;
- mentions: `@` (`@everyone`, `@here`);
- emphasis, code, spoilers, strike-through: asterisk, underscore, tilde,
  backtick, pipe;
- at the start: headings `#`, subtext `-#`, quotes `>`, lists `-`, `+`, `*`
  and `1.` (or `1)`);
- the backslash itself, so a typed backslash cannot cancel an escape.

All in a few linear passes (`str.translate`, `str.replace`), no regular
expression. Other punctuation (full stops, hyphens, parentheses mid-line) has
no meaning there and stays as it is, so plain sentences are sent unchanged.

Whitespace runs (newlines, U+2028…) become one space, so no text can start a
line of its own. Controls, bidirectional overrides and zero-width spaces are
dropped: they are invisible, and serve only to disguise what a text says.
The joiners (U+200C, U+200D) stay, for emoji sequences and scripts that need
them. Mentions are also disabled by the sender (`AllowedMentions.none()`).
"""

from __future__ import annotations

# Markup anywhere in a line.
MARKUP = "\\*_~`|<>[]@"
# Markup at the start of a line (`*` and `>` are in MARKUP already).
LINE_START = "#-+"
DIGITS = "0123456789"
# Invisible characters dropped from shown text: C0 and C1 controls (whitespace is
# collapsed before), zero-width space, word joiner, byte-order mark, the
# bidirectional marks, embeddings, overrides and isolates.
INVISIBLE = (
    [chr(c) for c in range(0x00, 0x20)]
    + [chr(c) for c in range(0x7F, 0xA0)]
    + ["\u061c", "\u200b", "\u200e", "\u200f", "\u2060", "\ufeff"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)

_TABLE: dict[int, str | None] = {ord(c): None for c in INVISIBLE}
_TABLE.update({ord(c): "\\" + c for c in MARKUP})


def inert(text: str) -> str:
    """`text` on one line, with every markdown character escaped and invisible characters dropped. Pure, linear."""
    shown = " ".join(text.split()).translate(_TABLE).replace(":/", "\\:/")
    if shown and shown[0] in LINE_START:
        return "\\" + shown
    digits = len(shown) - len(shown.lstrip(DIGITS))
    if digits and shown[digits : digits + 1] in (".", ")"):  # "1. " would start an ordered list
        return f"{shown[:digits]}\\{shown[digits:]}"
    return shown
