"""PostgreSQL passwords never leave the connection URL: not in `status`, errors, tracebacks or cache files.

The URL is read by asyncpg's own parser; what is shown is rebuilt from the
parts it found. On a real PostgreSQL server, a user whose password holds `/`
and `#` (password authentication required for it) is given in every form a
URL can carry it; `talksbot status` runs in its own process each time, and its
output, its errors and the index snapshot it leaves in the cache are searched
for every piece of the password.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import traceback
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from knowledge.errors import DatabaseUnusable
from knowledge.store import pg_url
from tests.postgres_server import PostgresServer

PASSWORD = "Sesame/Open#Door42"
# Every piece a leak could show: each side of the `/` and `#`, and the encoded whole.
PIECES = ("Sesame", "Open", "Door42", quote(PASSWORD, safe=""))


def leaks(text: str) -> list[str]:
    return [p for p in PIECES if p in text]


# ---- reading and showing, without a server ------------------------------------------------

ENCODED = quote(PASSWORD, safe="")
READABLE = {
    "in the user info, encoded": f"postgresql://bot:{ENCODED}@db.internal:5433/talks",
    "as ?password=, encoded": f"postgresql://bot@db.internal:5433/talks?password={ENCODED}",
    "as ?password=, / unencoded": "postgresql://bot@db.internal:5433/talks?password=Sesame/Open%23Door42",
    "as ?password= after other options": f"postgresql://bot@db.internal:5433/talks?sslmode=disable&password={ENCODED}",
    "postgres:// scheme": f"postgres://bot:{ENCODED}@db.internal:5433/talks",
}
UNREADABLE = {
    "/ and # unencoded in the user info": "postgresql://bot:Sesame/Open#Door42@db.internal:5433/talks",
    "/ unencoded in the user info": "postgresql://bot:Sesame/OpenDoor42@db.internal:5433/talks",
    "# unencoded in the user info": "postgresql://bot:Sesame#OpenDoor42@db.internal:5433/talks",
    "/ unencoded after digits": "postgresql://bot:4242/OpenDoor42@db.internal:5433/talks",
    "? unencoded in the user info": "postgresql://bot:Sesame?OpenDoor42@db.internal:5433/talks",
    "@ unencoded in the user info": "postgresql://bot:Sesame@OpenDoor42@db.internal:5433/talks",
    "# unencoded in ?password=": "postgresql://bot@db.internal:5433/talks?password=Sesame/Open#Door42",
    "not a PostgreSQL URL": "mysql://bot:Sesame@db/talks",
}


@pytest.mark.parametrize("url", READABLE.values(), ids=READABLE.keys())
def test_a_readable_url_is_shown_without_its_password(url: str) -> None:
    assert pg_url.shown(url) == "postgresql://bot@db.internal:5433/talks"


@pytest.mark.parametrize("url", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_an_unreadable_url_is_refused_quoting_none_of_it(url: str) -> None:
    with pytest.raises(DatabaseUnusable) as refused:
        pg_url.read(url)
    assert str(refused.value) == pg_url.UNREADABLE
    shown = "".join(traceback.format_exception(refused.value))  # what a logged traceback would print
    assert leaks(shown) == [] and "db.internal" not in shown


def test_the_shown_location_keeps_hosts_ports_user_and_database() -> None:
    assert pg_url.shown("postgresql://a%40corp:pw@h1:1,h2:2/my%20db") == "postgresql://a%40corp@h1:1,h2:2/my%20db"
    assert pg_url.shown("postgresql://bot:pw@[::1]:5432/talks") == "postgresql://bot@[::1]:5432/talks"
    assert pg_url.shown("postgresql://bot@db/talks") == "postgresql://bot@db:5432/talks"


# ---- a real server, a password with / and #, `talksbot status` in its own process ------------


@dataclass
class SecretUser:
    server: PostgresServer
    role: str
    database: str

    def url(self, userinfo: str, query: str = "") -> str:
        return f"postgresql://{userinfo}@127.0.0.1:{self.server.port}/{self.database}{query}"


@pytest.fixture(scope="module")
def secret_user(postgres_server: PostgresServer) -> Iterator[SecretUser]:
    role = f"tb_pw_{uuid.uuid4().hex[:10]}"
    database = f"t_{uuid.uuid4().hex[:16]}"
    postgres_server.sql(f"CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}'")
    postgres_server.sql(f'CREATE DATABASE "{database}" OWNER {role}')
    postgres_server.require_password(role)
    yield SecretUser(postgres_server, role, database)
    postgres_server.sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    postgres_server.sql(f"DROP ROLE IF EXISTS {role}")


def talksbot(url: str, cache: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TALKSBOT_", "PG"))}
    env.update(TALKSBOT_DB=url, XDG_CACHE_HOME=str(cache))
    return subprocess.run(
        [sys.executable, "-m", "adapters.main", *argv], env=env, capture_output=True, text=True, timeout=120
    )


def test_the_password_is_checked_by_the_server(secret_user: SecretUser, tmp_path: Path) -> None:
    """The server really asks for this user's password, so a URL that connects carried it intact."""
    wrong = talksbot(secret_user.url(f"{secret_user.role}:{quote('Xyzzy/Plugh#42', safe='')}"), tmp_path, "status")
    assert wrong.returncode == 2 and "cannot be reached" in wrong.stderr and "password authentication" in wrong.stderr
    assert "Xyzzy" not in wrong.stderr + wrong.stdout and "Plugh" not in wrong.stderr + wrong.stdout


@pytest.mark.parametrize(
    ("userinfo", "query"),
    [
        ("{role}:" + ENCODED, ""),
        ("{role}", "?password=" + ENCODED),
        ("{role}", "?password=Sesame/Open%23Door42"),
    ],
    ids=["user info, encoded", "?password=, encoded", "?password=, / unencoded"],
)
def test_status_connects_and_shows_no_password_anywhere(
    secret_user: SecretUser, tmp_path: Path, userinfo: str, query: str
) -> None:
    url = secret_user.url(userinfo.format(role=secret_user.role), query)
    shown = f"postgresql://{secret_user.role}@127.0.0.1:{secret_user.server.port}/{secret_user.database}"
    for argv in (("status",), ("status", "--json")):
        done = talksbot(url, tmp_path, *argv)
        assert done.returncode == 0, done.stderr
        assert leaks(done.stdout + done.stderr) == []
    assert json.loads(done.stdout)["database"] == shown

    # The index snapshot in the user's cache: owner-only, and no URL (a database id) in its header.
    cache = tmp_path / "talksbot"
    [snapshot] = list(cache.iterdir())
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert stat.S_IMODE(snapshot.stat().st_mode) == 0o600
    raw = snapshot.read_bytes()
    assert leaks(raw.decode("latin-1")) == []
    assert b"postgresql://" not in raw and b"127.0.0.1" not in raw and secret_user.role.encode() not in raw


@pytest.mark.parametrize(
    ("userinfo", "query"),
    [
        ("{role}:Sesame/Open#Door42", ""),
        ("{role}:Sesame/OpenDoor42", ""),
        ("{role}", "?password=Sesame/Open#Door42"),
    ],
    ids=["user info, / and # unencoded", "user info, / unencoded", "?password=, # unencoded"],
)
def test_an_unreadable_url_is_refused_in_one_line_with_no_password(
    secret_user: SecretUser, tmp_path: Path, userinfo: str, query: str
) -> None:
    done = talksbot(secret_user.url(userinfo.format(role=secret_user.role), query), tmp_path, "status")
    assert done.returncode == 2
    assert done.stderr == f"talksbot: {pg_url.UNREADABLE}\n" and done.stdout == ""
    assert not (tmp_path / "talksbot").exists()


def test_an_older_cache_directory_is_made_owner_only(secret_user: SecretUser, tmp_path: Path) -> None:
    cache = tmp_path / "talksbot"
    cache.mkdir(mode=0o755)
    cache.chmod(0o755)
    done = talksbot(secret_user.url(f"{secret_user.role}:{ENCODED}"), tmp_path, "status")
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in cache.iterdir())
