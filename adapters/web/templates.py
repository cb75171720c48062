"""Jinja2 templates, escaped by default: nothing a reader, moderator or article supplies
renders as live markup. JSON-LD goes through `tojson`, which escapes `<`, `>`, `&` and `'`
so no text can close its script element."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from bot import messages, translations

TEMPLATES = Path(__file__).with_name("templates")


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        enable_async=False,
        trim_blocks=False,
    )
    env.filters["http_url"] = http_url
    # The search page frames the bots' answer in the asker's language, as chat does.
    env.globals.update(say=translations.say, verdict=translations.verdict, messages=messages)
    return env


def http_url(value: str | None) -> str:
    """Only http(s) links become hrefs: a stored `javascript:` URL would run on click."""
    text = (value or "").strip()
    return text if text.lower().startswith(("http://", "https://")) else "#"


def render(
    env: Environment, name: str, context: dict[str, Any], *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    base: dict[str, Any] = {
        "meta": [],
        "jsonld": None,
        "session": None,
        "notice": None,
        "error": None,
        "content_version": 0,
    }
    html = env.get_template(name).render({**base, **context})
    return web.Response(text=html, status=status, content_type="text/html", charset="utf-8", headers=headers)
