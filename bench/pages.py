"""Page benchmark: the server time of one run of each page with 10,000 learners in the store.

    python bench/pages.py                       # 10,000 learners, 200,000 records, 9 runs per page
    python bench/pages.py --learners 1000 --records 20000 --runs 5   # a quick run

The store is bulk-loaded with ``bench/store.py``'s fixture (learners in teams of 50, each
with lessons, quiz attempts and role-play runs), then one learner does real work in the
real course through the API (lessons read, a role-play finished, another half played, a
quiz passed, another one open), so the learner pages have something to show. Each page is
run with Streamlit's AppTest as the user who may open it (a learner, the manager of one
team, the administrator), first once to warm the caches (store, course), then ``--runs``
times; the median is printed beside an empty Streamlit page's, which is AppTest's own
overhead. Target: under 100 ms per page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from argon2 import PasswordHasher  # noqa: E402
from argon2.profiles import CHEAPEST  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402
from streamlit.util import calc_hash  # noqa: E402

from academy import auth, learning  # noqa: E402
from academy.content.schema import Course, Module, Scenario  # noqa: E402
from academy.course.loader import load_course  # noqa: E402
from academy.engine import quiz as quiz_engine  # noqa: E402
from academy.engine import roleplay  # noqa: E402
from academy.store import ENV_VAR, Store, User, open_store  # noqa: E402
from academy.ui import navigation  # noqa: E402
from academy.ui.session import USER_KEY  # noqa: E402
from bench import store as bench_store  # noqa: E402

APP = str(ROOT / "app.py")
TARGET_MS = 100.0


@dataclass(frozen=True)
class Case:
    name: str
    user: User | None
    path: str | None
    query: dict[str, str]
    prepare: Callable[[AppTest], Any] | None = None
    """Widget changes made after the first run (e.g. opening a section of the page)."""


def busy_learner(store: Store, course: Course) -> User:
    """A learner who has done a little of everything in the real course, through the learning actions."""
    user = store.create_user("bench.learner", "bench-password-123", display_name="Bench Learner")
    modules = sorted(course.modules, key=lambda module: module.order)
    first, second, third = modules[0], modules[1], modules[2]
    for module in (first, second):
        for lesson in module.lessons:
            learning.complete_lesson(store, course, user.id, module.id, lesson.id)
    _play(store, course, user, first, first.scenarios[0], finish=True)
    _play(store, course, user, second, second.scenarios[0], finish=False)
    _quiz(store, course, user, first, finish=True)
    _quiz(store, course, user, third, finish=False)
    return user


def _play(store: Store, course: Course, user: User, module: Module, scenario: Scenario, *, finish: bool) -> None:
    run = learning.start_roleplay(store, course, user.id, module.id, scenario.id)
    path = roleplay.analyse(scenario).best_path
    for step in path if finish else path[:2]:
        run = learning.choose(store, course, run, step.choice).run


def _quiz(store: Store, course: Course, user: User, module: Module, *, finish: bool) -> None:
    attempt = learning.start_quiz(store, course, user.id, module.id, seed=12345)
    questions = learning.attempt_questions(course, attempt)
    for question, _ in questions if finish else questions[:3]:
        attempt = learning.answer_question(store, course, attempt, question.id, quiz_engine.correct_response(question))


def cases(store: Store, learner: User, course: Course) -> list[Case]:
    manager = store.user_by_name("manager00001")
    admin = store.user_by_name("admin")
    assert manager is not None
    assert admin is not None
    modules = sorted(course.modules, key=lambda module: module.order)
    found = [
        Case("sign-in (signed out)", None, None, {}),
        Case("catalog", learner, "catalog", {}),
        Case("lesson", learner, "lesson", {"module": modules[1].id, "lesson": modules[1].lessons[1].id}),
        Case(
            "role-play, mid-run", learner, "roleplay", {"module": modules[1].id, "scenario": modules[1].scenarios[0].id}
        ),
        Case(
            "role-play, debrief", learner, "roleplay", {"module": modules[0].id, "scenario": modules[0].scenarios[0].id}
        ),
        Case("quiz, a question", learner, "quiz", {"module": modules[2].id}),
        Case("quiz, result and review", learner, "quiz", {"module": modules[0].id}),
        Case("my progress", learner, "progress", {}),
    ]
    found.append(
        Case(
            "users, the full list",
            admin,
            "users",
            {},
            lambda at: at.button_group(key="users-section").set_value("All users"),
        )
    )
    covered = {case.path for case in found} - {"users"}
    for spec in navigation.registry().all():
        if spec.url_path in covered:
            continue
        user = next((who for who in (learner, manager, admin) if who.role in spec.roles), None)
        if user is not None:
            found.append(Case(spec.url_path, user, spec.url_path, {}))
    return found


def time_runs(make: Callable[[], AppTest], runs: int, prepare: Callable[[AppTest], Any] | None = None) -> float:
    """Median seconds of ``at.run()`` over ``runs`` runs of one session, after a warm-up run."""
    at = make()
    at.run()
    if prepare is not None:
        prepare(at)
        at.run()
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        at.run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def app_for(case: Case) -> Callable[[], AppTest]:
    def make() -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        if case.user is not None:
            at.session_state[USER_KEY] = case.user.id
        at.query_params.update(case.query)
        if case.path is not None:
            at._page_hash = calc_hash(case.path)  # open /path as a browser would
        return at

    return make


def empty_page() -> AppTest:
    return AppTest.from_string("import streamlit as st\n", default_timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    auth.configure_hasher(PasswordHasher.from_parameters(CHEAPEST))  # seeding only: no login is timed
    folder = tempfile.mkdtemp(prefix="academy-pages-")
    url = f"sqlite:///{folder}/academy.db"
    os.environ[ENV_VAR] = url
    started = time.perf_counter()
    fixture = bench_store.load_fixture(url, learners=args.learners, records=args.records)
    course = load_course().course
    store = open_store(url)
    learner = busy_learner(store, course)
    print(
        f"Store: {len(fixture.learner_ids):,} learners in {len(fixture.team_ids):,} teams, "
        f"{store.count_records():,} records (loaded in {time.perf_counter() - started:.0f} s); "
        f"median of {args.runs} runs per page."
    )
    baseline = time_runs(empty_page, args.runs)
    rows = [("empty Streamlit page", baseline)]
    for case in cases(store, learner, course):
        rows.append((case.name, time_runs(app_for(case), args.runs, case.prepare)))
    store.close()
    print()
    print("| Page | Server time (ms) | Minus the empty page (ms) |")
    print("|---|---:|---:|")
    for name, seconds in rows:
        flag = "" if seconds * 1000 < TARGET_MS else " (over target)"
        print(f"| {name} | {seconds * 1000:.1f}{flag} | {(seconds - baseline) * 1000:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
