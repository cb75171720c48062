"""The console's actions over HTTP with a signed-in moderator's cookie and CSRF token:
teach, dismiss and bulk actions on the queue, reject, history with filters, status, and
ingest by upload and by URL. Each goes through the service, which records who acted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from yarl import URL

from adapters.web.sessions import SESSION_COOKIE, Session
from bot.permissions import Actor, ModerationPolicy
from bot.replies import AnswerReply
from knowledge.articles import fetching
from knowledge.errors import BadInput
from knowledge.models import Moderator, Place
from tests.adapters.web_fakes import DISCORD_MOD, GUILD, SLACK_MOD, Site, serve, site
from tests.conftest import OPERATOR, history_of

__all__ = ["site"]

CLAIM = "albares-without-ukraine"
PLACE = Place(platform="discord", community_id=GUILD, community_name="Newsroom", channel_id="1")
SENTENCE = "Norwegian fishermen reported a record herring catch in the Barents Sea this winter, officials in Oslo said."
ARTICLE = f"Envoys prepare for talks\n\n{SENTENCE}\nShare post:\n"


@pytest.fixture
def policy() -> ModerationPolicy:
    return ModerationPolicy.of(communities=[("discord", GUILD)], users=[("slack", SLACK_MOD)])


class Console:
    def __init__(self, site: Site, http: aiohttp.ClientSession, csrf: str) -> None:
        self.site, self.http, self.csrf = site, http, csrf

    async def post(self, path: str, data: Any) -> tuple[int, str]:
        if isinstance(data, aiohttp.FormData):
            data.add_field("csrf", self.csrf)
        else:
            data = [*data, ("csrf", self.csrf)]
        async with self.http.post(self.site.url + path, data=data) as resp:
            return resp.status, await resp.text()

    async def get(self, path: str, **params: str) -> tuple[int, str]:
        async with self.http.get(self.site.url + path, params=params) as resp:
            return resp.status, await resp.text()


@pytest.fixture
async def console(site: Site) -> AsyncIterator[Console]:
    session = Session("discord", DISCORD_MOD, "Dana", "csrf-token", GUILD, "Newsroom", True)
    cookies = {SESSION_COOKIE: site.ctx.signer.session_cookie(session)}
    async with aiohttp.ClientSession(cookies=cookies) as http:
        yield Console(site, http, session.csrf)


async def _unanswered(site: Site, question: str) -> int:
    await site.service.ask(question, PLACE)
    listing = await site.service.queue_listing(OPERATOR, kind="unanswered")
    return next(i.id for i in listing.items if i.text == question)


async def test_teach_answers_the_question_with_the_claim_from_then_on(site: Site, console: Console) -> None:
    question = "Which hat did the man from Madrid wear?"
    item = await _unanswered(site, question)
    status, html = await console.get("/console", kind="unanswered")
    assert status == 200 and question in html and "Unanswered (1)" in html
    status, html = await console.post(f"/console/items/{item}/teach", [("claim", CLAIM)])
    assert status == 200 and f"Taught #{item} to {CLAIM}." in html
    answer = await site.service.ask(question, log_question=False)
    assert isinstance(answer, AnswerReply) and answer.claims[0].claim_id == CLAIM
    [entry] = await history_of(site.service, CLAIM)
    assert (entry.action, entry.by.user_id, entry.by.community_id) == ("teach", DISCORD_MOD, GUILD)


async def test_dismiss_one_and_bulk_dismiss_close_items_without_changing_facts(site: Site, console: Console) -> None:
    items = [await _unanswered(site, f"What colour is the {thing} of the moon?") for thing in ("cat", "dog", "hat")]
    version = site.service.content_version
    status, html = await console.post(f"/console/items/{items[0]}/dismiss", [("reason", "off-topic")])
    assert status == 200 and f"Dismissed #{items[0]}." in html
    form = [("action", "dismiss"), ("kind", "unanswered"), ("reason", "off-topic"), *(("item", str(i)) for i in items)]
    status, html = await console.post("/console/bulk", form)
    assert status == 200 and "Dismiss: 2 of 3 done." in html  # the first was closed already
    assert [(await site.service.queue_item(OPERATOR, i)).status for i in items] == ["dismissed"] * 3
    assert site.service.content_version == version


async def test_ingest_by_upload_then_reject_and_by_url(site: Site, console: Console) -> None:
    form = aiohttp.FormData()
    form.add_field("file", ARTICLE.encode(), filename="005_herring.txt", content_type="text/plain")
    form.add_field("outlet", "Test Wire")
    status, html = await console.post("/console/ingest", form)
    assert status == 200 and "Stored 005_herring: 1 candidates" in html
    [item] = await site.service.candidates(OPERATOR)
    assert item.candidate is not None and item.candidate.quote.quote == SENTENCE
    status, html = await console.post(f"/console/items/{item.id}/reject", [("reason", "not about the talks")])
    assert status == 200 and (await site.service.queue_item(OPERATOR, item.id)).status == "rejected"

    async def article(_: web.Request) -> web.Response:
        return web.Response(text=ARTICLE.replace("herring", "cod"), content_type="text/plain")

    app = web.Application()
    app.router.add_get("/news/006_cod.txt", article)
    runner, url = await serve(app)
    try:
        status, html = await console.post("/console/ingest", [("fetch", f"{url}/news/006_cod.txt")])
    finally:
        await runner.cleanup()
    assert status == 200 and "Stored 006_cod: 1 candidates" in html
    [fetched] = await site.service.candidates(OPERATOR)
    assert fetched.candidate is not None and "cod catch" in fetched.candidate.quote.quote
    source = (await site.service.source_page("006_cod")).source
    assert source.url == f"{url}/news/006_cod.txt" and source.outlet is None
    status, html = await console.get("/sources/006_cod")
    assert status == 200 and "cod catch" in html


async def test_history_filters_by_claim_moderator_community_and_date(site: Site, console: Console) -> None:
    await site.service.correct(OPERATOR, CLAIM, "Albares said Ukraine must decide.", "shorter")
    status, html = await console.post(f"/claims/{CLAIM}/retract", [("reason", "duplicate")])
    assert status == 200 and "Retracted." in html
    _, everything = await console.get("/console/history", since="2025-01-01")
    assert "shorter" in everything and "duplicate" in everything
    _, by_dana = await console.get("/console/history", since="2025-01-01", moderator="dana")
    assert "duplicate" in by_dana and "shorter" not in by_dana
    _, in_guild = await console.get("/console/history", since="2025-01-01", community=GUILD)
    assert "duplicate" in in_guild and "shorter" not in in_guild
    _, other_claim = await console.get("/console/history", since="2025-01-01", claim="call-length-90-minutes")
    assert "duplicate" not in other_claim and "No changes match." in other_claim
    _, later = await console.get("/console/history", since="2025-03-01")
    assert "No changes match." in later
    status, _ = await console.get("/console/history", since="not a date")
    assert status == 400


async def test_status_shows_the_content_version_and_never_a_secret(site: Site, console: Console) -> None:
    status, html = await console.get("/console/status")
    assert status == 200 and f"<th>content_version</th><td>{site.service.content_version}</td>" in html
    assert "test-web-secret" not in html and "client-secret" not in html


async def test_bulk_accept_of_a_suggestion_corrects_the_claim_crediting_its_author(
    site: Site, console: Console
) -> None:
    reader = Actor(Moderator(platform="slack", user_id="U0READER", name="Rita", community_id="T0OTHER1"))
    await site.service.suggest(reader, CLAIM, "Albares said no decision without Ukraine.", "shorter")
    [item] = (await site.service.queue_listing(OPERATOR, kind="suggestion")).items
    _, html = await console.get("/console", kind="suggestion")
    assert "Suggestions (1)" in html and "Albares said no decision without Ukraine." in html
    status, html = await console.post(
        "/console/bulk", [("action", "accept"), ("kind", "suggestion"), ("reason", ""), ("item", str(item.id))]
    )
    assert status == 200 and "Accept: 1 of 1 done." in html
    view = (await site.service.claim(CLAIM)).claim
    assert view.status == "corrected" and view.text == "Albares said no decision without Ukraine."
    [entry] = await history_of(site.service, CLAIM)
    assert entry.by.user_id == DISCORD_MOD and (entry.credit or "").startswith("Rita")


async def test_ingest_by_url_refuses_the_servers_own_network_unless_the_operator_allows_it(
    site: Site, console: Console
) -> None:
    """A moderator must not be able to make the server read its loopback or private network,
    not directly and not through a public page that redirects there."""

    async def article(_: web.Request) -> web.Response:
        return web.Response(text=ARTICLE, content_type="text/plain")

    app = web.Application()
    app.router.add_get("/news/007_secret.txt", article)
    runner, url = await serve(app)
    site.ctx.fetch_private = False
    try:
        status, html = await console.post("/console/ingest", [("fetch", f"{url}/news/007_secret.txt")])
        assert "not on the public internet" in html
        assert await site.service.candidates(OPERATOR) == []
        site.ctx.fetch_private = True
        status, html = await console.post("/console/ingest", [("fetch", f"{url}/news/007_secret.txt")])
        assert status == 200 and "Stored 007_secret: 1 candidates" in html
    finally:
        await runner.cleanup()


async def test_a_public_only_fetch_refuses_private_names_literals_and_redirect_hops() -> None:
    async def bounce(_: web.Request) -> web.Response:
        raise web.HTTPFound("http://10.0.0.1/internal")

    app = web.Application()
    app.router.add_get("/r", bounce)
    runner, url = await serve(app)
    port = url.rsplit(":", 1)[1]
    try:
        # A literal loopback address, and a name that resolves to one (the resolver's check).
        for target in (f"{url}/r", f"http://localhost:{port}/r"):
            with pytest.raises(BadInput, match="not on the public internet"):
                await fetching.fetch_article(target, max_bytes=1000, public_only=True)
        # Without the check the same page is fetched, and its redirect followed.
        with pytest.raises(BadInput) as refused:
            await fetching.fetch_article(f"{url}/r", max_bytes=1000, seconds=0.5)
        assert "public internet" not in str(refused.value)
        # Every hop is checked: a redirect to a private literal address is refused.
        assert fetching._literal_host_is_private(URL("http://10.0.0.1/internal"))
        assert fetching._literal_host_is_private(URL("http://[::1]/"))
        assert not fetching._literal_host_is_private(URL("http://93.184.215.14/"))
        assert not fetching._literal_host_is_private(URL("http://example.org/"))
    finally:
        await runner.cleanup()


TWO = (
    "Envoys prepare for talks\n\n"
    "Norwegian fishermen reported a record herring catch in the Barents Sea this winter, officials in Oslo said.\n\n"
    "Danish trawlers landed far fewer mackerel off the Faroe Islands this spring, officials in Copenhagen said.\n"
)


async def test_a_candidate_is_accepted_as_the_support_of_a_claim_the_moderator_picks(
    site: Site, console: Console
) -> None:
    form = aiohttp.FormData()
    form.add_field("file", TWO.encode(), filename="008_fish.txt", content_type="text/plain")
    status, html = await console.post("/console/ingest", form)
    assert status == 200 and "Stored 008_fish: 2 candidates" in html
    first, second = await site.service.candidates(OPERATOR)
    status, html = await console.get("/console", kind="candidate")
    assert 'name="as"' in html and 'action="/console/reject-source"' in html
    status, html = await console.post(f"/console/items/{first.id}/accept", [("as", "everything"), ("claim", CLAIM)])
    assert status == 400 and "Accept as one of: new, supports, conflicts." in html
    status, html = await console.post(f"/console/items/{first.id}/accept", [("as", "supports"), ("claim", CLAIM)])
    assert status == 200 and f"Accepted #{first.id} as {CLAIM}." in html
    claim = (await site.service.claim(CLAIM)).claim
    assert first.candidate is not None and first.candidate.quote.quote in [q.quote for q in claim.quotes]
    assert second.candidate is not None and second.candidate.quote.quote not in [q.quote for q in claim.quotes]


async def test_every_open_candidate_of_one_article_is_rejected_in_one_step(site: Site, console: Console) -> None:
    cod = ARTICLE.replace("herring", "cod").replace("Barents", "Norwegian")
    for name, text in (("009_fish", TWO), ("010_cod", cod)):
        form = aiohttp.FormData()
        form.add_field("file", text.encode(), filename=f"{name}.txt", content_type="text/plain")
        assert (await console.post("/console/ingest", form))[0] == 200
    status, html = await console.post("/console/reject-source", [("source", "009_fish"), ("reason", "off-topic")])
    assert status == 200 and "Rejected 2 open candidates from 009_fish." in html
    [left] = await site.service.candidates(OPERATOR)
    assert left.candidate is not None and left.candidate.source_id == "010_cod"
    status, html = await console.post("/console/reject-source", [("source", "010_cod")])
    assert status == 400 and [i.id for i in await site.service.candidates(OPERATOR)] == [left.id]
