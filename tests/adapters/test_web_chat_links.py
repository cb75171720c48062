"""Answers in chat link to each claim's web page when TALKSBOT_PUBLIC_URL is set (the
Discord embed's title, a link under the Slack statement), and the page is the one the
web surface serves; without the setting nothing links anywhere."""

from __future__ import annotations

import json

import aiohttp
import discord
from markupsafe import escape

from bot.settings import Settings
from bot.wiring import open_service
from tests.adapters.discord_fakes import DiscordHarness, deps_options, discord_bot, fake_discord
from tests.adapters.slack_fakes import Slack, slack
from tests.adapters.web_fakes import Site, site

__all__ = ["deps_options", "discord_bot", "fake_discord", "site", "slack"]

QUESTION = "How long was the Trump Putin phone call?"


async def test_a_discord_answer_links_each_claim_to_its_page(discord_bot: DiscordHarness) -> None:
    payload = discord_bot.payloads.command("ask", {"question": QUESTION})
    plain = await discord_bot.response_to(payload)
    assert all("url" not in e for e in plain["data"]["embeds"])
    discord_bot.service.public_url = "https://talks.example.org"
    body = await discord_bot.response_to(discord_bot.payloads.command("ask", {"question": QUESTION}))
    embeds = [discord.Embed.from_dict(e) for e in body["data"]["embeds"]]
    footers = [e.footer.text or "" for e in embeds]
    assert embeds and all(
        e.url == f"https://talks.example.org/claims/{f.split()[-1]}" for e, f in zip(embeds, footers, strict=True)
    )


async def test_a_slack_answer_links_each_claim_to_its_page(slack: Slack) -> None:
    plain = json.dumps((await slack.command(QUESTION)).data)
    assert "/claims/" not in plain
    slack.service.public_url = "https://talks.example.org/"
    blocks = (await slack.command(QUESTION)).data["blocks"]
    statements = [b["text"]["text"] for b in blocks if b["type"] == "section" and "`" in b["text"]["text"]]
    assert f"`{slack.top}` · <https://talks.example.org/claims/{slack.top}>" in statements[0]


async def test_the_setting_reaches_the_service_and_the_link_is_a_page_the_web_serves(site: Site) -> None:
    view = (await site.service.claim("albares-without-ukraine")).claim
    assert view.page_url is None
    settings = Settings(db=site.service.location, public_url=site.url)  # type: ignore[call-arg]
    async with open_service(settings, build=False, listen=False) as other:
        linked = (await other.claim("albares-without-ukraine")).claim.page_url
    assert linked == f"{site.url}/claims/albares-without-ukraine"
    async with aiohttp.ClientSession() as http, http.get(linked) as resp:
        assert resp.status == 200 and str(escape(view.text)) in await resp.text()
