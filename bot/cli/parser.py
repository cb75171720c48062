"""The `talksbot` parser: core commands in a table that extensions (the adapters) add to."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import NoReturn

from bot.cli import moderating, reading
from bot.cli.common import Handler
from bot.replies import QUEUE_KINDS
from bot.terminal_text import one_line
from knowledge.articles.substance import PROPOSALS_PER_ARTICLE
from knowledge.store.queue import READER_KINDS


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

    p = sub.add("ask", "answer a question from the claim store, with word-for-word quotes", reading.cmd_ask)
    p.add_argument(
        "question", nargs="*", help="the question; with --json and no question, read one per line from stdin"
    )
    p.add_argument("--json", action="store_true", help="print the DESIGN.md JSON object (JSON Lines in batch mode)")

    p = sub.add("claims", "list every claim", reading.cmd_claims)
    p.add_argument("--json", action="store_true", help="print one JSON array in the answer shape")

    p = sub.add("claim", "show one claim, its quotes, status and conflicts", reading.cmd_claim)
    p.add_argument("id", help="the claim id (see `talksbot claims`)")
    p.add_argument("--json", action="store_true", help="print the claim in the answer shape")

    p = sub.add("sources", "list the five articles and what they state about themselves", reading.cmd_sources)
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add("correct", "moderators: record a corrected statement for a claim", moderating.cmd_correct)
    p.add_argument("id", help="the claim id")
    p.add_argument("--text", required=True, help="the corrected statement")
    p.add_argument("--reason", required=True, help="why the claim is corrected")
    p.add_argument("--by", help="who corrects it (default: TALKSBOT_OPERATOR or $USER)")
    p.add_argument("--url", help="an optional source URL for the correction")

    p = sub.add("retract", "moderators: retract a claim so it is no longer given as an answer", moderating.cmd_retract)
    p.add_argument("id", help="the claim id")
    p.add_argument("--reason", required=True, help="why the claim is retracted")
    p.add_argument("--by", help="who retracts it (default: TALKSBOT_OPERATOR or $USER)")

    p = sub.add(
        "restore", "moderators: return a corrected or retracted claim to the article's wording", moderating.cmd_restore
    )
    p.add_argument("id", help="the claim id")
    p.add_argument("--by", help="who restores it (default: TALKSBOT_OPERATOR or $USER)")
    p.add_argument("--reason", help="an optional note")

    p = sub.add("add-claim", "moderators: add a claim quoting an article or an outside URL", moderating.cmd_add_claim)
    p.add_argument("--text", required=True, help="the claim, in neutral words")
    p.add_argument("--reason", required=True, help="why it is added")
    p.add_argument("--by", help="who adds it (default: TALKSBOT_OPERATOR or $USER)")
    p.add_argument("--source", help="a seed article id (see `talksbot sources`) that the quote comes from")
    p.add_argument("--quote", help="an exact passage of that article")
    p.add_argument("--url", help="an outside source URL (the claim is marked as added by moderators)")
    p.add_argument("--id", dest="claim_id", help="the new claim id (default: made from the text)")
    p.add_argument("--topic", default="added", help="a topic word (default: added)")
    p.add_argument("--item", type=int, help="a queue item this claim answers: its question is taught to the claim")

    p = sub.add("history", "a claim's moderation history, oldest first", moderating.cmd_history)
    p.add_argument("id", help="the claim id")
    p.add_argument("--json", action="store_true", help="print a JSON array")

    p = sub.add(
        "digest", "print the digest for the period since --since (default: the last 24 hours)", reading.cmd_digest
    )
    p.add_argument("--json", action="store_true", help="print the digest as JSON")
    p.add_argument("--since", help="ISO date or date-time (UTC when no offset is given)")
    p.add_argument("--platform", default="cli", help="whose questions to count: cli (default), discord or slack")
    p.add_argument("--community", help="the guild or team id whose questions to count")
    p.add_argument("--moderators", action="store_true", help="the moderators' digest (question text, reports)")

    p = sub.add(
        "queue",
        "moderators: the review queue kind by kind (unanswered, marked wrong, suggestions, candidates)",
        moderating.cmd_queue,
    )
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.add_argument("--limit", type=int, default=50, help="at most this many items of each kind (default 50)")
    p.add_argument("--kind", choices=QUEUE_KINDS, help="only this kind")

    p = sub.add(
        "teach", "moderators: answer a queue item's question (and close variants) with a claim", moderating.cmd_teach
    )
    p.add_argument("item", type=int, help="the queue item number (see `talksbot queue`)")
    p.add_argument("claim", nargs="?", help="the claim id that answers it")
    p.add_argument("--undo", action="store_true", help="undo what was taught from this item")
    p.add_argument("--by", help="who teaches it (default: TALKSBOT_OPERATOR or $USER)")

    p = sub.add(
        "dismiss",
        "moderators: close a queue item (or many questions and wrong reports) without changing any fact",
        moderating.cmd_dismiss,
    )
    p.add_argument(
        "item",
        nargs="?",
        help="the queue item number, or FIRST-LAST: every unanswered question and wrong report in that range",
    )
    p.add_argument(
        "--kind",
        choices=READER_KINDS,
        help="with a range, only this kind; without an item, every open item of this kind",
    )
    p.add_argument("--reason", required=True, help="why: off-topic, not in the articles, abuse…")
    p.add_argument("--by", help="who dismisses it (default: TALKSBOT_OPERATOR or $USER)")

    p = sub.add(
        "accept",
        "moderators: accept a suggested correction (credited to its author) or an ingest candidate",
        moderating.cmd_accept,
    )
    p.add_argument("item", type=int, help="the queue item number of the suggestion or candidate")
    p.add_argument("--reason", help="a suggestion: the reason shown with the correction (default: the suggester's)")
    p.add_argument("--text", help="a candidate: the claim text to use instead of the drafted one")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--new", action="store_true", help="a candidate: as a new claim of its own, whatever it proposed")
    how.add_argument("--supports", metavar="CLAIM", help="a candidate: as one more quote of this claim")
    how.add_argument(
        "--conflicts-with", metavar="CLAIM", help="a candidate: as a new claim linked to this one as disagreeing"
    )
    p.add_argument("--by", help="who accepts it (default: TALKSBOT_OPERATOR or $USER)")

    p = sub.add("reject", "moderators: reject a suggested correction or an ingest candidate", moderating.cmd_reject)
    p.add_argument("item", type=int, nargs="?", help="the queue item number of the suggestion or candidate")
    p.add_argument("--source", help="instead of an item: every open candidate of this ingested article")
    p.add_argument("--reason", required=True, help="why it is rejected")
    p.add_argument("--by", help="who rejects it (default: TALKSBOT_OPERATOR or $USER)")

    p = sub.add(
        "ingest", "moderators: store a new article and queue the claims it proposes for review", moderating.cmd_ingest
    )
    p.add_argument(
        "file",
        help="the article: a UTF-8 text file, an HTML file, or an http(s) address (2 MB at most); "
        "its name becomes the source id",
    )
    p.add_argument("--outlet", help="the outlet, if known (otherwise unknown)")
    p.add_argument("--headline", help="the headline, if known (otherwise unknown)")
    p.add_argument("--date", help="the publication date as YYYY-MM-DD, if known (otherwise unknown)")
    p.add_argument("--url", help="the article's URL, if known (otherwise unknown)")
    p.add_argument("--by", help="who ingests it (default: TALKSBOT_OPERATOR or $USER)")
    p.add_argument(
        "--limit",
        type=int,
        default=PROPOSALS_PER_ARTICLE,
        help=f"queue at most this many proposals, the most substantial first (default {PROPOSALS_PER_ARTICLE}; "
        "0: all); `talksbot propose SOURCE` queues the rest",
    )

    p = sub.add(
        "propose",
        "moderators: queue the proposals of an ingested article that `ingest` held back",
        moderating.cmd_propose,
    )
    p.add_argument("source", help="the ingested article's source id (see `talksbot sources`)")
    p.add_argument("--limit", type=int, help="only the next this many, the most substantial first (default: all)")
    p.add_argument("--by", help="who asks (default: TALKSBOT_OPERATOR or $USER)")

    p = sub.add(
        "candidates",
        "moderators: claims proposed from ingested articles, waiting for review",
        moderating.cmd_candidates,
    )
    p.add_argument("--json", action="store_true", help="print a JSON array (`kind_total`: how many are open in all)")
    p.add_argument("--limit", type=int, default=200, help="at most this many, oldest first (default 200)")

    p = sub.add(
        "export-claims",
        "moderators: print claims accepted from ingested articles in the curated TOML format",
        moderating.cmd_export_claims,
    )
    p.add_argument("--articles", help="also write their ingested articles into this directory as <source>.txt")

    p = sub.add("status", "database, content version, platforms, moderation scope and digest runs", reading.cmd_status)
    p.add_argument("--json", action="store_true", help="print JSON")
