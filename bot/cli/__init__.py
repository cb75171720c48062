"""The `talksbot` command line: the core's commands in a parser the adapters extend
(`build_parser`), and `run`, which turns each outcome into one exit code."""

from bot.cli.entry import run
from bot.cli.parser import Commands, Extension, build_parser

__all__ = ["Commands", "Extension", "build_parser", "run"]
