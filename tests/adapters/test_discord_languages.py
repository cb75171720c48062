"""A question in Ukrainian through the real discord.py command tree: the reply's own
sentences are Ukrainian, the claims and quotes stay the articles' English and are labelled so.

Raw INTERACTION_CREATE payloads, discord.py's REST calls answered by a fake on 127.0.0.1;
a real SQLite file."""

from __future__ import annotations

from typing import Any

import discord

from bot import messages
from tests.adapters.discord_fakes import (
    EPHEMERAL,
    DiscordHarness,
    deps_options,
    discord_bot,
    fake_discord,
    policy,
)
from tests.adapters.discord_limits import limit_problems

__all__ = ["deps_options", "discord_bot", "fake_discord", "policy"]

QUESTION = "Як довго тривала телефонна розмова Трампа з Путіним?"
CALL_LENGTH = ("call-length-90-minutes", "call-length-nearly-hour-and-half")


async def ask(bot: DiscordHarness, question: str) -> dict[str, Any]:
    return await bot.response_to(bot.payloads.command("ask", {"question": question}))


async def test_a_ukrainian_question_gets_a_ukrainian_frame_and_english_quotes(discord_bot: DiscordHarness) -> None:
    data = (await ask(discord_bot, QUESTION))["data"]
    assert not (data.get("flags") or 0) & EPHEMERAL
    assert "*Цитати англійською, дослівно зі статей.*" in data["content"]
    embeds = [discord.Embed.from_dict(e) for e in data["embeds"]]
    assert limit_problems(embeds) == []
    assert any(cid in (embeds[0].footer.text or "") for cid in CALL_LENGTH)  # the claim, in English
    assert "> “" in (embeds[0].description or "")  # quotes, as the articles wrote them
    fields = [f.name or "" for e in embeds for f in e.fields]
    assert any("Джерела розходяться" in name for name in fields)
    assert not any(messages.SOURCES_DISAGREE in name for name in fields)
    labels = [c["label"] for row in data["components"] for c in row["components"]]
    assert labels[:2] == ["1 · Корисно", "1 · Неправильно"]


async def test_an_out_of_scope_ukrainian_question_is_refused_in_ukrainian(discord_bot: DiscordHarness) -> None:
    data = (await ask(discord_bot, "Скільки коштує квиток на потяг до Львова?"))["data"]
    assert data["flags"] & EPHEMERAL
    assert data["content"].startswith("Цього немає в моїх джерелах.")
    assert "Мої джерела висвітлюють:" in data["content"]


async def test_a_language_the_bot_does_not_read_gets_one_english_sentence(discord_bot: DiscordHarness) -> None:
    data = (await ask(discord_bot, "Quanto è durata la telefonata tra Trump e Putin?"))["data"]
    assert data["content"] == messages.UNREAD_LANGUAGE
