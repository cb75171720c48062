"""The `talksbot` console script: core commands plus `run` and `discord sync`.

The core CLI (bot.cli) knows nothing of the platforms; this module adds the
commands that start them through its `Commands` table. Platform libraries are
imported only when such a command runs, so `talksbot ask` starts fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import Commands, build_parser, run
from bot.settings import Settings

PLATFORMS = ("discord", "slack", "web")


def add_platform_commands(commands: Commands) -> None:
    """`talksbot run discord|slack` and `talksbot discord sync`, added to the core's commands."""
    p = commands.add("run", "run the bot on a platform: discord or slack", cmd_run, long_running=True)
    p.add_argument("platform", choices=PLATFORMS, help="which platform to connect to")
    p.add_argument("--http", action="store_true", help="slack: serve /slack/events over HTTP instead of Socket Mode")
    p.add_argument("--host", help="slack --http, web: address to bind (default TALKSBOT_HOST, or 127.0.0.1)")
    p.add_argument("--port", type=_port, help="slack --http: port (default TALKSBOT_PORT, or 3000); web: 8080")

    discord = commands.group("discord", "Discord administration")
    s = discord.add("sync", "publish the slash commands to Discord (globally, or to one guild)", cmd_discord_sync)
    s.add_argument("--guild", type=int, help="a guild id: sync there only (instant, good for testing)")

    web = commands.group("web", "the web console")
    link = web.add("login-link", "print a one-time sign-in link to the web console (15 minutes)", cmd_login_link)
    link.add_argument("user", help="a name (the operator), or discord:<user id> / slack:<user id> in the scope")


def _port(text: str) -> int:
    """argparse type for --port: argparse turns the ValueError into its one-line usage error."""
    if not text.strip().isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError("must be a port number from 1 to 65535")
    return int(text)


async def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    if args.platform == "discord":
        from adapters.discord.runner import run_discord

        return await run_discord(settings)
    if args.platform == "web":
        from adapters.web.runner import DEFAULT_PORT, run_web

        return await run_web(settings, settings.host if args.host is None else args.host, args.port or DEFAULT_PORT)
    from adapters.slack.runner import run_slack

    host = settings.host if args.host is None else args.host
    port = settings.port if args.port is None else args.port
    return await run_slack(settings, http=args.http, host=host, port=port)


async def cmd_discord_sync(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.discord.runner import sync_commands

    return await sync_commands(settings, guild_id=args.guild)


async def cmd_login_link(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.web.runner import print_login_link

    return print_login_link(settings, args.user)


def main(argv: Sequence[str] | None = None) -> int:
    return run(argv, build_parser(add_platform_commands))


if __name__ == "__main__":
    sys.exit(main())
