"""The `talksbot` console script: core commands plus `run` and `discord sync`.

The core CLI (bot.cli) knows nothing of the platforms; this module adds the
commands that start them. Platform libraries are imported only when such a
command runs, so `talksbot ask` starts fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import build_parser as build_core_parser
from bot.cli import run
from bot.settings import Settings


def build_parser() -> argparse.ArgumentParser:
    parser = build_core_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    p = sub.add_parser("run", help="run the bot on a platform: discord or slack")
    p.add_argument("platform", choices=["discord", "slack"], help="which platform to connect to")
    p.add_argument("--http", action="store_true", help="slack: serve /slack/events over HTTP instead of Socket Mode")
    p.add_argument("--host", help="slack --http: address to bind (default TALKSBOT_HOST, or 127.0.0.1)")
    p.add_argument("--port", type=_port, help="slack --http: port (default TALKSBOT_PORT, or 3000)")
    p.set_defaults(handler=cmd_run)

    p = sub.add_parser("discord", help="Discord administration")
    dsub = p.add_subparsers(dest="discord_command", required=True, parser_class=type(parser))
    s = dsub.add_parser("sync", help="publish the slash commands to Discord (globally, or to one guild)")
    s.add_argument("--guild", type=int, help="a guild id: sync there only (instant, good for testing)")
    s.set_defaults(handler=cmd_discord_sync)
    return parser


def _port(text: str) -> int:
    """argparse type for --port: argparse turns the ValueError into its one-line usage error."""
    if not text.strip().isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError("must be a port number from 1 to 65535")
    return int(text)


async def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    if args.platform == "discord":
        from adapters.discord.runner import run_discord

        return await run_discord(settings)
    from adapters.slack.runner import run_slack

    host = settings.host if args.host is None else args.host
    port = settings.port if args.port is None else args.port
    return await run_slack(settings, http=args.http, host=host, port=port)


async def cmd_discord_sync(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.discord.runner import sync_commands

    return await sync_commands(settings, guild_id=args.guild)


def main(argv: Sequence[str] | None = None) -> int:
    return run(argv, build_parser())


if __name__ == "__main__":
    sys.exit(main())
