"""Text that is safe to write to a terminal.

Claims, corrections, reasons and moderator names are typed by people on
Discord and Slack. Written raw, an escape sequence in them could recolour,
retitle or rewrite the operator's terminal, and a carriage return could hide
the text before it. Pure.
"""

from __future__ import annotations

import re

# ESC and 8-bit CSI/OSC introducers with their parameters: CSI (colours, cursor
# moves), OSC (titles, hyperlinks, clipboard), DCS/SOS/PM/APC strings, and
# two-character escapes. Removed whole so no parameter text is left behind.
_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
)
# Every other C0/C1 control (tab and newline stay) and the bidirectional
# overrides that make text display in a different order than it reads.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
REPLACEMENT = "\ufffd"


def terminal_safe(text: str) -> str:
    """`text` without escape sequences; other control characters become U+FFFD. Keeps newlines and tabs."""
    return _CONTROL.sub(REPLACEMENT, _SEQUENCE.sub("", text))


def one_line(text: str) -> str:
    """terminal_safe, on one line: for messages that must stay a single line on stderr."""
    return terminal_safe(" ".join(text.split("\n"))).replace("\t", " ")
