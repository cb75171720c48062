"""`talksbot run web` as an operator starts it: the installed console script on a SQLite
file, no token. A correction made by another process (the CLI, as chat would) shows on the
claim page at once, even though readers' pages are served from memory; a link printed by
`talksbot web login-link` signs in once."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from markupsafe import escape

from tests.conftest import talksbot_cli

CLAIM = "albares-without-ukraine"
EXE = Path(sys.executable).with_name("talksbot")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def server(db_path: Path) -> AsyncIterator[str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TALKSBOT_")}
    proc = await asyncio.create_subprocess_exec(
        str(EXE), "run", "web", "--port", str(port), env={**env, "TALKSBOT_DB": str(db_path)}
    )
    url = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(300):
                try:
                    async with http.get(url + "/") as resp:
                        if resp.status == 200:
                            break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.1)
            else:
                pytest.fail("talksbot run web did not start")
        yield url
    finally:
        proc.terminate()
        assert await proc.wait() == 0  # SIGTERM is a clean stop


async def _page(url: str) -> str:
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        assert resp.status == 200
        return await resp.text()


async def test_a_correction_from_another_process_shows_on_the_page_at_once(server: str, db_path: Path) -> None:
    before = await _page(f"{server}/claims/{CLAIM}")
    assert await _page(f"{server}/claims/{CLAIM}") == before  # served again from memory
    new = "Spain's foreign minister said Ukraine must take part."
    code, _, err = await talksbot_cli(db_path, "correct", CLAIM, "--text", new, "--reason", "from chat", "--by", "ana")
    assert code == 0, err
    after = await _page(f"{server}/claims/{CLAIM}")
    assert str(escape(new)) in after and "from chat" in after
    code, _, err = await talksbot_cli(db_path, "restore", CLAIM, "--by", "ana")
    assert code == 0, err
    assert str(escape(new)) not in (await _page(f"{server}/claims/{CLAIM}")).split("<h2>History</h2>")[0]


async def test_a_printed_login_link_signs_in_once(server: str, db_path: Path) -> None:
    code, out, err = await talksbot_cli(db_path, "web", "login-link", "ana")
    assert code == 0, err
    link = server + out.strip()[out.index("/login/link/") :]
    async with aiohttp.ClientSession() as http:
        async with http.get(link, allow_redirects=False) as first:
            assert first.status == 303
        async with http.get(link, allow_redirects=False) as again:
            assert again.status == 403
    code, _, err = await talksbot_cli(db_path, "web", "login-link", "discord:not-an-id")
    assert code == 2 and "discord:<17–20 digit user id>" in err
