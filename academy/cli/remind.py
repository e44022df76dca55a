"""``remind``: e-mail the digests due today (for cron or a systemd timer)."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from academy.cli.common import Subparsers, course, database_option, store_from
from academy.programme import remind
from academy.programme.config import app_url, smtp_settings


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "remind",
        parents=[database_option()],
        help="e-mail learners what is due soon or overdue, and managers their overdue people",
        description=(
            "Send today's reminder digests by e-mail: each learner what is due soon or overdue, each manager "
            "their overdue people. Nothing is sent twice for the same item on the same day. Mail server: "
            "ACADEMY_SMTP_HOST, _PORT, _STARTTLS, _USER, _PASSWORD, _FROM (or smtp_* in .streamlit/secrets.toml); "
            "links point at ACADEMY_APP_URL."
        ),
    )
    parser.add_argument("--dry-run", action="store_true", help="print the digests instead of sending them")
    parser.set_defaults(func=run_remind)


def run_remind(args: argparse.Namespace, *, now: datetime | None = None) -> int:
    # The mail settings are checked first: a misconfigured cron job fails before any work.
    mail = None if args.dry_run else smtp_settings()
    the_course = course()
    with store_from(args) as store:
        found = remind.digests(store, the_course, now or datetime.now(UTC), app_url())
        if mail is None:
            if found:
                print(remind.dry_run_report(found))
            sent = [digest for digest in found if digest.address]
            no_address = [digest for digest in found if not digest.address]
            print(remind.Outcome(sent=sent, no_address=no_address).summary(dry_run=True), file=sys.stderr)
            return 0
        outcome = remind.send(store, found, mail)
    print(outcome.summary(dry_run=False), file=sys.stderr)
    return 0
