"""``export xapi`` and ``export csv matrix|at-risk|assignments``: learning data for other tools.

Exports run as the operator (whoever holds the database sees every team).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, time

from academy import settings
from academy.cli.common import Subparsers, course, database_option, output, store_from
from academy.cli.errors import CommandError
from academy.reports.access import operator_scope
from academy.reports.assignments import assignment_view
from academy.reports.at_risk import RiskRules, at_risk
from academy.reports.csv_export import to_csv
from academy.reports.overview import team_overview
from academy.reports.xapi import XapiSettings, statements, write_json
from academy.store import Store

DEFAULT_RULES = RiskRules()


def register(subparsers: Subparsers) -> None:
    common = database_option()
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
        "--home-page",
        metavar="URL",
        help=f"the accounts' homePage and activity id root (default: ${settings.XAPI_HOME_PAGE_ENV})",
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


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _midnight(day: date | None) -> datetime | None:
    return datetime.combine(day, time(), tzinfo=UTC) if day else None


def _team_ids(store: Store, names: list[str]) -> list[int] | None:
    """The ids of the teams named by --team (None: every team)."""
    if not names:
        return None
    ids = []
    for name in names:
        team = store.team_by_name(name)
        if team is None:
            raise CommandError(f"no team named {name!r}")
        ids.append(team.id)
    return ids


def run_export_xapi(args: argparse.Namespace) -> int:
    xapi_settings = XapiSettings.from_environment(anonymise=args.anonymise)
    if args.home_page:
        xapi_settings = XapiSettings(home_page=args.home_page, anonymise=args.anonymise, salt=xapi_settings.salt)
    the_course = course()
    with store_from(args) as store:
        scope = operator_scope(store)
        found = statements(
            store,
            the_course,
            scope,
            xapi_settings,
            team_ids=_team_ids(store, args.team),
            since=_midnight(args.since),
            until=_midnight(args.until),
        )
        with output(args.out) as out:
            count = write_json(found, out)
    print(f"{count} statements written to {args.out}", file=sys.stderr)
    return 0


def run_export_csv(args: argparse.Namespace) -> int:
    the_course = course()
    with store_from(args) as store:
        scope = operator_scope(store)
        team_ids = _team_ids(store, args.team)
        if args.report == "matrix":
            frame = team_overview(store, the_course, scope, team_ids=team_ids).export_frame()
        elif args.report == "assignments":
            frame = assignment_view(store, the_course, scope, team_ids=team_ids).drop(columns=["user_id"])
        else:
            rules = RiskRules(args.inactive_days, args.failed_quizzes, args.stalled_days)
            frame = at_risk(store, the_course, scope, team_ids=team_ids, rules=rules).drop(columns=["user_id"])
    with output(args.out) as out:
        out.write(to_csv(frame))
    print(f"{len(frame)} rows written to {args.out}", file=sys.stderr)
    return 0
