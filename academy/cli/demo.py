"""``demo``: fill an empty database with a demo organisation."""

from __future__ import annotations

import argparse
import sys

from academy.cli.common import Subparsers, course, database_option, store_from
from academy.demo import DemoClock, describe, populate


def register(subparsers: Subparsers) -> None:
    demo = subparsers.add_parser(
        "demo",
        parents=[database_option()],
        help="fill a fresh database with a demo organisation",
        description="Create demo teams, managers and learners with varied progress, "
        "played through the real engine. Refuses a database with accounts.",
    )
    demo.add_argument("--seed", type=int, default=2026, help="random seed of the organisation (default %(default)s)")
    demo.add_argument(
        "--password-stdin",
        action="store_true",
        help="read one password for every demo account from stdin (default: random, printed)",
    )
    demo.add_argument(
        "--no-start-hint", action="store_true", help="leave out how to start the app (scripts/run.sh starts it next)"
    )
    demo.set_defaults(func=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
    clock = DemoClock()
    with store_from(args, clock=clock) as store:
        result = populate(store, course(), clock, seed=args.seed, password=password)
        url = store.url
    print(describe(result, url, start_hint=not args.no_start_hint))
    return 0
