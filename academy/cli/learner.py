"""``learner export`` and ``learner delete``: one person's data, for privacy requests."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from academy.auth import UnknownUserError
from academy.cli.common import Subparsers, database_option, store_from, write_file


def register(subparsers: Subparsers) -> None:
    common = database_option()
    learner = subparsers.add_parser("learner", help="privacy: export or delete one person's data")
    actions = learner.add_subparsers(dest="learner_command", required=True, metavar="ACTION")
    export = actions.add_parser("export", parents=[common], help="write all of a person's data as JSON")
    export.add_argument("username")
    export.add_argument("--out", type=Path, metavar="FILE", help="write here instead of stdout")
    export.set_defaults(func=run_learner_export)
    delete = actions.add_parser("delete", parents=[common], help="erase a person's account, progress and records")
    delete.add_argument("username")
    delete.add_argument("--yes", action="store_true", help="really delete (without it, only say what would go)")
    delete.set_defaults(func=run_learner_delete)


def run_learner_export(args: argparse.Namespace) -> int:
    with store_from(args) as store:
        document = json.dumps(store.learner_export(args.username), indent=2, ensure_ascii=False)
    if args.out is None:
        print(document)
    else:
        write_file(args.out, document + "\n")  # personal data: owner-only
        print(f"wrote {args.out} (readable by you only)", file=sys.stderr)
    return 0


def run_learner_delete(args: argparse.Namespace) -> int:
    with store_from(args) as store:
        user = store.user_by_name(args.username)
        if user is None:
            raise UnknownUserError(args.username)
        if not args.yes:
            records = store.count_records(user_id=user.id)
            print(
                f"this would erase {user.username} ({user.display_name}): the account, team memberships, "
                f"progress and {records} learning record(s). Run again with --yes to do it.",
                file=sys.stderr,
            )
            return 1
        removed = store.learner_delete(user.username)
    details = ", ".join(f"{table} {count}" for table, count in removed.items() if count)
    print(f"erased {user.username}: {details}")
    return 0
