"""The web console in a real headless Chromium (Debian's `chromium`, driven by Playwright
through `executable_path`; no browser is downloaded): sign in through loopback fakes of
Discord's and Slack's OAuth endpoints, accept an ingest candidate (as proposed, or as the
support of a claim the moderator picks), reject an article's candidates at once, correct a claim on its
page and see the chat answer change, and the reverse; refusals for people outside the
scope, forged forms and foreign cookies. The run saves the README's screenshots."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from adapters.web.sessions import SESSION_COOKIE, Session, Signer
from bot.permissions import ModerationPolicy
from bot.replies import AnswerReply
from tests.adapters.web_fakes import DISCORD_MOD, DISCORD_STRANGER, GUILD, SLACK_MOD, SLACK_STRANGER, Site, site
from tests.conftest import OPERATOR, history_of

__all__ = ["site"]

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
CLAIM = "albares-without-ukraine"
SENTENCE = "Norwegian fishermen reported a record herring catch in the Barents Sea this winter, officials in Oslo said."
ARTICLE = f"Envoys prepare for talks\n\n{SENTENCE}\nShare post:\n"
HERRING = "What record catch did Norwegian fishermen report in the Barents Sea?"


def chromium() -> str:
    """Debian's chromium: the real binary when the wrapper script's target is there."""
    for candidate in ("/usr/lib/chromium/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)")


@pytest.fixture
def policy() -> ModerationPolicy:
    """The operator named the Discord guild (its moderators count) and one Slack user."""
    return ModerationPolicy.of(communities=[("discord", GUILD)], users=[("slack", SLACK_MOD)])


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        b = await pw.chromium.launch(executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"])
        try:
            yield b
        finally:
            await b.close()


async def _page(browser: Browser) -> Page:
    context = await browser.new_context(viewport={"width": 1000, "height": 900})
    return await context.new_page()


async def sign_in(page: Page, site: Site, platform: str, user: str) -> None:
    site.fakes.signs_in = user
    await page.goto(f"{site.url}/login")
    await page.click(f"#login-{platform}")


async def test_a_discord_moderator_signs_in_ingests_and_accepts_a_candidate_that_then_answers_chat(
    site: Site, browser: Browser
) -> None:
    before = await site.service.ask(HERRING, log_question=False)
    assert not isinstance(before, AnswerReply) or SENTENCE not in [q.quote for c in before.claims for q in c.quotes]
    page = await _page(browser)
    await sign_in(page, site, "discord", DISCORD_MOD)
    await expect(page.locator("h1")).to_have_text("Review queue")
    assert "authorize identify guilds guilds.members.read" in site.fakes.requests
    assert f"member {GUILD} {DISCORD_MOD}" in site.fakes.requests
    cookie = next(c for c in await page.context.cookies() if c["name"] == SESSION_COOKIE)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["expires"] > 0

    await page.click("text=Ingest")
    await page.fill("#paste", ARTICLE)
    await page.fill("#name", "005_herring")
    await page.fill("#outlet", "Test Wire")
    await page.click("#ingest-form button")
    await expect(page.locator("[role=status]")).to_contain_text("Stored 005_herring")
    [item] = await site.service.candidates(OPERATOR)
    await expect(page.locator(f"#item-{item.id} mark")).to_have_text(SENTENCE)
    await page.screenshot(path=str(SCREENSHOTS / "queue.png"), full_page=True)

    await page.fill(f"#item-{item.id} input[name=text]", "Norway reported a record herring catch in the Barents Sea.")
    await page.click(f"#accept-{item.id}")
    await expect(page.locator("[role=status]")).to_contain_text(f"Accepted #{item.id}")
    after = await site.service.ask(HERRING, log_question=False)
    assert isinstance(after, AnswerReply)
    assert after.claims[0].text == "Norway reported a record herring catch in the Barents Sea."
    assert [q.quote for q in after.claims[0].quotes] == [SENTENCE]
    done = await site.service.queue_item(OPERATOR, item.id)
    assert (done.status, done.closed_by) == ("accepted", "Dana")


async def test_a_candidate_accepted_as_support_of_a_picked_claim_then_the_rest_rejected_by_article(
    site: Site, browser: Browser
) -> None:
    other = "Danish trawlers landed far fewer mackerel off the Faroe Islands this spring, officials in Copenhagen said."
    page = await _page(browser)
    await sign_in(page, site, "discord", DISCORD_MOD)
    await page.click("text=Ingest")
    await page.fill("#paste", f"Envoys prepare for talks\n\n{SENTENCE}\n\n{other}\n")
    await page.fill("#name", "011_fish")
    await page.click("#ingest-form button")
    await expect(page.locator("[role=status]")).to_contain_text("Stored 011_fish: 2 candidates")
    first, second = await site.service.candidates(OPERATOR)
    await page.select_option(f"#item-{first.id} select[name=as]", "supports")
    await page.fill(f"#item-{first.id} input[name=claim]", CLAIM)
    await page.click(f"#accept-{first.id}")
    await expect(page.locator("[role=status]")).to_contain_text(f"Accepted #{first.id} as {CLAIM}.")
    assert SENTENCE in [q.quote for q in (await site.service.claim(CLAIM)).claim.quotes]

    await page.select_option("#reject-source select[name=source]", "011_fish")
    await page.fill("#reject-source input[name=reason]", "not about the talks")
    await page.click("#reject-source button")
    await expect(page.locator("[role=status]")).to_contain_text("Rejected 1 open candidate from 011_fish.")
    assert (await site.service.queue_item(OPERATOR, second.id)).status == "rejected"


async def test_a_slack_moderator_corrects_a_claim_and_chat_answers_with_it_and_the_reverse(
    site: Site, browser: Browser
) -> None:
    question = "Did Albares say no decision on Ukraine without Ukraine?"
    page = await _page(browser)
    await sign_in(page, site, "slack", SLACK_MOD)
    await expect(page.locator("h1")).to_have_text("Review queue")
    await page.goto(f"{site.url}/claims/{CLAIM}")
    await page.fill("#c-text", "Spain's foreign minister said nothing on Ukraine may be decided without it.")
    await page.fill("#c-reason", "names the office")
    await page.click("#correct-form button")
    await expect(page.locator("#status")).to_have_text("corrected")
    answer = await site.service.ask(question, log_question=False)
    assert isinstance(answer, AnswerReply) and answer.claims[0].claim_id == CLAIM
    assert answer.claims[0].text == "Spain's foreign minister said nothing on Ukraine may be decided without it."
    [entry] = await history_of(site.service, CLAIM)
    assert (entry.by.platform, entry.by.user_id, entry.reason) == ("slack", SLACK_MOD, "names the office")
    await page.screenshot(path=str(SCREENSHOTS / "claim.png"), full_page=True)

    # The reverse: a change made from chat (the service, as the bots call it) shows on the page at once.
    await site.service.retract(OPERATOR, CLAIM, "withdrawn in chat")
    await page.reload()
    await expect(page.locator("#status")).to_have_text("retracted")
    await expect(page.locator("h1.retracted")).to_be_visible()
    await expect(page.locator("text=withdrawn in chat").first).to_be_visible()
    await page.click("text=Restore the articles’ wording")
    await expect(page.locator("#status")).to_have_text("active")
    restored = await site.service.ask(question, log_question=False)
    assert isinstance(restored, AnswerReply) and restored.claims[0].text == restored.claims[0].original_text


@pytest.mark.parametrize(("platform", "user"), [("discord", DISCORD_STRANGER), ("slack", SLACK_STRANGER)])
async def test_someone_outside_the_scope_is_refused(site: Site, browser: Browser, platform: str, user: str) -> None:
    page = await _page(browser)
    await sign_in(page, site, platform, user)
    await expect(page.locator("h1")).to_have_text("Sign-in refused")
    assert SESSION_COOKIE not in [c["name"] for c in await page.context.cookies()]
    await page.goto(f"{site.url}/console")
    await expect(page.locator("h1")).to_have_text("Moderators’ sign-in")


async def test_a_form_stripped_of_its_csrf_token_is_refused(site: Site, browser: Browser) -> None:
    page = await _page(browser)
    await sign_in(page, site, "discord", DISCORD_MOD)
    await page.goto(f"{site.url}/claims/{CLAIM}")
    await page.fill("#c-reason", "forged")
    await page.locator("#correct-form input[name=csrf]").evaluate("e => e.remove()")
    response_status = []
    page.on("response", lambda r: response_status.append(r.status))
    await page.click("#correct-form button")
    await expect(page.locator("body")).to_contain_text("This form has expired")
    assert 403 in response_status
    assert await history_of(site.service, CLAIM) == []


async def test_a_session_cookie_from_another_secret_is_refused(site: Site, browser: Browser) -> None:
    page = await _page(browser)
    forged = Signer("someone else's secret").session_cookie(Session("slack", SLACK_MOD, "Sam", "x"))
    await page.context.add_cookies([{"name": SESSION_COOKIE, "value": forged, "url": site.url}])
    await page.goto(f"{site.url}/console")
    await expect(page.locator("h1")).to_have_text("Moderators’ sign-in")
    await page.goto(f"{site.url}/claims/{CLAIM}")
    assert await page.locator("#correct-form").count() == 0
