"""Fetching an article from a web address for `talksbot ingest URL`. Reads the network.

One GET over http or https, with a total timeout and a size cap read as it streams in:
a page larger than the cap is refused after reading at most cap + one chunk, never
buffered whole. Redirects are followed (a few at most). Every failure is a BadInput
with one sentence, so the CLI exits 2 and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp
from yarl import URL

from knowledge import messages
from knowledge.errors import BadInput

FETCH_TIMEOUT_SECONDS = 20.0
MAX_REDIRECTS = 5
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Fetched:
    """A fetched page: its bytes, the media type it was served as, and where it ended up."""

    raw: bytes
    content_type: str | None
    url: str


def is_web_address(value: str) -> bool:
    """Whether a command-line argument is an http(s) address rather than a file name."""
    return value.lower().startswith(("http://", "https://"))


async def fetch_article(
    url: str, *, max_bytes: int, seconds: float = FETCH_TIMEOUT_SECONDS, user_agent: str = "talksbot"
) -> Fetched:
    """The page at `url` (network: one GET, redirects followed), refused when it is not
    reachable in `seconds` seconds, not a success, or larger than `max_bytes`."""
    try:
        parsed = URL(url)
    except ValueError as exc:
        raise BadInput(messages.fetch_failed(url, "not a web address")) from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise BadInput(messages.fetch_failed(url, "only http and https addresses can be fetched"))
    limits = aiohttp.ClientTimeout(total=seconds)
    try:
        async with (
            aiohttp.ClientSession(timeout=limits, headers={"User-Agent": user_agent}) as session,
            session.get(parsed, max_redirects=MAX_REDIRECTS) as response,
        ):
            if response.status != 200:
                raise BadInput(messages.fetch_failed(url, f"the server answered {response.status}"))
            if response.content_length is not None and response.content_length > max_bytes:
                raise BadInput(messages.fetch_too_large(url, max_bytes))
            body = bytearray()
            async for chunk in response.content.iter_chunked(_CHUNK):
                body += chunk
                if len(body) > max_bytes:
                    raise BadInput(messages.fetch_too_large(url, max_bytes))
            return Fetched(bytes(body), response.headers.get("Content-Type"), str(response.url))
    except TimeoutError as exc:
        raise BadInput(messages.fetch_failed(url, f"no answer within {seconds:g} seconds")) from exc
    except aiohttp.TooManyRedirects as exc:
        raise BadInput(messages.fetch_failed(url, "too many redirects")) from exc
    except aiohttp.ClientError as exc:
        raise BadInput(messages.fetch_failed(url, type(exc).__name__)) from exc


def page_name(url: str) -> str:
    """A file name for a fetched page, from which its source id is made: the address's last
    path segment ("…/news/lavrov-rubio.html" → "lavrov-rubio.html"), else its host."""
    parsed = URL(url)
    last = parsed.path.rstrip("/").rsplit("/", 1)[-1]
    return last or parsed.host or "article"
