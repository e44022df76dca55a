"""``python -m academy <command>``: the command line, and its one error boundary.

Each command lives in one module of this package with a ``register(subparsers)`` function
that adds its parser(s) and sets ``func`` to a handler ``(args: argparse.Namespace) -> int``
(the exit status). Handlers do the work through the domain packages and print results;
they do not catch errors: anything they raise is turned into one line on stderr and exit
status 1 by ``academy.cli.errors`` (rerun with ``--traceback`` to see the traceback). To
refuse something in your own words, raise ``CommandError("...")``.

Adding a command
    1. Write ``academy/cli/<name>.py`` with ``register`` and its handlers (copy
       ``demo.py`` for a small one; take ``--database-url`` from
       ``common.database_option()``, open the store with ``common.store_from(args)`` and
       the course with ``common.course()``), and add the module to ``COMMAND_MODULES`` below.
    2. Give it a row in the Commands table of README.md (tests/test_cli_docs.py checks)
       and a test for its bad database URL, missing file or unknown team
       (tests/test_cli_errors.py).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from academy import __version__
from academy.cli import content, db, demo, export, learner, remind, review, users
from academy.cli.errors import CommandError, run_guarded

__all__ = ["COMMAND_MODULES", "CommandError", "build_parser", "main"]

# In the order `--help` lists them.
COMMAND_MODULES = (content, review, db, users, learner, export, demo, remind)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m academy", description="Customer Service Academy: course, store and report commands."
    )
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument(
        "--traceback", action="store_true", help="on an error, show Python's traceback instead of one line"
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return run_guarded(lambda: int(args.func(args) or 0), traceback=args.traceback)
