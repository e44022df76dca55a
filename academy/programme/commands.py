"""``python -m academy remind``: e-mail the digests due today (for cron or a systemd timer)."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from academy.content.loader import DEFAULT_LESSONS, DEFAULT_QUIZZES, load_course
from academy.content.schema import Course
from academy.programme import remind
from academy.programme.config import SettingsError, app_url, smtp_settings
from academy.store import open_store

LESSONS_ENV = "ACADEMY_LESSONS_DIR"
QUIZZES_ENV = "ACADEMY_QUIZZES_DIR"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "remind",
        help="e-mail learners what is due soon or overdue, and managers their overdue people",
        description=(
            "Send today's reminder digests by e-mail: each learner what is due soon or overdue, each manager "
            "their overdue people. Nothing is sent twice for the same item on the same day. Mail server: "
            "ACADEMY_SMTP_HOST, _PORT, _STARTTLS, _USER, _PASSWORD, _FROM (or smtp_* in .streamlit/secrets.toml); "
            "links point at ACADEMY_APP_URL."
        ),
    )
    parser.add_argument("--dry-run", action="store_true", help="print the digests instead of sending them")
    parser.add_argument(
        "--database-url", metavar="URL", help="database URL (default: $ACADEMY_DATABASE_URL or progress/academy.db)"
    )
    parser.set_defaults(func=run_remind)


def _course() -> Course:
    lessons = Path(os.environ.get(LESSONS_ENV) or DEFAULT_LESSONS)
    quizzes = Path(os.environ.get(QUIZZES_ENV) or DEFAULT_QUIZZES)
    return load_course(lessons, quizzes).course


def run_remind(args: argparse.Namespace, *, now: datetime | None = None) -> int:
    try:
        settings = None if args.dry_run else smtp_settings()
    except SettingsError as error:
        print(f"remind: {error}", file=sys.stderr)
        return 2
    store = open_store(args.database_url)
    try:
        found = remind.digests(store, _course(), now or datetime.now(UTC), app_url())
        if settings is None:
            if found:
                print(remind.dry_run_report(found))
            print(
                remind.Outcome(
                    sent=[d for d in found if d.address], no_address=[d for d in found if not d.address]
                ).summary(dry_run=True),
                file=sys.stderr,
            )
            return 0
        outcome = remind.send(store, found, settings)
    except remind.RemindError as error:
        print(f"remind: {error}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(outcome.summary(dry_run=False), file=sys.stderr)
    return 0
