"""Report commands: ``export xapi``, ``export csv matrix|at-risk|assignments`` and ``demo``.

Exports run as the operator (whoever holds the database sees every team). Every command
takes ``--database-url`` (default: $ACADEMY_DATABASE_URL, else progress/academy.db).
"""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TextIO

from academy.auth import AccountError
from academy.content.loader import DEFAULT_LESSONS, DEFAULT_QUIZZES, load_course
from academy.content.schema import Course
from academy.demo import DemoClock, DemoRefusedError, describe, populate
from academy.private_files import private_output
from academy.reports.access import AccessDeniedError, Scope, operator_scope
from academy.reports.assignments import assignment_view
from academy.reports.at_risk import RiskRules, at_risk
from academy.reports.csv_export import to_csv
from academy.reports.overview import team_overview
from academy.reports.xapi import HOME_PAGE_ENV, XapiSettings, statements, write_json
from academy.store import Store, open_store

DEFAULT_RULES = RiskRules()

# The same settings the app reads (academy.ui.session), so the CLI sees the same course.
LESSONS_ENV = "ACADEMY_LESSONS_DIR"
QUIZZES_ENV = "ACADEMY_QUIZZES_DIR"


def register(subparsers: argparse._SubParsersAction) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url", metavar="URL", help="database URL (default: $ACADEMY_DATABASE_URL or progress/academy.db)"
    )
    export = subparsers.add_parser(
        "export", help="export learning data: xapi, csv", description="Export learning data for other tools."
    )
    kinds = export.add_subparsers(dest="export_kind", required=True, metavar="FORMAT")

    xapi = kinds.add_parser(
        "xapi",
        parents=[common],
        help="xAPI 1.0.3 statements as JSON, one per learning record",
        description="Write one xAPI 1.0.3 statement per learning record, as a JSON array.",
    )
    xapi.add_argument("--since", type=_date, metavar="DATE", help="only records on or after this UTC day (YYYY-MM-DD)")
    xapi.add_argument("--until", type=_date, metavar="DATE", help="only records before this UTC day (YYYY-MM-DD)")
    xapi.add_argument("--team", action="append", default=[], metavar="NAME", help="only this team (repeatable)")
    xapi.add_argument("--anonymise", action="store_true", help="name learners by a keyed hash, not their username")
    xapi.add_argument(
        "--home-page", metavar="URL", help=f"the accounts' homePage and activity id root (default: ${HOME_PAGE_ENV})"
    )
    xapi.add_argument("--out", required=True, metavar="FILE", help="where to write the JSON ('-' for stdout)")
    xapi.set_defaults(func=run_export_xapi)

    table = kinds.add_parser(
        "csv",
        parents=[common],
        help="the team matrix, the at-risk list or the assignment view as CSV",
        description="Write a report as CSV (cells a spreadsheet would run are neutralised).",
    )
    table.add_argument("report", choices=["matrix", "at-risk", "assignments"], help="which report")
    table.add_argument("--team", action="append", default=[], metavar="NAME", help="only this team (repeatable)")
    table.add_argument(
        "--inactive-days",
        type=int,
        default=DEFAULT_RULES.inactive_days,
        metavar="N",
        help="at-risk: inactive for N days (default %(default)s)",
    )
    table.add_argument(
        "--stalled-days",
        type=int,
        default=DEFAULT_RULES.stalled_days,
        metavar="N",
        help="at-risk: a module untouched for N days (default %(default)s)",
    )
    table.add_argument(
        "--failed-quizzes",
        type=int,
        default=DEFAULT_RULES.failed_quizzes,
        metavar="N",
        help="at-risk: failed a quiz N times (default %(default)s)",
    )
    table.add_argument("--out", required=True, metavar="FILE", help="where to write the CSV ('-' for stdout)")
    table.set_defaults(func=run_export_csv)

    demo = subparsers.add_parser(
        "demo",
        parents=[common],
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


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _midnight(day: date | None) -> datetime | None:
    return datetime.combine(day, time(), tzinfo=UTC) if day else None


def _course() -> Course:
    lessons = Path(os.environ.get(LESSONS_ENV) or DEFAULT_LESSONS)
    quizzes = Path(os.environ.get(QUIZZES_ENV) or DEFAULT_QUIZZES)
    return load_course(lessons, quizzes).course


def _output(target: str) -> AbstractContextManager[TextIO]:
    if target == "-":
        return nullcontext(sys.stdout)
    return private_output(target)  # names and scores: owner-only, complete or absent


def _team_ids(store: Store, scope: Scope, names: list[str]) -> list[int] | None:
    if not names:
        return None
    ids = []
    for name in names:
        team = store.team_by_name(name)
        if team is None:
            raise AccessDeniedError(f"no team named {name!r}")
        ids.append(team.id)
    return ids


def run_export_xapi(args: argparse.Namespace) -> int:
    store = open_store(args.database_url)
    try:
        scope = operator_scope(store)
        team_ids = _team_ids(store, scope, args.team)
        settings = XapiSettings.from_environment(anonymise=args.anonymise)
        if args.home_page:
            settings = XapiSettings(home_page=args.home_page, anonymise=args.anonymise, salt=settings.salt)
        found = statements(
            store,
            _course(),
            scope,
            settings,
            team_ids=team_ids,
            since=_midnight(args.since),
            until=_midnight(args.until),
        )
        with _output(args.out) as out:
            count = write_json(found, out)
    except AccessDeniedError as error:
        print(error, file=sys.stderr)
        return 1
    except OSError as error:
        print(f"{args.out}: cannot write: {error.strerror or error}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"{count} statements written to {args.out}", file=sys.stderr)
    return 0


def run_export_csv(args: argparse.Namespace) -> int:
    store = open_store(args.database_url)
    try:
        scope = operator_scope(store)
        team_ids = _team_ids(store, scope, args.team)
        course = _course()
        if args.report == "matrix":
            frame = team_overview(store, course, scope, team_ids=team_ids).export_frame()
        elif args.report == "assignments":
            frame = assignment_view(store, course, scope, team_ids=team_ids).drop(columns=["user_id"])
        else:
            rules = RiskRules(args.inactive_days, args.failed_quizzes, args.stalled_days)
            frame = at_risk(store, course, scope, team_ids=team_ids, rules=rules).drop(columns=["user_id"])
        with _output(args.out) as out:
            out.write(to_csv(frame))
    except (AccessDeniedError, ValueError) as error:
        print(error, file=sys.stderr)
        return 1
    except OSError as error:
        print(f"{args.out}: cannot write: {error.strerror or error}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"{len(frame)} rows written to {args.out}", file=sys.stderr)
    return 0


def run_demo(args: argparse.Namespace) -> int:
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
    clock = DemoClock()
    store = open_store(args.database_url, clock=clock)
    try:
        result = populate(store, _course(), clock, seed=args.seed, password=password)
    except (DemoRefusedError, AccountError) as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        store.close()
    print(describe(result, store.url, start_hint=not args.no_start_hint))
    return 0
