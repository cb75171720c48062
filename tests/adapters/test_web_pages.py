"""The web surface over HTTP (aiohttp's client, no browser): public pages escape what
readers and articles supply, carry JSON-LD a JSON-LD library reads and Open Graph tags;
sign-in links work once; forged forms and foreign cookies are refused."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import aiohttp
import pytest
from pyld import jsonld

from adapters.web.auth import login_url
from adapters.web.sessions import SESSION_COOKIE, Session, Signer
from bot import messages, translations
from bot.permissions import ModerationPolicy
from bot.replies import AnswerReply
from tests.adapters.web_fakes import DISCORD_MOD, GUILD, SECRET, SLACK_MOD, Site, site
from tests.conftest import OPERATOR, history_of

__all__ = ["site"]

CLAIM = "albares-without-ukraine"
HOSTILE = '<script>alert(1)</script></script><img src=x onerror=alert(2)> "quoted" & more'


@pytest.fixture
def policy() -> ModerationPolicy:
    return ModerationPolicy.of(communities=[("discord", GUILD)], users=[("slack", SLACK_MOD)])


class _Page(HTMLParser):
    """Tags, meta properties and JSON-LD of a page, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.meta: dict[str, str] = {}
        self.jsonld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if tag == "meta" and (a.get("property") or a.get("name")):
            self.meta[str(a.get("property") or a.get("name"))] = str(a.get("content"))
        self._in_ld = tag == "script" and a.get("type") == "application/ld+json"

    def handle_endtag(self, tag: str) -> None:
        self._in_ld = False

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.jsonld.append(data)


def parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def _schema_org(url: str, options: Any = None) -> dict[str, Any]:
    """schema.org's context, served locally (no test reaches the internet): its vocabulary,
    with `url` as an IRI as the published context has it."""
    assert url.rstrip("/") in ("https://schema.org", "http://schema.org"), url
    context = {"@context": {"@vocab": "https://schema.org/", "url": {"@id": "https://schema.org/url", "@type": "@id"}}}
    return {"contextUrl": None, "documentUrl": url, "document": context}


def expanded(page: _Page) -> list[dict[str, Any]]:
    [block] = page.jsonld
    return jsonld.expand(json.loads(block), {"documentLoader": _schema_org})  # type: ignore[no-any-return]


def _of_type(nodes: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    [node] = [n for n in nodes if f"https://schema.org/{kind}" in n.get("@type", [])]
    return node


async def _get(site: Site, path: str, **kw: Any) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(site.url + path, allow_redirects=False, **kw) as resp:
        return resp.status, await resp.text()


async def test_a_claim_page_names_the_claim_its_articles_and_quotes_in_json_ld_and_open_graph(site: Site) -> None:
    status, html = await _get(site, f"/claims/{CLAIM}")
    assert status == 200
    page = parse(html)
    nodes = expanded(page)
    claim = _of_type(nodes, "Claim")
    view = (await site.service.claim(CLAIM)).claim
    assert claim["https://schema.org/text"][0]["@value"] == view.original_text
    appearances = claim["https://schema.org/appearance"]
    assert len(appearances) == len(view.quotes) >= 1
    assert appearances[0]["https://schema.org/text"][0]["@value"] == view.quotes[0].quote
    assert not [n for n in nodes if "https://schema.org/ClaimReview" in n.get("@type", [])]
    assert page.meta["og:title"] == view.text
    assert view.quotes[0].quote[:40] in page.meta["og:description"]
    assert page.meta["og:url"].endswith(f"/claims/{CLAIM}") and page.meta["twitter:card"] == "summary"


async def test_each_quote_names_its_articles_outlet_headline_date_and_link_or_says_unknown(site: Site) -> None:
    view = (await site.service.claim(CLAIM)).claim
    source = site.service.live.sources[view.quotes[0].source_id]
    _, html = await _get(site, f"/claims/{CLAIM}")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", html))
    # The seed states its headline but not its outlet, date or address: those read "unknown".
    assert source.title and not source.outlet and not source.date and not source.url
    assert f"Headline: {source.title}" in text.replace("&#39;", "'").replace("&amp;", "&")
    assert "Outlet: unknown" in text and "Date: unknown" in text and "link: unknown" in text


async def test_a_corrected_claim_carries_a_claim_review_with_the_correction(site: Site) -> None:
    await site.service.correct(OPERATOR, CLAIM, "Spain's foreign minister said Ukraine must take part.", "clearer")
    _, html = await _get(site, f"/claims/{CLAIM}")
    review = _of_type(expanded(parse(html)), "ClaimReview")
    body = review["https://schema.org/reviewBody"][0]["@value"]
    assert "Spain's foreign minister said Ukraine must take part." in body and "clearer" in body
    rating = review["https://schema.org/reviewRating"][0]
    assert rating["https://schema.org/alternateName"][0]["@value"] == "Corrected by moderators"
    assert "Corrected" in html and "clearer" in html


async def test_nothing_a_moderator_or_reader_typed_renders_as_markup(site: Site) -> None:
    await site.service.correct(OPERATOR, CLAIM, HOSTILE, HOSTILE)
    _, html = await _get(site, f"/claims/{CLAIM}")
    page = parse(html)
    # The only elements are the template's: no script but the JSON-LD, no img at all.
    assert [t for t, _ in page.tags if t == "script"] == ["script"]
    assert not [t for t, _ in page.tags if t == "img"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # The JSON-LD still holds the text exactly, and nothing in it closed its script element.
    review = _of_type(expanded(page), "ClaimReview")
    assert HOSTILE in review["https://schema.org/reviewBody"][0]["@value"]
    assert page.meta["og:title"] == HOSTILE
    _, found = await _get(site, "/", params={"q": HOSTILE})
    assert not [t for t, _ in parse(found).tags if t in ("script", "img")]


async def test_search_answers_with_the_bots_matcher_or_says_not_in_my_sources(site: Site) -> None:
    question = "Did Albares say no decision on Ukraine without Ukraine?"
    answer = await site.service.ask(question, log_question=False)
    _, html = await _get(site, "/", params={"q": question})
    assert f'href="/claims/{answer.claims[0].claim_id}"' in html  # type: ignore[union-attr]
    _, html = await _get(site, "/", params={"q": "What did the Martian ambassador eat for breakfast?"})
    assert "That is not in my sources." in html


async def test_search_frames_the_answer_in_the_language_asked_and_quotes_stay_english(site: Site) -> None:
    answer = await site.service.ask("Що сказав Пєсков?", log_question=False)
    assert isinstance(answer, AnswerReply) and answer.language == "uk"
    _, html = await _get(site, "/", params={"q": "Що сказав Пєсков?"})
    assert f'href="/claims/{answer.claims[0].claim_id}"' in html
    assert translations.say("uk", messages.QUOTES_IN_ENGLISH) in html
    _, html = await _get(site, "/", params={"q": "Що їв марсіанський посол на сніданок?"})
    assert translations.say("uk", messages.NO_ANSWER) in html and messages.NO_ANSWER not in html
    _, html = await _get(site, "/", params={"q": "Vad åt den marsianska ambassadören till frukost?"})
    assert messages.UNREAD_LANGUAGE in html


async def test_an_article_page_marks_every_quoted_span_with_a_link_to_its_claim(site: Site) -> None:
    view = (await site.service.claim(CLAIM)).claim
    source = view.quotes[0].source_id
    status, html = await _get(site, f"/sources/{source}")
    assert status == 200
    links = re.findall(r'<a id="q(\d+)" href="/claims/([^"]+)"><mark>', html)
    assert (str(view.quotes[0].start), CLAIM) in links
    assert len(links) > 10
    assert (await _get(site, "/sources/nope"))[0] == 404


async def test_an_unknown_claim_is_404_with_did_you_mean(site: Site) -> None:
    status, html = await _get(site, "/claims/albares-without-ukrain")
    assert status == 404 and CLAIM in html


async def test_a_login_link_signs_in_once(site: Site) -> None:
    link = login_url(site.url, Signer(SECRET), "operator-ana")
    async with aiohttp.ClientSession() as http:
        async with http.get(link, allow_redirects=False) as first:
            assert first.status == 303 and first.headers["Location"] == "/console"
            cookie = first.cookies[SESSION_COOKIE]
            assert cookie["httponly"] and cookie["samesite"] == "Lax" and int(cookie["max-age"]) > 0
        async with http.get(link, allow_redirects=False) as again:
            assert again.status == 403
    foreign = login_url(site.url, Signer("another secret"), "operator-ana")
    assert (await _get(site, foreign.removeprefix(site.url)))[0] == 403


async def _signed_in(site: Site, signer: Signer | None = None, user: str = DISCORD_MOD) -> tuple[dict[str, str], str]:
    session = Session("discord", user, "Dana", "the-csrf-token", GUILD, "Newsroom", True)
    return {SESSION_COOKIE: (signer or site.ctx.signer).session_cookie(session)}, session.csrf


async def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(site: Site) -> None:
    cookies, csrf = await _signed_in(site)
    form = {"text": "Forged.", "reason": "forged"}
    async with aiohttp.ClientSession(cookies=cookies) as http:
        async with http.post(f"{site.url}/claims/{CLAIM}/correct", data=form, allow_redirects=False) as resp:
            assert resp.status == 403
        async with http.post(
            f"{site.url}/claims/{CLAIM}/correct", data={**form, "csrf": "guessed"}, allow_redirects=False
        ) as resp:
            assert resp.status == 403
        assert await history_of(site.service, CLAIM) == []
        async with http.post(
            f"{site.url}/claims/{CLAIM}/correct", data={**form, "csrf": csrf}, allow_redirects=False
        ) as resp:
            assert resp.status == 303
    [entry] = await history_of(site.service, CLAIM)
    assert (entry.by.platform, entry.by.user_id, entry.by.community_id) == ("discord", DISCORD_MOD, GUILD)


async def test_a_session_cookie_signed_with_another_secret_is_refused(site: Site) -> None:
    cookies, csrf = await _signed_in(site, Signer("not the site's secret"))
    async with aiohttp.ClientSession(cookies=cookies) as http:
        async with http.get(f"{site.url}/console", allow_redirects=False) as resp:
            assert resp.status == 303 and resp.headers["Location"] == "/login"
        data = {"text": "Forged.", "reason": "forged", "csrf": csrf}
        async with http.post(f"{site.url}/claims/{CLAIM}/correct", data=data, allow_redirects=False) as resp:
            assert resp.status == 403
    assert await history_of(site.service, CLAIM) == []


async def test_a_session_whose_user_left_the_scope_is_refused_on_the_next_request(site: Site) -> None:
    cookies, _ = await _signed_in(site)
    async with aiohttp.ClientSession(cookies=cookies) as http:
        async with http.get(f"{site.url}/console", allow_redirects=False) as resp:
            assert resp.status == 200
        site.service.policy = ModerationPolicy.of(users=[("slack", SLACK_MOD)])  # the operator narrowed the scope
        async with http.get(f"{site.url}/console", allow_redirects=False) as resp:
            assert resp.status == 303


async def test_a_sign_in_callback_not_started_in_this_browser_is_refused(site: Site) -> None:
    """Login CSRF: a callback needs the state this site signed and the nonce cookie it set.
    The code itself is genuine (an attacker's own), so only those checks refuse it."""
    site.fakes.codes["a-code"] = DISCORD_MOD
    # unsafe: aiohttp's jar keeps cookies of an IP address (the loopback server) only when told to.
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.get(f"{site.url}/login/discord", allow_redirects=False) as start:
            assert start.status == 302
            state = dict(parse_qsl(urlsplit(start.headers["Location"]).query))["state"]
        forged = {"code": "a-code", "state": Signer("another secret").oauth_state("nonce")}
        async with http.get(f"{site.url}/auth/discord", params=forged, allow_redirects=False) as resp:
            assert resp.status == 400
    async with aiohttp.ClientSession() as other_browser:  # the right state, but not this browser's cookie
        params = {"code": "a-code", "state": state}
        async with other_browser.get(f"{site.url}/auth/discord", params=params, allow_redirects=False) as resp:
            assert resp.status == 400
    assert "a-code" in site.fakes.codes  # never exchanged
