"""Fetching an article from a web address for `talksbot ingest URL`. Reads the network.

One GET over http or https, with a total timeout and a size cap read as it streams in:
a page larger than the cap is refused after reading at most cap + one chunk, never
buffered whole. Redirects are followed (a few at most). Every failure is a BadInput
with one sentence, so the CLI exits 2 and nothing is written.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp.abc import AbstractResolver
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


class PrivateAddress(OSError):
    """The address resolves only to loopback, private, link-local or reserved networks."""


def _is_public(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.split("%", 1)[0]).is_global
    except ValueError:
        return False


class _PublicOnly(AbstractResolver):
    """Resolves names to public addresses only. Checked where the connection is made, so a
    name that resolves to a public address when looked at and a private one when
    connected to (DNS rebinding) still cannot reach the machine's own network."""

    def __init__(self) -> None:
        self._inner = aiohttp.ThreadedResolver()

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> list[Any]:
        found = await self._inner.resolve(host, port, family)
        public = [entry for entry in found if _is_public(str(entry["host"]))]
        if not public:
            raise PrivateAddress(f"{host} is not on the public internet")
        return public

    async def close(self) -> None:
        await self._inner.close()


def _literal_host_is_private(url: URL) -> bool:
    """Literal IP hosts never reach the resolver; they are checked here instead."""
    host = url.host or ""
    try:
        ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return not _is_public(host.strip("[]"))


def is_web_address(value: str) -> bool:
    """Whether a command-line argument is an http(s) address rather than a file name."""
    return value.lower().startswith(("http://", "https://"))


async def fetch_article(
    url: str,
    *,
    max_bytes: int,
    seconds: float = FETCH_TIMEOUT_SECONDS,
    user_agent: str = "talksbot",
    public_only: bool = False,
) -> Fetched:
    """The page at `url` (network: one GET, redirects followed), refused when it is not
    reachable in `seconds` seconds, not a success, or larger than `max_bytes`.

    `public_only` refuses addresses on loopback, private and link-local networks, at every
    redirect: for fetches asked for by people other than the operator (the web console),
    who must not be able to make the server read its own network."""
    try:
        parsed = URL(url)
    except ValueError as exc:
        raise BadInput(messages.fetch_failed(url, "not a web address")) from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise BadInput(messages.fetch_failed(url, "only http and https addresses can be fetched"))
    limits = aiohttp.ClientTimeout(total=seconds)
    connector = aiohttp.TCPConnector(resolver=_PublicOnly()) if public_only else None
    try:
        async with aiohttp.ClientSession(
            timeout=limits, headers={"User-Agent": user_agent}, connector=connector
        ) as session:
            return await _get(session, parsed, url, max_bytes, public_only)
    except TimeoutError as exc:
        raise BadInput(messages.fetch_failed(url, f"no answer within {seconds:g} seconds")) from exc
    except aiohttp.ClientConnectorError as exc:
        if isinstance(exc.os_error, PrivateAddress):
            raise BadInput(messages.fetch_failed(url, "that address is not on the public internet")) from exc
        raise BadInput(messages.fetch_failed(url, type(exc).__name__)) from exc
    except aiohttp.ClientError as exc:
        raise BadInput(messages.fetch_failed(url, type(exc).__name__)) from exc


async def _get(session: aiohttp.ClientSession, target: URL, url: str, max_bytes: int, public_only: bool) -> Fetched:
    # Redirects are followed here rather than by aiohttp so that each hop's address is checked.
    for _ in range(MAX_REDIRECTS + 1):
        if public_only and _literal_host_is_private(target):
            raise BadInput(messages.fetch_failed(url, "that address is not on the public internet"))
        async with session.get(target, allow_redirects=False) as response:
            location = response.headers.get("Location")
            if response.status in (301, 302, 303, 307, 308) and location:
                target = response.url.join(URL(location))
                if target.scheme not in ("http", "https"):
                    raise BadInput(messages.fetch_failed(url, "only http and https addresses can be fetched"))
                continue
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
    raise BadInput(messages.fetch_failed(url, "too many redirects"))


def page_name(url: str) -> str:
    """A file name for a fetched page, from which its source id is made: the address's last
    path segment ("…/news/lavrov-rubio.html" → "lavrov-rubio.html"), else its host."""
    parsed = URL(url)
    last = parsed.path.rstrip("/").rsplit("/", 1)[-1]
    return last or parsed.host or "article"
