"""Web addresses moderators give (a correction's source, an added claim's or an ingested article's URL). Pure.

A URL is parsed with yarl (the URL library aiohttp uses), not matched by a
pattern, and kept only when it is a plain web address: http or https, a real
host name or IP address, no user name or password (`https://trusted.org@evil.example`
would read as the first and lead to the second), and no spaces, angle
brackets, control or invisible characters, with which it could break out of
the `<…>` that renderers put around it or read differently than it leads.

It is stored in its canonical form: host in lower case and IDNA (`xn--…`), so
a look-alike letter cannot pass as another, and every character a chat
platform's markup could read (`|`, `<`, `>`, backtick, square brackets…)
percent-encoded. What a reader sees is then exactly where the link goes.
"""

from __future__ import annotations

import ipaddress
import unicodedata

from yarl import URL

from bot import messages
from knowledge.errors import BadInput

SCHEMES = ("http", "https")
# Never in a canonical URL (yarl percent-encodes them); checked again so that a change
# in the library cannot let a URL break out of a renderer's `<…>` or Slack's `<url|text>`.
_NEVER = frozenset(' "<>`|\\')
_LABEL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")


def clean_url(value: str | None) -> str | None:
    """The canonical form of the URL a moderator typed, None when none was given; BadInput (one sentence) when
    it is not a plain http(s) web address. Leading and trailing whitespace is forgiven (pasting adds it)."""
    text = (value or "").strip()
    if not text:
        return None
    if len(text) > messages.MAX_URL_CHARS:
        raise BadInput(messages.too_long("URL", messages.MAX_URL_CHARS))
    problem = _problem(text)
    canonical = None if problem else _canonical(text)
    if canonical is None:
        raise BadInput(messages.bad_url(problem or messages.URL_UNREADABLE))
    return canonical


def shown_url(stored: str | None) -> str | None:
    """The canonical form of a stored URL, or None when it is not one `clean_url` would accept
    (a row written before URLs were checked): renderers then show it as plain, escaped text."""
    if not stored or len(stored) > messages.MAX_URL_CHARS or _problem(stored):
        return None
    return _canonical(stored)


def _canonical(text: str) -> str | None:
    canonical = str(URL(text))
    return None if _NEVER & set(canonical) else canonical


def _problem(text: str) -> str | None:
    """What is wrong with `text` as a web address, completing "The URL …", or None."""
    if any(c.isspace() for c in text):
        return messages.URL_HAS_SPACES
    if "<" in text or ">" in text:
        return messages.URL_HAS_ANGLE_BRACKETS
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in text):
        return messages.URL_HAS_CONTROLS
    try:
        url = URL(text)
        host = url.raw_host
        url.port  # noqa: B018 - yarl checks the port when asked for it
    except (ValueError, UnicodeError):
        return messages.URL_UNREADABLE
    if url.scheme not in SCHEMES:
        return messages.URL_NOT_WEB
    if url.raw_user is not None or url.raw_password is not None:
        return messages.URL_HAS_CREDENTIALS
    if not host or not _is_host(host):
        return messages.URL_NO_HOST
    return None


def _is_host(host: str) -> bool:
    """An IP address, or a DNS name (already IDNA-encoded by yarl) of letters, digits and inner hyphens."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    labels = host.lower().removesuffix(".").split(".")
    return all(
        0 < len(label) <= 63 and set(label) <= _LABEL_CHARS and not label.startswith("-") and not label.endswith("-")
        for label in labels
    )
