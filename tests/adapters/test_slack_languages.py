"""A question in Ukrainian through the real slack-bolt app: the reply's own sentences are
Ukrainian, the claims and quotes stay the articles' English and are labelled so.

Signed requests on 127.0.0.1, the Slack Web API faked there; a real SQLite file."""

from __future__ import annotations

import json
from typing import Any

from bot import messages
from tests.adapters.slack_fakes import Slack, policy, slack

__all__ = ["policy", "slack"]

QUESTION = "Як довго тривала телефонна розмова Трампа з Путіним?"
CALL_LENGTH = {"call-length-90-minutes", "call-length-nearly-hour-and-half"}


def _texts(blocks: list[dict[str, Any]]) -> list[str]:
    out = []
    for b in blocks:
        if isinstance(b.get("text"), dict):
            out.append(b["text"]["text"])
        out += [e["text"] if isinstance(e.get("text"), str) else e["text"]["text"] for e in b.get("elements", [])]
    return out


async def test_a_ukrainian_question_gets_a_ukrainian_frame_and_english_quotes(slack: Slack) -> None:
    sent = await slack.command(QUESTION)
    data = sent.data
    assert data["response_type"] == "in_channel"
    texts = _texts(data["blocks"])
    assert "Цитати англійською, дослівно зі статей." in texts  # the label on the quotes
    assert any(t.startswith("*:warning: Джерела розходяться:*") for t in texts)
    assert {"Корисно", "Неправильно"} <= set(texts)  # feedback buttons
    claim_ids = [json.loads(b["elements"][0]["value"])["c"] for b in data["blocks"] if b["type"] == "actions"]
    assert claim_ids[0] in CALL_LENGTH
    quote = (await slack.service.claim(claim_ids[0])).claim.quotes[0].quote
    assert any(quote in t for t in texts)  # the article's English, word for word
    assert messages.SOURCES_DISAGREE not in json.dumps(data, ensure_ascii=False)


async def test_an_out_of_scope_ukrainian_question_is_refused_in_ukrainian(slack: Slack) -> None:
    sent = await slack.command("Скільки коштує квиток на потяг до Львова?")
    text = json.dumps(sent.data, ensure_ascii=False)
    assert "Цього немає в моїх джерелах." in text
    assert messages.NO_ANSWER not in text


async def test_a_language_the_bot_does_not_read_gets_one_english_sentence(slack: Slack) -> None:
    sent = await slack.command("¿Cuánto duró la llamada entre Trump y Putin?")
    assert sent.data["text"] == messages.UNREAD_LANGUAGE
