"""``python -m academy <command>``: one entry point; each area registers its own commands."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from academy import __version__
from academy.content import commands as content_commands
from academy.programme import commands as programme_commands
from academy.reports import commands as report_commands
from academy.review import commands as review_commands
from academy.store import commands as store_commands

# Each module exposes register(subparsers); a command's handler is set as ``func``.
COMMAND_MODULES = [content_commands, review_commands, store_commands, report_commands, programme_commands]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m academy", description="Customer Service Academy: course, store and report commands."
    )
    parser.add_argument("--version", action="version", version=__version__)
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)
