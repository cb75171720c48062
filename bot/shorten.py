"""The one text-shortening helper every renderer uses. Pure."""

from __future__ import annotations

import re

ELLIPSIS = "…"
# An HTML entity cut in half (`&am`) would show as garbage in Slack.
_PARTIAL_ENTITY = re.compile(r"&[a-zA-Z#0-9]{0,6}$")


def shorten(text: str, limit: int, ellipsis: str = ELLIPSIS, *, escaped: bool = False) -> str:
    """`text` if it fits in `limit` characters, else cut at a word boundary and marked with `ellipsis`.

    A single word longer than the limit is the one case cut mid-word. With
    `escaped`, a trailing half entity (`&am`) is dropped too.
    """
    if len(text) <= limit:
        return text
    if limit <= len(ellipsis):
        return ellipsis[:limit] if limit > 0 else ""
    room = limit - len(ellipsis)
    head = text[:room]
    if not text[room].isspace():
        # Back to the space before the cut word, read from the end: a pattern like
        # `\s+\S*$` retried its whole tail from every space (quadratic in the limit).
        cut = len(head)
        while cut > 0 and not head[cut - 1].isspace():
            cut -= 1
        while cut > 0 and head[cut - 1].isspace():
            cut -= 1
        if cut > 0:
            head = head[:cut]
    head = head.rstrip()
    if escaped:
        head = _PARTIAL_ENTITY.sub("", head)
    return head + ellipsis
