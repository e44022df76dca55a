"""Reports benchmark: the team overview and one bank's question analysis in a big store.

    python bench/reports.py                          # 10,000 learners, 1,000,000 records
    python bench/reports.py --learners 1000 --records 100000 --runs 5   # a quick run
    python bench/reports.py --database sqlite:////tmp/academy-bench/academy.db   # reuse a loaded store
    python bench/reports.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test

The store is bulk-loaded with ``bench/store.py``'s fixture (learners in teams of 50,
8 modules, each with a 20-question bank drawn 10 at a time, lessons and role-plays), and a
course with the same ids is built in memory. Each figure is the median of ``--runs`` timed
calls after one warm-up call, as the manager pages make them (scope included):

* team overview: a manager's one team of 50 (``academy.reports.overview.team_overview``);
* at risk: the same team (``academy.reports.at_risk.at_risk``);
* question analysis: one bank, over every learner (an administrator) and over one team;
* decision analysis and skills of one team, for comparison;
* assignment view: the same team's (learner, assignment) standings with due dates, among
  200 assignments (150 to teams, 50 to five chosen learners each; a third already past
  due), with the certificates the learners had earned issued first.

Targets: team overview and assignment view under 100 ms; one bank's question analysis under 1 s.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from academy.content.schema import Course  # noqa: E402
from academy.content.sources import SOURCES  # noqa: E402
from academy.programme import standing  # noqa: E402
from academy.reports.access import scope_for  # noqa: E402
from academy.reports.assignments import assignment_view  # noqa: E402
from academy.reports.at_risk import at_risk  # noqa: E402
from academy.reports.decisions import decision_analysis  # noqa: E402
from academy.reports.items import question_analysis  # noqa: E402
from academy.reports.overview import team_overview  # noqa: E402
from academy.reports.skills import skill_report  # noqa: E402
from academy.store import Store, open_store, resolve_url  # noqa: E402
from bench import store as bench_store  # noqa: E402

OVERVIEW_TARGET_MS = 100.0
ANALYSIS_TARGET_MS = 1000.0


def bench_course(fixture: Any) -> Course:
    """A course whose ids are the fixture's: modules, lessons, banks, questions, scenarios, nodes."""
    source = next(iter(SOURCES))

    def choice(step: int, index: int) -> dict[str, Any]:
        following = f"n{step + 1}" if step + 1 < fixture.STEPS else ("calm" if index == 0 else "lost")
        return {
            "text": f"Reply {index}",
            "next": following,
            "trust": 10 - 10 * index,
            "skills": [["empathy", "ownership", "follow-through"][index % 3]],
            "feedback": "Because.",
        }

    def scenario(module: str, number: int) -> dict[str, Any]:
        return {
            "id": f"{module}-scenario-{number}",
            "title": f"Scenario {number}",
            "brief": "A customer calls.",
            "customer": {"name": "Dana", "situation": "Waiting", "mood": "calm"},
            "start": "n0",
            "nodes": [
                {
                    "id": f"n{step}",
                    "customer": f"Line {step}",
                    "choices": [choice(step, index) for index in range(fixture.CHOICES)],
                }
                for step in range(fixture.STEPS)
            ],
            "endings": [
                {"id": "calm", "outcome": "retained", "title": "Calm", "debrief": "Good."},
                {"id": "lost", "outcome": "lost", "title": "Lost", "debrief": "Bad."},
            ],
            "sources": [source],
        }

    modules = [
        {
            "schema_version": 1,
            "id": module,
            "title": module.replace("-", " ").title(),
            "summary": "A module.",
            "objectives": ["Learn"],
            "estimated_minutes": 20,
            "pass_mark": 0.7,
            "order": number,
            "lessons": [
                {
                    "id": lesson,
                    "title": lesson,
                    "body": "Text.",
                    "key_points": ["Point"],
                    "try_this": "Try it.",
                    "sources": [source],
                }
                for lesson in fixture.LESSONS
            ],
            "scenarios": [scenario(module, n) for n in range(fixture.SCENARIOS_PER_MODULE)],
            "quiz": f"{module}-bank",
            "sources": [source],
        }
        for number, module in enumerate(fixture.MODULES)
    ]
    banks = {
        f"{module}-bank": {
            "schema_version": 1,
            "id": f"{module}-bank",
            "title": f"{module} quiz",
            "draw": fixture.DRAW,
            "questions": [
                {
                    "id": question,
                    "type": "single",
                    "prompt": f"Question {question}?",
                    "explanation": "Because.",
                    "skills": ["listening"],
                    "sources": [source],
                    "options": [
                        {"id": option, "text": f"Option {option}", "correct": option == "a", "feedback": "-"}
                        for option in "abcd"
                    ],
                }
                for question in fixture.QUESTIONS
            ],
        }
        for module in fixture.MODULES
    }
    return Course.model_validate(
        {"modules": modules, "banks": banks, "versions": dict.fromkeys(fixture.MODULES, fixture.VERSION)}
    )


def timed(action: Callable[[], Any], runs: int) -> tuple[list[float], Any]:
    result = action()  # warm-up: connection pool, SQLite page cache, pandas imports
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        samples.append(time.perf_counter() - started)
    return samples, result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def run(name: str, url: str, args: argparse.Namespace, fixture_module: Any) -> dict[str, list[float]]:
    if not args.database:
        print(f"\n== {name}: loading {args.learners:,} learners and {args.records:,} records ...", flush=True)
        loaded = fixture_module.load_fixture(url, learners=args.learners, records=args.records, team_size=50)
        print(
            f"   loaded in {loaded.seconds:.1f} s: "
            + ", ".join(f"{table} {count:,}" for table, count in loaded.counts.items())
        )
    else:
        print(f"\n== {name}: {url}")
    print(f"   machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    course = bench_course(fixture_module)
    store = open_store(url)
    try:
        if not store.list_assignments():
            started = time.perf_counter()
            made, issued = add_assignments(store, course, fixture_module)
            print(f"   {made} assignments and {issued:,} certificates added in {time.perf_counter() - started:.1f} s")
        return measure(store, course, args.runs, fixture_module)
    finally:
        store.close()


ASSIGNMENTS = 200
TEAM_ASSIGNMENTS = 150


def add_assignments(store: Store, course: Course, fixture_module: Any) -> tuple[int, int]:
    """200 assignments through the store's API, then every certificate the learners earned."""
    rng = random.Random(14)
    today = datetime.now(UTC).date()
    admin = store.user_by_name("admin")
    manager = store.user_by_name("manager00001")
    assert admin is not None
    assert manager is not None
    own = store.teams_managed_by(manager.id)[0]
    teams = [own, *[team for team in store.list_teams() if team.id != own.id]]
    learners = [user.id for user in store.list_users(role="learner")]
    for number in range(ASSIGNMENTS):
        modules = rng.sample(fixture_module.MODULES, rng.randint(1, 3))
        due = today + timedelta(days=rng.randint(-30, 60))
        target: dict[str, Any] = (
            # The measured team gets the first three, so its view has several to show.
            {"team_id": teams[0 if number < 3 else number % len(teams)].id}
            if number < TEAM_ASSIGNMENTS
            else {"learner_ids": rng.sample(learners, 5)}
        )
        store.create_assignment(
            actor_id=admin.id,
            title=f"Assignment {number}",
            modules=modules,
            due_on=due,
            days_allowed=30,
            recert_months=12 if number % 2 else None,
            **target,
        )
    issued = 0
    for start in range(0, len(learners), 500):
        issued += len(standing.sync_certificates(store, learners[start : start + 500], course))
    return ASSIGNMENTS, issued


def measure(store: Store, course: Course, runs: int, fixture_module: Any) -> dict[str, list[float]]:
    manager = store.user_by_name("manager00001")
    admin = store.user_by_name("admin")
    assert manager is not None
    assert admin is not None
    team = store.teams_managed_by(manager.id)[0]
    bank = f"{fixture_module.MODULES[0]}-bank"
    scenario = f"{fixture_module.MODULES[0]}-scenario-0"
    cases: dict[str, Callable[[], Any]] = {
        "team overview (manager, team of 50)": lambda: team_overview(store, course, scope_for(store, manager)),
        "team overview (admin, one team)": lambda: team_overview(
            store, course, scope_for(store, admin), team_ids=[team.id]
        ),
        "at risk (manager, team of 50)": lambda: at_risk(store, course, scope_for(store, manager)),
        "question analysis, one bank, every learner (admin)": lambda: question_analysis(
            store, course, scope_for(store, admin), bank
        ),
        "question analysis, one bank, one team (manager)": lambda: question_analysis(
            store, course, scope_for(store, manager), bank
        ),
        "decision analysis, one scenario, one team (manager)": lambda: decision_analysis(
            store, course, scope_for(store, manager), scenario
        ),
        "skills, one team (manager)": lambda: skill_report(store, course, scope_for(store, manager)),
        "assignment view (manager, team of 50)": lambda: assignment_view(store, course, scope_for(store, manager)),
    }
    results: dict[str, list[float]] = {}
    for label, action in cases.items():
        samples, result = timed(action, runs)
        results[label] = samples
        print(
            f"   {label:<54} median {ms(statistics.median(samples)):>8} ms   max {ms(max(samples)):>8} ms"
            f"   {_size(result)}",
            flush=True,
        )
    return results


def _size(result: Any) -> str:
    if isinstance(result, pd.DataFrame) and "assignment_id" in result:  # the assignment view
        return f"({len(result)} learner x assignment rows, {int((result['status'] == 'overdue').sum())} overdue)"
    if isinstance(result, pd.DataFrame):  # the at-risk list
        return f"({len(result)} learners at risk)"
    if hasattr(result, "cells"):
        return f"({len(result.learners)} learners, {len(result.cells)} cells, {len(result.scores)} attempts)"
    if hasattr(result, "alpha"):
        return f"({result.attempts:,} attempts, {int(result.items['attempts'].sum()):,} answers)"
    if hasattr(result, "nodes"):
        return f"({result.runs} runs)"
    if hasattr(result, "per_learner"):
        return f"({len(result.per_learner)} learner x skill rows)"
    return ""


def verdict(results: dict[str, list[float]]) -> str:
    overview = statistics.median(results["team overview (manager, team of 50)"]) * 1000
    analysis = statistics.median(results["question analysis, one bank, every learner (admin)"]) * 1000
    assigned = statistics.median(results["assignment view (manager, team of 50)"]) * 1000
    return (
        f"   team overview {overview:.1f} ms (target < {OVERVIEW_TARGET_MS:.0f} ms: "
        f"{'met' if overview < OVERVIEW_TARGET_MS else 'MISSED'}); "
        f"assignment view {assigned:.1f} ms (target < {OVERVIEW_TARGET_MS:.0f} ms: "
        f"{'met' if assigned < OVERVIEW_TARGET_MS else 'MISSED'}); "
        f"question analysis {analysis:.0f} ms (target < {ANALYSIS_TARGET_MS:.0f} ms: "
        f"{'met' if analysis < ANALYSIS_TARGET_MS else 'MISSED'})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20, help="timed calls of each report (median shown)")
    parser.add_argument("--database", help="a store already loaded by bench/store.py --keep (skip loading)")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("ACADEMY_TEST_POSTGRES_URL"),
        help="also run on this PostgreSQL server (default: $ACADEMY_TEST_POSTGRES_URL)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the SQLite database and print its URL")
    args = parser.parse_args()
    fixture_module = bench_store
    if args.database:
        print(verdict(run("given store", args.database, args, fixture_module)))
        return 0
    directory = Path(tempfile.mkdtemp(prefix="academy-reports-bench-"))
    url = f"sqlite:///{directory}/academy.db"
    print(verdict(run("SQLite", url, args, fixture_module)))
    if args.keep:
        print(f"   kept {url}")
    else:
        for leftover in directory.iterdir():
            leftover.unlink()
        directory.rmdir()
    if args.postgres:
        schema = f"bench_reports_{uuid.uuid4().hex[:10]}"
        admin = create_engine(resolve_url(args.postgres), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            pg_url = resolve_url(args.postgres).update_query_dict({"options": f"-csearch_path={schema}"})
            print(verdict(run("PostgreSQL", pg_url.render_as_string(hide_password=False), args, fixture_module)))
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            admin.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
