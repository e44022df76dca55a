"""``db upgrade`` and ``db current``: the database schema."""

from __future__ import annotations

import argparse

from academy.cli.common import Subparsers, database_option, opening
from academy.store import migrations
from academy.store.config import create_store_engine, describe_url, resolve_url


def register(subparsers: Subparsers) -> None:
    common = database_option()
    db = subparsers.add_parser("db", help="database schema: upgrade, current", description="Manage the schema.")
    actions = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = actions.add_parser("upgrade", parents=[common], help="apply every pending migration")
    upgrade.set_defaults(func=run_db_upgrade)
    current = actions.add_parser("current", parents=[common], help="print the schema revision and the newest one")
    current.set_defaults(func=run_db_current)


def run_db_upgrade(args: argparse.Namespace) -> int:
    url = resolve_url(args.database_url)
    engine = create_store_engine(url)
    try:
        with opening(args.database_url):
            before = migrations.current_revision(engine)
        migrations.upgrade(engine)
        after = migrations.current_revision(engine)
    finally:
        engine.dispose()
    change = "already at the newest revision" if before == after else f"upgraded from {before or 'empty'}"
    print(f"{describe_url(url)}: revision {after} ({change})")
    return 0


def run_db_current(args: argparse.Namespace) -> int:
    url = resolve_url(args.database_url)
    engine = create_store_engine(url)
    try:
        with opening(args.database_url):
            current = migrations.current_revision(engine)
    finally:
        engine.dispose()
    head = migrations.head_revision()
    state = "up to date" if current == head else f"newest is {head}: run `python -m academy db upgrade`"
    print(f"{describe_url(url)}: revision {current or 'none'} ({state})")
    return 0 if current == head else 1
