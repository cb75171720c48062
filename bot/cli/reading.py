"""Commands that read: ask, claims, claim, sources, status, digest."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from bot.cli import render
from bot.cli.common import print_json, print_reply, with_service
from bot.cli_input import BadLine, read_lines
from bot.digest import DigestScope, build_digest
from bot.json_contract import answer_json, claim_json
from bot.replies import SourcesReply
from bot.service import TalksService
from bot.settings import Settings
from bot.terminal_text import terminal_safe
from bot.wiring import digest_desk
from knowledge.errors import BadInput


async def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    question = " ".join(args.question)
    batch = not question and args.json
    if not batch and not question.strip():
        raise BadInput('Give a question, e.g. talksbot ask "How long was the call?"')

    async def work(service: TalksService) -> int:
        if not batch:
            reply = await service.ask(question)
            print_json(answer_json(reply)) if args.json else print_reply(reply)
            return 0
        for line in read_lines(sys.stdin):
            if isinstance(line, BadLine):
                # One object per input line keeps the output aligned with the input.
                print_json(
                    {"question": None, "answered": False, "answers": [], "suggestions": [], "error": line.message}
                )
            elif not line.strip():
                continue  # blank lines are not questions; documented in the README
            else:
                print_json(answer_json(await service.ask(line)))
            sys.stdout.flush()
        return 0

    return await with_service(settings, work)


async def cmd_claims(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        views = await service.all_claims()
        if args.json:
            print_json([claim_json(v) for v in views])
        else:
            for v in views:
                print(terminal_safe(f"{v.claim_id:<48} {v.status:<9} {v.text}"))
        return 0

    return await with_service(settings, work)


async def cmd_claim(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        reply = await service.claim(args.id)
        print_json(claim_json(reply.claim)) if args.json else print_reply(reply)
        return 0

    return await with_service(settings, work)


async def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        sources = await service.sources()
        if args.json:
            print_json([s.model_dump() for s in sources])
        else:
            print_reply(SourcesReply(sources))
        return 0

    return await with_service(settings, work)


async def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        status = await service.status()
        status["platforms"] = configured_platforms(settings)
        if args.json:
            print_json(status)
        else:
            print(render.render_status(status))
        return 0

    return await with_service(settings, work)


def configured_platforms(settings: Settings) -> dict[str, str]:
    """Which platforms have their secrets set (never the secrets themselves)."""
    slack = "not configured"
    if settings.slack_bot_token and settings.slack_app_token:
        slack = "Socket Mode"
    elif settings.slack_bot_token and settings.slack_signing_secret:
        slack = "HTTP"
    return {"discord": "configured" if settings.discord_token else "not configured", "slack": slack}


def parse_since(value: str | None, now: datetime) -> datetime | None:
    if value is None:
        return None
    try:
        since = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise BadInput(f"--since must be an ISO date such as 2025-02-12, not “{value}”.") from exc
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    if since > now:
        raise BadInput("--since is in the future.")
    return since


async def cmd_digest(args: argparse.Namespace, settings: Settings) -> int:
    now = datetime.now(UTC)
    since = parse_since(args.since, now)

    scope = DigestScope(args.platform, args.community, "moderators" if args.moderators else "public")

    async def work(service: TalksService) -> int:
        reply = await build_digest(digest_desk(service), since=since, now=now, scope=scope)
        if args.json:
            from bot.digest import digest_json

            print_json(digest_json(reply))
        else:
            print_reply(reply)
        return 0

    return await with_service(settings, work)
