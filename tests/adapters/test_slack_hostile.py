"""Signed but malformed Slack requests over real HTTP on 127.0.0.1: a 4xx and one log line each.

Never a 500, never a traceback, nothing written and nothing posted; 500 of
them leave a log of well under 100 KB.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import aiohttp
import pytest

from adapters.slack.app import build_app
from adapters.slack.runner import make_client
from adapters.slack.server import EVENTS_PATH, start_http_server
from bot.service import TalksService
from bot.settings import Settings
from tests.adapters.slack_fakes import BOT_TOKEN, SIGNING_SECRET, TEAM_ID, FakeSlackApi, SlackSender

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def _form(**fields: str) -> bytes:
    return urlencode(fields).encode()


def _payload(payload: object) -> bytes:
    return _form(payload=json.dumps(payload))


def _event(event: object, **extra: object) -> bytes:
    # No event_id: a repeated id is (rightly) acknowledged as Slack's retry with a 200.
    body = {"type": "event_callback", "team_id": TEAM_ID, "event": event, **extra}
    return json.dumps(body).encode()


# (name, content type, body): each is signed correctly and is still not a request Slack would send.
MALFORMED: list[tuple[str, str, bytes]] = [
    ("bad JSON", JSON, b'{"type": "event_callback", "event": {'),
    ("JSON array", JSON, b"[]"),
    ("JSON number", JSON, b"42"),
    ("JSON nested too deep", JSON, b"[" * 100_000 + b"]" * 100_000),
    ("form body not UTF-8", FORM, b"command=%2Ftalks&text=\xff\xfe&user_id=U1&channel_id=C1"),
    ("JSON body not UTF-8", JSON, b'{"type": "url_verification", "challenge": "\xc3"}'),
    ("payload=[]", FORM, _form(payload="[]")),
    ("payload not JSON", FORM, _form(payload="{oops")),
    ("payload=null", FORM, _form(payload="null")),
    ('"event": null', JSON, _event(None)),
    ('"event": "text"', JSON, _event("app_mention")),
    ("event without a type", JSON, _event({"text": "hi"})),
    ("event text not a string", JSON, _event({"type": "app_mention", "text": {"a": 1}, "channel": "C1"})),
    ("authorizations not a list", JSON, _event({"type": "app_mention"}, authorizations="x")),
    ("authorizations of strings", JSON, _event({"type": "app_mention"}, authorizations=["x"])),
    ('"actions": []', FORM, _payload({"type": "block_actions", "user": {"id": "U1"}, "actions": []})),
    ('"actions": null', FORM, _payload({"type": "block_actions", "user": {"id": "U1"}, "actions": None})),
    ("action without id", FORM, _payload({"type": "block_actions", "user": {"id": "U1"}, "actions": [{"x": 1}]})),
    ("action id a number", FORM, _payload({"type": "block_actions", "actions": [{"action_id": 5}]})),
    ("user not an object", FORM, _payload({"type": "block_actions", "user": "U1", "actions": [{"action_id": "a"}]})),
    ("view not an object", FORM, _payload({"type": "view_submission", "user": {"id": "U1"}, "view": "v"})),
    ("view without callback", FORM, _payload({"type": "view_submission", "user": {"id": "U1"}, "view": {}})),
    ("suggestion without id", FORM, _payload({"type": "block_suggestion", "user": {"id": "U1"}})),
    ("unknown payload type", FORM, _payload({"type": "mystery", "user": {"id": "U1"}})),
    ("unknown JSON type", JSON, json.dumps({"type": "surprise", "event": {"type": "x"}}).encode()),
    ("no type at all", JSON, b'{"hello": "world"}'),
    ("command without user", FORM, _form(command="/talks", text="hi", channel_id="C1")),
    ("command text a list", FORM, b"command=%2Ftalks&user_id=U1&channel_id=C1&text=a&text=b&payload"),
    ("empty body", FORM, b""),
    ("unhandled event type", JSON, _event({"type": "reaction_added", "user": "U1", "item": {"channel": "C1"}})),
    (
        "unhandled action id",
        FORM,
        _payload({"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": "x" * 5000}]}),
    ),
    ("url_verification without challenge", JSON, b'{"type": "url_verification"}'),
]


def _sign(body: bytes, timestamp: str, secret: str = SIGNING_SECRET) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Endpoint:
    url: str
    fake: FakeSlackApi
    service: TalksService
    session: aiohttp.ClientSession

    async def post(self, body: bytes, content_type: str, *, timestamp: str | None = None) -> tuple[int, str]:
        ts = timestamp or str(int(time.time()))
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": _sign(body, ts)}
        async with self.session.post(self.url, data=body, headers=headers) as response:
            return response.status, await response.text()

    def questions_logged(self) -> int:
        con = sqlite3.connect(self.service.location)
        try:
            return int(con.execute("SELECT count(*) FROM question_log").fetchone()[0])
        finally:
            con.close()


@pytest.fixture
async def endpoint(service: TalksService) -> AsyncIterator[Endpoint]:
    fake = FakeSlackApi()
    await fake.start()
    settings = Settings(
        db=service.location,
        slack_bot_token=BOT_TOKEN,  # type: ignore[arg-type]
        slack_signing_secret=SIGNING_SECRET,  # type: ignore[arg-type]
        slack_api_url=fake.base_url,
    )
    app = build_app(settings, service, make_client(settings))
    runner, port = await start_http_server(app, "127.0.0.1", 0, signing_secret=SIGNING_SECRET)
    try:
        async with aiohttp.ClientSession() as session:
            yield Endpoint(f"http://127.0.0.1:{port}{EVENTS_PATH}", fake, service, session)
    finally:
        await runner.cleanup()
        await fake.stop()


@pytest.fixture
def log_text() -> Iterator[io.StringIO]:
    """Everything logged at INFO and above, formatted as a deployment would write it."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@pytest.mark.parametrize(("name", "content_type", "body"), MALFORMED, ids=[m[0] for m in MALFORMED])
async def test_a_signed_malformed_request_gets_a_4xx_and_one_log_line(
    endpoint: Endpoint, log_text: io.StringIO, name: str, content_type: str, body: bytes
) -> None:
    before = endpoint.questions_logged()
    status, _ = await endpoint.post(body, content_type)
    assert 400 <= status < 500, (name, status)
    await _settle()
    logged = log_text.getvalue()
    assert "Traceback" not in logged, logged
    assert logged.count("\n") == 1, logged
    assert len(logged) < 400, logged
    # Bolt may check its token (auth.test) before it finds no listener; nothing is ever posted.
    assert [c.method for c in endpoint.fake.calls if c.method != "auth.test"] == []
    assert endpoint.questions_logged() == before


@pytest.mark.parametrize(
    ("timestamp", "secret"),
    [("abc", SIGNING_SECRET), ("1e9", SIGNING_SECRET), (str(int(time.time()) - 3600), SIGNING_SECRET), (None, "wrong")],
)
async def test_bad_signatures_and_timestamps_are_refused_before_parsing(
    endpoint: Endpoint, log_text: io.StringIO, timestamp: str | None, secret: str
) -> None:
    body = b"\xff not even UTF-8, nor JSON"
    ts = timestamp or str(int(time.time()))
    headers = {"Content-Type": JSON, "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": _sign(body, ts, secret)}
    async with endpoint.session.post(endpoint.url, data=body, headers=headers) as response:
        assert response.status == 401
    assert "Traceback" not in log_text.getvalue() and log_text.getvalue().count("\n") == 1
    async with endpoint.session.post(endpoint.url, data=b"{}", headers={"Content-Type": JSON}) as response:
        assert response.status == 401  # no signature at all


async def test_500_malformed_requests_leave_a_small_log_and_the_bot_still_answers(
    endpoint: Endpoint, log_text: io.StringIO
) -> None:
    for i in range(500):
        _, content_type, body = MALFORMED[i % len(MALFORMED)]
        status, _ = await endpoint.post(body, content_type)
        assert 400 <= status < 500, MALFORMED[i % len(MALFORMED)][0]
    await _settle()
    logged = log_text.getvalue()
    assert "Traceback" not in logged
    assert len(logged.encode()) < 100_000, len(logged.encode())
    # The endpoint's refusals: one line for the first, the rest summarised when the minute ends
    # (tests/adapters/test_slack_refusals.py). The two shapes bolt itself declines log one line each.
    assert logged.count("refused a request") == 1
    assert logged.count("\n") < 50

    sender = SlackSender(endpoint.url)
    status, _ = await sender.command("How long was the Trump-Putin call?", response_url=endpoint.fake.response_url())
    assert status == 200
    [answer] = await endpoint.fake.wait_for("response:cmd")
    assert answer.data["response_type"] == "in_channel"


async def _settle() -> None:
    """Listeners run after the response is sent: give any that were (wrongly) started a moment to log."""
    import asyncio

    await asyncio.sleep(0.05)
