"""The `talksbot` command line: the composition root for the core commands.

Exit codes: 0 success, 2 bad usage or bad input (one line on stderr), 1 an
unexpected error (logged with its traceback).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sqlite3
import sys
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from bot import article_input, messages, render_text
from bot.cli_input import BadLine, check_arguments, read_lines
from bot.digest import DigestScope, build_digest
from bot.json_contract import answer_json, claim_json, history_json, queue_item_json
from bot.permissions import LOCAL_PLATFORM, Actor
from bot.replies import Reply, SourcesReply
from bot.service import TalksService
from bot.settings import Settings
from bot.terminal_text import one_line, terminal_safe
from bot.wiring import digest_desk, open_service
from knowledge.errors import BadInput, TalksbotError
from knowledge.models import Moderator

log = logging.getLogger("talksbot")

Handler = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line and exits 2."""

    def error(self, message: str) -> NoReturn:
        # argparse quotes the offending argument back: keep that to one inert line.
        self.exit(2, f"talksbot: {one_line(message)} (see `{self.prog} --help`)\n")


class Commands:
    """Where commands are added to `talksbot`: the core's own, and those an extension brings
    (adapters.main adds `run` and `discord`). A command is a parser for its arguments and the
    handler that runs it; a group holds subcommands (`talksbot discord sync`)."""

    def __init__(self, parser: argparse.ArgumentParser, dest: str) -> None:
        self._sub = parser.add_subparsers(dest=dest, required=True, parser_class=_Parser)

    def add(self, name: str, help: str, handler: Handler, *, long_running: bool = False) -> argparse.ArgumentParser:
        """`talksbot … NAME`, answered by `handler`. A long-running command (a bot) logs at
        TALKSBOT_LOG_LEVEL from the start; one-shot commands stay quiet unless it is set."""
        parser = self._sub.add_parser(name, help=help)
        parser.set_defaults(handler=handler, long_running=long_running)
        return parser

    def group(self, name: str, help: str) -> Commands:
        """`talksbot … NAME SUBCOMMAND`: the subcommands are added to the table returned."""
        return Commands(self._sub.add_parser(name, help=help), dest=f"{name}_command")


Extension = Callable[[Commands], None]


def build_parser(*extensions: Extension) -> argparse.ArgumentParser:
    """The `talksbot` parser: the core commands, then each extension's."""
    parser = _Parser(prog="talksbot", description=__doc__.splitlines()[0] if __doc__ else None)
    commands = Commands(parser, dest="command")
    _add_core_commands(commands)
    for extend in extensions:
        extend(commands)
    return parser


def _add_core_commands(sub: Commands) -> None:

    p = sub.add("ask", "answer a question from the claim store, with word-for-word quotes", cmd_ask)
    p.add_argument(
        "question", nargs="*", help="the question; with --json and no question, read one per line from stdin"
    )
    p.add_argument("--json", action="store_true", help="print the DESIGN.md JSON object (JSON Lines in batch mode)")

    p = sub.add("claims", "list every claim", cmd_claims)
    p.add_argument("--json", action="store_true", help="print one JSON array in the answer shape")

    p = sub.add("claim", "show one claim, its quotes, status and conflicts", cmd_claim)
    p.add_argument("id", help="the claim id (see `talksbot claims`)")
    p.add_argument("--json", action="store_true", help="print the claim in the answer shape")

    p = sub.add("sources", "list the five articles and what they state about themselves", cmd_sources)
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add("correct", "moderators: record a corrected statement for a claim", cmd_correct)
    p.add_argument("id", help="the claim id")
    p.add_argument("--text", required=True, help="the corrected statement")
    p.add_argument("--reason", required=True, help="why the claim is corrected")
    p.add_argument("--by", help="who corrects it (default: TALKSBOT_OPERATOR or $USER)")
    p.add_argument("--url", help="an optional source URL for the correction")

    p = sub.add("retract", "moderators: retract a claim so it is no longer given as an answer", cmd_retract)
    p.add_argument("id", help="the claim id")
    p.add_argument("--reason", required=True, help="why the claim is retracted")
    p.add_argument("--by", help="who retracts it (default: TALKSBOT_OPERATOR or $USER)")

    p = sub.add("restore", "moderators: return a corrected or retracted claim to the article's wording", cmd_restore)
    p.add_argument("id", help="the claim id")
    p.add_argument("--by", help="who restores it (default: TALKSBOT_OPERATOR or $USER)")
    p.add_argument("--reason", help="an optional note")

    p = sub.add("add-claim", "moderators: add a claim quoting an article or an outside URL", cmd_add_claim)
    p.add_argument("--text", required=True, help="the claim, in neutral words")
    p.add_argument("--reason", required=True, help="why it is added")
    p.add_argument("--by", help="who adds it (default: TALKSBOT_OPERATOR or $USER)")
    p.add_argument("--source", help="a seed article id (see `talksbot sources`) that the quote comes from")
    p.add_argument("--quote", help="an exact passage of that article")
    p.add_argument("--url", help="an outside source URL (the claim is marked as added by moderators)")
    p.add_argument("--id", dest="claim_id", help="the new claim id (default: made from the text)")
    p.add_argument("--topic", default="added", help="a topic word (default: added)")
    p.add_argument("--item", type=int, help="a queue item this claim answers: its question is taught to the claim")

    p = sub.add("history", "a claim's moderation history, oldest first", cmd_history)
    p.add_argument("id", help="the claim id")
    p.add_argument("--json", action="store_true", help="print a JSON array")

    p = sub.add("digest", "print the digest for the period since --since (default: the last 24 hours)", cmd_digest)
    p.add_argument("--json", action="store_true", help="print the digest as JSON")
    p.add_argument("--since", help="ISO date or date-time (UTC when no offset is given)")
    p.add_argument("--platform", default="cli", help="whose questions to count: cli (default), discord or slack")
    p.add_argument("--community", help="the guild or team id whose questions to count")
    p.add_argument("--moderators", action="store_true", help="the moderators' digest (question text, reports)")

    p = sub.add("queue", "moderators: the review queue (unanswered, marked wrong, suggestions)", cmd_queue)
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.add_argument("--limit", type=int, default=50, help="at most this many items (default 50)")

    p = sub.add("teach", "moderators: answer a queue item's question (and close variants) with a claim", cmd_teach)
    p.add_argument("item", type=int, help="the queue item number (see `talksbot queue`)")
    p.add_argument("claim", nargs="?", help="the claim id that answers it")
    p.add_argument("--undo", action="store_true", help="undo what was taught from this item")
    p.add_argument("--by", help="who teaches it (default: TALKSBOT_OPERATOR or $USER)")

    p = sub.add("dismiss", "moderators: close a queue item without changing any fact", cmd_dismiss)
    p.add_argument("item", type=int, help="the queue item number")
    p.add_argument("--reason", required=True, help="why: off-topic, not in the articles, abuse…")
    p.add_argument("--by", help="who dismisses it (default: TALKSBOT_OPERATOR or $USER)")

    p = sub.add(
        "accept",
        "moderators: accept a suggested correction (credited to its author) or an ingest candidate",
        cmd_accept,
    )
    p.add_argument("item", type=int, help="the queue item number of the suggestion or candidate")
    p.add_argument("--reason", help="a suggestion: the reason shown with the correction (default: the suggester's)")
    p.add_argument("--text", help="a candidate: the claim text to use instead of the drafted one")
    p.add_argument("--by", help="who accepts it (default: TALKSBOT_OPERATOR or $USER)")

    p = sub.add("reject", "moderators: reject a suggested correction or an ingest candidate", cmd_reject)
    p.add_argument("item", type=int, help="the queue item number of the suggestion or candidate")
    p.add_argument("--reason", required=True, help="why it is rejected")
    p.add_argument("--by", help="who rejects it (default: TALKSBOT_OPERATOR or $USER)")

    p = sub.add("ingest", "moderators: store a new article and queue the claims it proposes for review", cmd_ingest)
    p.add_argument("file", help="the article as a UTF-8 text file (2 MB at most); its name becomes the source id")
    p.add_argument("--outlet", help="the outlet, if known (otherwise unknown)")
    p.add_argument("--headline", help="the headline, if known (otherwise unknown)")
    p.add_argument("--date", help="the publication date as YYYY-MM-DD, if known (otherwise unknown)")
    p.add_argument("--url", help="the article's URL, if known (otherwise unknown)")
    p.add_argument("--by", help="who ingests it (default: TALKSBOT_OPERATOR or $USER)")

    p = sub.add("candidates", "moderators: claims proposed from ingested articles, waiting for review", cmd_candidates)
    p.add_argument("--json", action="store_true", help="print a JSON array")

    p = sub.add(
        "export-claims",
        "moderators: print claims accepted from ingested articles in the curated TOML format",
        cmd_export_claims,
    )
    p.add_argument("--articles", help="also write their ingested articles into this directory as <source>.txt")

    p = sub.add("status", "database, content version, platforms, moderation scope and digest runs", cmd_status)
    p.add_argument("--json", action="store_true", help="print JSON")


# ---- helpers -----------------------------------------------------------------


def _operator(args: argparse.Namespace, settings: Settings) -> Actor:
    # `history` has no --by: it reads as the configured operator.
    name = (getattr(args, "by", None) or settings.operator or "").strip()
    return Actor(Moderator(platform=LOCAL_PLATFORM, user_id=name, name=name))


async def _with_service(
    settings: Settings, work: Callable[[TalksService], Awaitable[int]], *, writes: bool = False
) -> int:
    # Write commands never create a database: a mistyped TALKSBOT_DB must not
    # record a correction in a fresh file. A command that exits when done has
    # no use for other processes' change notifications.
    async with open_service(settings, create=not writes, listen=False) as service:
        return await work(service)


async def _reach(service: TalksService, change_id: int) -> str:
    """How many posted messages the change will update (the bots' outbox workers do it)."""
    return messages.reach_sentence((await service.reach(change_id)).queued)


def _print(reply: Reply) -> None:
    print(render_text.render(reply))


def _dump(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False))


# ---- commands ------------------------------------------------------------------


async def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    question = " ".join(args.question)
    batch = not question and args.json
    if not batch and not question.strip():
        raise BadInput('Give a question, e.g. talksbot ask "How long was the call?"')

    async def work(service: TalksService) -> int:
        if not batch:
            reply = await service.ask(question)
            _dump(answer_json(reply)) if args.json else _print(reply)
            return 0
        for line in read_lines(sys.stdin):
            if isinstance(line, BadLine):
                # One object per input line keeps the output aligned with the input.
                _dump({"question": None, "answered": False, "answers": [], "suggestions": [], "error": line.message})
            elif not line.strip():
                continue  # blank lines are not questions; documented in the README
            else:
                _dump(answer_json(await service.ask(line)))
            sys.stdout.flush()
        return 0

    return await _with_service(settings, work)


async def cmd_claims(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        views = await service.all_claims()
        if args.json:
            _dump([claim_json(v) for v in views])
        else:
            for v in views:
                print(terminal_safe(f"{v.claim_id:<48} {v.status:<9} {v.text}"))
        return 0

    return await _with_service(settings, work)


async def cmd_claim(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        reply = await service.claim(args.id)
        _dump(claim_json(reply.claim)) if args.json else _print(reply)
        return 0

    return await _with_service(settings, work)


async def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        sources = await service.sources()
        if args.json:
            _dump([s.model_dump() for s in sources])
        else:
            _print(SourcesReply(sources))
        return 0

    return await _with_service(settings, work)


async def cmd_correct(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        entry = await service.correct(_operator(args, settings), args.id, args.text, args.reason, args.url)
        print(f"Corrected {entry.claim_id}. {await _reach(service, entry.id)}")
        return 0

    return await _with_service(settings, work, writes=True)


async def cmd_retract(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        entry = await service.retract(_operator(args, settings), args.id, args.reason)
        print(f"Retracted {entry.claim_id}. {await _reach(service, entry.id)}")
        return 0

    return await _with_service(settings, work, writes=True)


async def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        entry = await service.restore(_operator(args, settings), args.id, args.reason)
        print(f"Restored {entry.claim_id}. {await _reach(service, entry.id)}")
        return 0

    return await _with_service(settings, work, writes=True)


async def cmd_add_claim(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        state = await service.add_claim(
            _operator(args, settings),
            text=args.text,
            reason=args.reason,
            topic=args.topic,
            claim_id=args.claim_id,
            source_id=args.source,
            quote=args.quote,
            url=args.url,
            item_id=args.item,
        )
        print(f"Added {state.id}.")
        return 0

    return await _with_service(settings, work, writes=True)


async def cmd_history(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        reply = await service.history(_operator(args, settings), args.id)
        _dump(history_json(reply)) if args.json else _print(reply)
        return 0

    return await _with_service(settings, work)


async def cmd_queue(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        items = await service.queue(_operator(args, settings), limit=max(1, args.limit))
        if args.json:
            _dump([queue_item_json(i) for i in items])
        else:
            print(render_text.render_queue(items))
        return 0

    return await _with_service(settings, work)


async def cmd_teach(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        actor = _operator(args, settings)
        if args.undo:
            undone = await service.unteach(actor, args.item)
            print(f"Undone: “{undone.phrasing}” no longer points to {undone.claim_id}.")
            return 0
        if not args.claim:
            raise BadInput("Give the claim id that answers the item, e.g. talksbot teach 3 call-length-90-minutes.")
        taught = await service.teach(actor, args.item, args.claim)
        print(f"Taught: “{taught.phrasing}” and close variants are answered with {taught.claim_id}.")
        return 0

    return await _with_service(settings, work, writes=True)


async def cmd_dismiss(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        item = await service.dismiss(_operator(args, settings), args.item, args.reason)
        print(f"Dismissed queue item #{item.id}.")
        return 0

    return await _with_service(settings, work, writes=True)


async def cmd_accept(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        done = await service.decide(
            _operator(args, settings), args.item, accept=True, reason=args.reason, text=args.text
        )
        if done.kind == "suggestion":
            reach = await _reach(service, done.change_id) if done.change_id else ""
            credit = f"credited to {done.credit}"
            print(f"Accepted queue item #{done.item_id}: {done.claim_id} is corrected, {credit}. {reach}".strip())
        else:
            print(f"Accepted queue item #{done.item_id}: {done.claim_id} now answers questions with its quote.")
        return 0

    return await _with_service(settings, work, writes=True)


async def cmd_reject(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        done = await service.decide(_operator(args, settings), args.item, accept=False, reason=args.reason)
        print(f"Rejected queue item #{done.item_id}.")
        return 0

    return await _with_service(settings, work, writes=True)


async def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    # Read (and refuse) the file before opening the database: bad input writes nothing.
    raw = article_input.read_article_file(Path(args.file))
    article_input.decode_article(raw)

    async def work(service: TalksService) -> int:
        result = await service.ingest(
            _operator(args, settings),
            raw,
            Path(args.file).name,
            outlet=args.outlet,
            headline=args.headline,
            date=args.date,
            url=args.url,
        )
        print(messages.ingested(result.source.id, result.counts))
        return 0

    return await _with_service(settings, work, writes=True)


async def cmd_candidates(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        items = await service.candidates(_operator(args, settings))
        if args.json:
            _dump([queue_item_json(i) for i in items])
        else:
            print(render_text.render_queue(items))
        return 0

    return await _with_service(settings, work)


async def cmd_export_claims(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        toml, articles = await service.export_claims(_operator(args, settings))
        if args.articles:
            write_articles(Path(args.articles), articles)
        sys.stdout.write(toml)
        return 0

    return await _with_service(settings, work)


async def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    async def work(service: TalksService) -> int:
        status = await service.status()
        status["platforms"] = configured_platforms(settings)
        if args.json:
            _dump(status)
        else:
            print(render_text.render_status(status))
        return 0

    return await _with_service(settings, work)


def write_articles(folder: Path, articles: list[tuple[str, str]]) -> None:
    """Writes `<source>.txt` files byte for byte as ingested: the quotes' offsets count their characters."""
    folder.mkdir(parents=True, exist_ok=True)
    for source_id, text in articles:
        (folder / f"{source_id}.txt").write_bytes(text.encode("utf-8"))


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

            _dump(digest_json(reply))
        else:
            _print(reply)
        return 0

    return await _with_service(settings, work)


# ---- entry point ------------------------------------------------------------------


def run(argv: Sequence[str] | None, parser: argparse.ArgumentParser) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        check_arguments(argv)  # before argparse, which would echo the broken text back
    except BadInput as exc:
        return _fail(str(exc))
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        # One-shot commands print their result, so their routine INFO lines (a curated reload)
        # would only clutter stderr; the bots log at INFO unless TALKSBOT_LOG_LEVEL says otherwise.
        quiet = not getattr(args, "long_running", False) and "log_level" not in settings.model_fields_set
        level = "WARNING" if quiet else settings.log_level
        logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        handler: Handler = args.handler
        return asyncio.run(handler(args, settings))
    except TalksbotError as exc:
        return _fail(str(exc))
    except sqlite3.DatabaseError as exc:
        # Damage found past the opening checks (a torn page), or a lock held too long: bad input, not a crash.
        log.debug("database error", exc_info=exc)
        return _fail(f"the database cannot be used ({exc}).")
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception:
        log.exception("unexpected error")
        print("talksbot: unexpected error; see the log above.", file=sys.stderr)
        return 1


def _fail(message: str) -> int:
    """One line on stderr, exit code 2."""
    print(f"talksbot: {one_line(message)}", file=sys.stderr)
    return 2
