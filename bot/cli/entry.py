"""Running a parsed command: settings, logging, and one exit code per outcome.

Exit codes: 0 success, 2 bad usage or bad input (one line on stderr), 1 an
unexpected error (logged with its traceback).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sqlite3
import sys
from collections.abc import Sequence

from bot.cli.common import Handler, log
from bot.cli_input import check_arguments
from bot.settings import Settings
from bot.terminal_text import one_line
from knowledge.errors import BadInput, TalksbotError


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
