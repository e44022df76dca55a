"""``python -m academy review [PATH...]``: the course reviewer's command line."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from academy.cli.common import Subparsers, course_folders
from academy.cli.errors import CommandError
from academy.course.loader import load_course, load_paths
from academy.review import PLAYERS, Finding, PlayerFigures, ScenarioKey, course_players, review_course
from academy.review.located import finding_records

FAIL_ON = ("error", "warning", "never")


def register(subparsers: Subparsers) -> None:
    review = subparsers.add_parser(
        "review",
        help="report weak questions and role-play shortcuts (rule, file:line, item, severity)",
        description=(
            "Review course files for item-writing flaws and test-wise shortcuts. Where `validate` says a file "
            "is broken, `review` says it is weak. Each rule is explained in docs/authoring.md."
        ),
    )
    review.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="module or quiz files, or folders (default: the course's folders, as for validate)",
    )
    review.add_argument("--format", choices=["text", "json"], default="text", help="text (default) or json")
    review.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="error",
        help="exit 1 when a finding of this severity or worse is reported (default: error; never: always exit 0)",
    )
    review.set_defaults(func=run_review)


def players_table(players: dict[ScenarioKey, list[PlayerFigures]]) -> list[str]:
    """The test-wise players' figures as a text table, one scenario a line."""
    if not players:
        return []
    lines = [
        "Test-wise players: share of the best score / share of runs reaching the best ending",
        f"  {'scenario':<28}" + "".join(f"{name:>15}" for name in PLAYERS),
    ]
    for (_, scenario_id), figures in players.items():
        cells = "".join(f"  {f.share_of_best:>6.0%} /{f.best_ending_share:>5.0%}" for f in figures)
        lines.append(f"  {scenario_id:<28}{cells}")
    return lines


def _fails(findings: list[Finding], fail_on: str) -> bool:
    if fail_on == "never":
        return False
    worst = {"error": ("error",), "warning": ("error", "warning")}[fail_on]
    return any(finding.severity in worst for finding in findings)


def run_review(args: argparse.Namespace) -> int:
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        raise CommandError(f"{', '.join(missing)}: no such file or folder")
    result = load_paths(args.paths) if args.paths else load_course(*course_folders())
    for problem in result.problems:
        print(problem, file=sys.stderr)
    if result.problems:
        print("(files with validation problems are left out of the review; run `validate`)", file=sys.stderr)
    players = course_players(result.course)
    findings = review_course(result.course, players)
    records = finding_records(result, findings)
    errors = sum(record["severity"] == "error" for record in records)
    warnings = len(records) - errors
    if args.format == "json":
        payload = {
            "findings": records,
            "players": [
                {"module": module_id, **figures.to_dict()}
                for (module_id, _), group in players.items()
                for figures in group
            ],
            "summary": {"errors": errors, "warnings": warnings},
        }
        print(json.dumps(payload, indent=2))
    else:
        for record in records:
            print(
                f"{record['file']}:{record['line']}: {record['severity']} [{record['rule']}] "
                f"{record['subject']}: {record['message']}"
            )
        if players:
            print()
        for line in players_table(players):
            print(line)
        print(f"\n{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")
    if result.problems or (not result.course.modules and not result.course.banks):
        return 1
    return 1 if _fails(findings, args.fail_on) else 0
