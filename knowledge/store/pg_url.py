"""PostgreSQL connection URLs: read by the driver's own rules, shown without any secret.

A password can sit in a URL in more than one place: `user:password@host`,
`?password=…` (asyncpg and libpq both read it), and, when it holds an
unencoded `/`, `#`, `?` or `@`, spilled into what a generic URL parser calls
the host, port, path or fragment. Cutting `:password@` out of a `urlsplit`
result (as before) misses all but the first form, and `urlsplit(...).port`
raises with a piece of the password in its message.

So the URL is read here exactly as asyncpg reads it (its own DSN parser, the
function `asyncpg.connect` calls), and what is shown is rebuilt from the
parts the driver found — user, hosts and ports, database — never copied from
the URL: no password, no query, no fragment can reach `talksbot status`, a
log line, an error sentence or a cache file. A URL the driver cannot read,
or whose password spilled out of the user info (see `_spilled`), is refused
with a sentence that quotes none of it. Pure, apart from what asyncpg's parser reads
by itself (PG* environment variables, a passfile), as it would when connecting.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from asyncpg import connect_utils

from knowledge.errors import DatabaseUnusable

SCHEMES = ("postgresql", "postgres")
UNREADABLE = (
    "TALKSBOT_DB is not a PostgreSQL URL the driver can read; percent-encode special characters "
    "in the user name and password (/ as %2F, # as %23, ? as %3F, @ as %40)."
)

# asyncpg's DSN parser, as `asyncpg.connect` calls it. Private, so it is called with
# keyword arguments built from its own signature: a new optional setting in a later
# asyncpg gets None (not given), as it does from `connect` when unused.
_PARSE = connect_utils._parse_connect_dsn_and_args
_PARAMETERS = tuple(inspect.signature(_PARSE).parameters)


@dataclass(frozen=True)
class PgTarget:
    """What a connection URL points at, as the driver reads it. Holds no secret."""

    user: str | None
    hosts: tuple[str, ...]
    database: str | None

    def shown(self) -> str:
        """`postgresql://user@host:port/database`: safe for logs, errors, `status` and cache keys."""
        user = f"{quote(self.user, safe='')}@" if self.user else ""
        return f"postgresql://{user}{','.join(self.hosts)}/{quote(self.database or '', safe='')}"


def read(url: str) -> PgTarget:
    """The target of `url` by asyncpg's rules; DatabaseUnusable (quoting nothing of it) when unreadable."""
    if not url.startswith(tuple(f"{s}://" for s in SCHEMES)):
        raise DatabaseUnusable(UNREADABLE)
    if _spilled(url):
        raise DatabaseUnusable(UNREADABLE)
    try:
        arguments: dict[str, Any] = dict.fromkeys(_PARAMETERS)
        addresses, params = _PARSE(**{**arguments, "dsn": url})
    except Exception:
        # Its messages quote pieces of the URL ("invalid literal for int(): '<half a password>'"):
        # `from None` keeps them out of any traceback too.
        raise DatabaseUnusable(UNREADABLE) from None
    return PgTarget(user=params.user, hosts=tuple(_address(a) for a in addresses), database=params.database)


def shown(url: str) -> str:
    """`url` as safe to show; raises like `read` for a URL the driver cannot read."""
    return read(url).shown()


def _spilled(url: str) -> bool:
    """Whether a password character left unencoded moved part of the password out of the
    user info, where the driver would read it as a host, a port, a database or nothing:
    a `#` anywhere (a connection URL has no fragment; the rest is cut off), a second `@`
    in the authority (`:pa@ss@host`), or an `@` in the path (`:pa/ss@host/db` reads as host
    `user`, port `pa`, database `ss@host/db`)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return True
    return "#" in url or parts.netloc.count("@") > 1 or "@" in parts.path


def _address(address: Any) -> str:
    """`host:port` (`[::1]:5432` for IPv6), or a Unix socket's path."""
    if isinstance(address, tuple):
        host, port = address
        return f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"
    return str(address)
