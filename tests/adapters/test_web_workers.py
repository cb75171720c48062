"""Two web workers on one database (a SQLite file, and PostgreSQL): a correction made
through one, as a moderator on the console, shows on the other's claim page at once, and
a worker's pages served from memory never outlive the content version they were made at."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import aiohttp
import pytest
from markupsafe import escape

from adapters.web.app import Web, build_app
from adapters.web.sessions import Signer
from bot.service import TalksService
from knowledge.store import Store
from tests.adapters.web_fakes import SECRET, serve
from tests.conftest import OPERATOR

CLAIM = "albares-without-ukraine"


@pytest.fixture
async def workers(location: str) -> AsyncIterator[list[tuple[TalksService, str]]]:
    async with AsyncExitStack() as stack:
        out = []
        for _ in range(2):
            store = await stack.enter_async_context(Store.open(location))
            service = TalksService(store)
            await service.start()
            stack.push_async_callback(service.stop)
            runner, url = await serve(build_app(Web(service=service, signer=Signer(SECRET))))
            stack.push_async_callback(runner.cleanup)
            out.append((service, url))
        yield out


async def _page(url: str) -> str:
    async with aiohttp.ClientSession() as http, http.get(f"{url}/claims/{CLAIM}") as resp:
        assert resp.status == 200
        return await resp.text()


async def test_a_change_through_one_worker_shows_on_the_others_page_at_once(
    workers: list[tuple[TalksService, str]],
) -> None:
    (first, _), (_, second_url) = workers
    before = await _page(second_url)
    new = "Spain's foreign minister said Ukraine must decide its own future."
    await first.correct(OPERATOR, CLAIM, new, "clearer")
    after = await _page(second_url)
    assert str(escape(new)) in after and str(escape(new)) not in before
    await first.retract(OPERATOR, CLAIM, "withdrawn")
    assert 'id="status">retracted<' in await _page(second_url)
