"""Store benchmark: single-action write latency, and a 50-learner team's summary in a big store.

    python bench/store.py                                # 10,000 learners, 1,000,000 records
    python bench/store.py --learners 1000 --records 100000 --writes 300   # a quick run
    python bench/store.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test

SQLite always runs (a temporary file); PostgreSQL runs when --postgres or
$ACADEMY_TEST_POSTGRES_URL gives a server (a temporary schema, dropped afterwards).
The fixture is bulk-loaded (executemany on SQLite, COPY on PostgreSQL), not through the
API; the timed writes and reads then go through the API, as the pages use it.
``load_fixture`` is reusable by the other benchmarks (``--keep`` leaves the database).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from argon2 import PasswordHasher
from sqlalchemy import JSON, Engine, create_engine, text

from academy.store import Store, open_store, resolve_url
from academy.store.config import create_store_engine
from academy.store.tables import metadata

MODULES = [f"module-{n}" for n in range(8)]
LESSONS = [f"lesson-{n}" for n in range(5)]
QUESTIONS = [f"q{n}" for n in range(20)]
DRAW = 10
SCENARIOS_PER_MODULE = 2
STEPS = 5
CHOICES = 3
VERSION = "bench-v1"
FLUSH_EVERY = 20_000
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


class BudgetSpent(Exception):  # noqa: N818 - control flow, not an error
    """This learner has all the records the fixture gives them."""


# --- fixture rows ----------------------------------------------------------------------

FIXTURE_TABLES = (
    # Parents first: the tables have foreign keys.
    "users",
    "teams",
    "memberships",
    "learning_records",
    "lesson_progress",
    "quiz_attempts",
    "quiz_answers",
    "scenario_runs",
    "scenario_choices",
    "module_summaries",
)
# Numbered by the database as rows arrive; every other column is written by the fixture.
DATABASE_NUMBERED = {("learning_records", "seq")}


def _fixture_columns(table: str) -> tuple[str, ...]:
    return tuple(
        column.name for column in metadata.tables[table].columns if (table, column.name) not in DATABASE_NUMBERED
    )


# From the store's own table definitions, so a new column cannot be missed: a NOT NULL column
# the generator does not fill fails the bulk load (and the bench smoke test) at once.
COLUMNS: dict[str, tuple[str, ...]] = {table: _fixture_columns(table) for table in FIXTURE_TABLES}
JSON_COLUMNS = {
    column.name
    for table in FIXTURE_TABLES
    for column in metadata.tables[table].columns
    if isinstance(column.type, JSON)
}


class Sink:
    """Buffers rows per table and bulk-writes them."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.buffers: dict[str, list[tuple[Any, ...]]] = {table: [] for table in COLUMNS}
        self.written: dict[str, int] = dict.fromkeys(COLUMNS, 0)

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.buffers[table].append(tuple(row.get(column) for column in COLUMNS[table]))

    def flush_if_full(self) -> None:
        """Called between learners, when every buffered child row has its parent buffered too."""
        if sum(len(rows) for rows in self.buffers.values()) >= FLUSH_EVERY:
            self.flush_all()

    def flush(self, table: str) -> None:
        rows = self.buffers[table]
        if rows:
            self.write(table, rows)
            self.written[table] += len(rows)
            self.buffers[table] = []

    def flush_all(self) -> None:
        # Parents first: the tables have foreign keys.
        for table in COLUMNS:
            self.flush(table)

    def write(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class SQLiteSink(Sink):
    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.connection = engine.raw_connection()
        self.connection.execute("BEGIN")

    def write(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        columns = COLUMNS[table]
        converters = [_sqlite_value(column) for column in columns]
        converted = [tuple(convert(value) for convert, value in zip(converters, row, strict=True)) for row in rows]
        placeholders = ", ".join("?" * len(columns))
        cursor = self.connection.cursor()
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})", converted)
        cursor.close()

    def close(self) -> None:
        self.flush_all()
        self.connection.execute("COMMIT")
        self.connection.execute("ANALYZE")
        self.connection.close()


def _sqlite_value(column: str) -> Callable[[Any], Any]:
    if column in JSON_COLUMNS:
        return lambda value: None if value is None else json.dumps(value)

    def plain(value: Any) -> Any:
        if isinstance(value, datetime):  # stored the way SQLAlchemy stores it: naive UTC text
            return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        if isinstance(value, bool):
            return int(value)
        return value

    return plain


class PostgresSink(Sink):
    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.pool_connection = engine.raw_connection()
        self.connection = self.pool_connection.driver_connection

    def write(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        columns = COLUMNS[table]
        json_positions = [index for index, column in enumerate(columns) if column in JSON_COLUMNS]
        with self.connection.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                if json_positions:
                    row = list(row)
                    for index in json_positions:
                        row[index] = None if row[index] is None else json.dumps(row[index])
                copy.write_row(row)

    def close(self) -> None:
        self.flush_all()
        with self.connection.cursor() as cursor:
            for table in ("users", "teams"):  # ids were given explicitly: move the sequences past them
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        self.connection.commit()
        self.connection.autocommit = True
        with self.connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.pool_connection.close()


# --- the synthetic organisation --------------------------------------------------------


@dataclass
class Fixture:
    learner_ids: list[int]
    team_ids: list[int]
    team_size: int
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class Learner:
    """Generates one learner's history, action by action, until their record budget is spent."""

    user_id: int
    sink: Sink
    rng: random.Random
    budget: int
    at: datetime
    summaries: dict[str, dict[str, Any]] = field(default_factory=dict)

    def tick(self) -> datetime:
        self.at += timedelta(seconds=self.rng.randint(5, 120))
        return self.at

    def record(self, module: str, verb: str, detail: dict[str, Any] | None = None, **objects: str | None) -> datetime:
        if self.budget <= 0:
            raise BudgetSpent
        self.budget -= 1
        at = self.tick()
        summary = self.summaries.setdefault(module, _new_summary(self.user_id, module, at))
        summary["time_spent_s"] += min((at - summary["last_activity_at"]).total_seconds(), 300)
        summary["last_activity_at"] = at
        summary["status"] = "passed" if summary["status"] == "passed" else "in_progress"
        self.sink.add(
            "learning_records",
            {
                "id": str(uuid.uuid4()),
                "user_id": self.user_id,
                "module_id": module,
                "content_version": VERSION,
                "verb": verb,
                "detail": detail or {},
                "at": at,
                **objects,
            },
        )
        return at

    def play(self) -> None:
        try:
            for module in self.rng.sample(MODULES, len(MODULES)):
                self.lessons(module)
                for _ in range(self.rng.choice((1, 1, 2, 3))):
                    self.quiz(module)
                for scenario in range(self.rng.randint(1, SCENARIOS_PER_MODULE)):
                    self.scenario(module, f"{module}-scenario-{scenario}")
        except BudgetSpent:
            pass
        for summary in self.summaries.values():
            self.sink.add("module_summaries", summary)

    def lessons(self, module: str) -> None:
        for lesson in LESSONS:
            progress = {"user_id": self.user_id, "module_id": module, "lesson_id": lesson, "content_version": VERSION}
            try:
                progress["first_viewed_at"] = progress["last_viewed_at"] = self.record(
                    module, "lesson_viewed", lesson_id=lesson
                )
                progress["completed_at"] = self.record(module, "lesson_completed", lesson_id=lesson)
                self.summaries[module]["lessons_done"] += 1
                self.summaries[module]["last_lesson_id"] = lesson
            finally:
                if "first_viewed_at" in progress:
                    self.sink.add("lesson_progress", progress)

    def quiz(self, module: str) -> None:
        attempt_id, bank = str(uuid.uuid4()), f"{module}-bank"
        drawn = self.rng.sample(QUESTIONS, DRAW)
        started = self.record(module, "quiz_started", {"bank_id": bank, "drawn": drawn}, attempt_id=attempt_id)
        summary = self.summaries[module]
        summary["quiz_attempts"] += 1
        attempt = {
            "id": attempt_id,
            "user_id": self.user_id,
            "module_id": module,
            "bank_id": bank,
            "content_version": VERSION,
            "number": summary["quiz_attempts"],
            "seed": self.rng.getrandbits(31),
            "drawn": drawn,
            "status": "in_progress",
            "started_at": started,
            "last_activity_at": started,
        }
        try:
            score = 0.0
            for position, question in enumerate(drawn):
                points = 1.0 if self.rng.random() < 0.7 else self.rng.choice((0.0, 0.5))
                answered = self.record(
                    module,
                    "answer_submitted",
                    {"points": points, "max": 1.0},
                    attempt_id=attempt_id,
                    question_id=question,
                )
                self.sink.add(
                    "quiz_answers",
                    {
                        "attempt_id": attempt_id,
                        "question_id": question,
                        "position": position,
                        "user_id": self.user_id,
                        "bank_id": bank,
                        "response": self.rng.choice("abcd"),
                        "points": points,
                        "max_points": 1.0,
                        "correct": points == 1.0,
                        "answered_at": answered,
                    },
                )
                score += points
                attempt["last_activity_at"] = answered
            passed = score >= 0.7 * DRAW
            finished = self.record(
                module, "quiz_finished", {"score": score, "max": float(DRAW), "passed": passed}, attempt_id=attempt_id
            )
            attempt.update(
                status="finished",
                score=score,
                max_score=float(DRAW),
                passed=passed,
                finished_at=finished,
                last_activity_at=finished,
            )
            scaled = score / DRAW
            summary["best_quiz_scaled"] = max(summary["best_quiz_scaled"] or 0.0, scaled)
            summary["quiz_passed"] = summary["quiz_passed"] or passed
            summary["quiz_failures"] += not passed
            if passed:
                summary["status"] = "passed"
                summary["completed_at"] = summary["completed_at"] or finished
        finally:
            self.sink.add("quiz_attempts", attempt)

    def scenario(self, module: str, scenario: str) -> None:
        run_id = str(uuid.uuid4())
        started = self.record(module, "scenario_started", scenario_id=scenario, run_id=run_id)
        run = {
            "id": run_id,
            "user_id": self.user_id,
            "module_id": module,
            "scenario_id": scenario,
            "content_version": VERSION,
            "status": "in_progress",
            "path": [],
            "started_at": started,
            "last_activity_at": started,
        }
        try:
            for step in range(STEPS):
                choice = self.rng.randrange(CHOICES)
                cost = 0.0 if choice == 0 else float(self.rng.choice((5, 10, 20)))
                made = self.record(
                    module,
                    "choice_made",
                    {"choice_index": choice, "cost": cost},
                    scenario_id=scenario,
                    run_id=run_id,
                    node_id=f"n{step}",
                )
                self.sink.add(
                    "scenario_choices",
                    {
                        "run_id": run_id,
                        "step": step,
                        "user_id": self.user_id,
                        "scenario_id": scenario,
                        "node_id": f"n{step}",
                        "choice_index": choice,
                        "cost": cost,
                        "made_at": made,
                    },
                )
                run["path"] = [*run["path"], choice]
                run["last_activity_at"] = made
            score = float(self.rng.randint(-30, 50))
            ended = self.record(module, "ending_reached", {"score": score}, scenario_id=scenario, run_id=run_id)
            run.update(
                status="finished",
                ending_id="calm" if score > 0 else "lost",
                outcome="retained" if score > 0 else "lost",
                score=score,
                best=50.0,
                worst=-30.0,
                finished_at=ended,
                last_activity_at=ended,
            )
            summary = self.summaries[module]
            summary["scenario_runs"] += 1
            summary["scenarios_completed"] += 1
            summary["best_scenario_scaled"] = max(summary["best_scenario_scaled"] or 0.0, (score + 30) / 80)
        finally:
            self.sink.add("scenario_runs", run)


def _new_summary(user_id: int, module: str, at: datetime) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "module_id": module,
        "content_version": VERSION,
        "status": "in_progress",
        "lessons_done": 0,
        "last_lesson_id": None,
        "quiz_attempts": 0,
        "quiz_failures": 0,
        "quiz_passed": False,
        "best_quiz_scaled": None,
        "scenario_runs": 0,
        "scenarios_completed": 0,
        "best_scenario_scaled": None,
        "started_at": at,
        "completed_at": None,
        "last_activity_at": at,
        "time_spent_s": 0.0,
    }


def load_fixture(url: str, *, learners: int, records: int, team_size: int = 50, seed: int = 7) -> Fixture:
    """Fill an empty store with ``learners`` in teams of ``team_size`` and about ``records`` records.

    Each learner gets records // learners actions (lessons, quiz attempts with answers,
    role-play runs with choices) and the current-state rows that go with them.
    """
    started = time.perf_counter()
    open_store(url).close()  # create the schema
    engine = create_store_engine(resolve_url(url))
    sink: Sink = SQLiteSink(engine) if engine.dialect.name == "sqlite" else PostgresSink(engine)
    password_hash = PasswordHasher().hash("bench-password")
    now = EPOCH
    teams = (learners + team_size - 1) // team_size
    team_ids = list(range(1, teams + 1))
    learner_ids = list(range(1, learners + 1))
    for team in team_ids:
        sink.add("teams", {"id": team, "name": f"Team {team:05d}", "created_at": now})
    for user_id in learner_ids:
        sink.add("users", _user(user_id, f"learner{user_id:06d}", "learner", password_hash, now))
    for team in team_ids:
        manager_id = learners + team
        sink.add("users", _user(manager_id, f"manager{team:05d}", "manager", password_hash, now))
        sink.add("memberships", {"team_id": team, "user_id": manager_id, "kind": "manager", "created_at": now})
    sink.add("users", _user(learners + teams + 1, "admin", "admin", password_hash, now))
    sink.flush_all()
    for index, user_id in enumerate(learner_ids):
        sink.add(
            "memberships", {"team_id": index // team_size + 1, "user_id": user_id, "kind": "member", "created_at": now}
        )
    sink.flush_all()
    rng = random.Random(seed)
    per_learner, extra = divmod(records, learners)
    for index, user_id in enumerate(learner_ids):
        start = EPOCH + timedelta(seconds=rng.randint(0, 150 * 86_400))
        Learner(user_id, sink, rng, per_learner + (index < extra), start).play()
        sink.flush_if_full()
    sink.close()
    engine.dispose()
    return Fixture(learner_ids, team_ids, team_size, dict(sink.written), time.perf_counter() - started)


def _user(user_id: int, username: str, role: str, password_hash: str, now: datetime) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": username,
        "display_name": username.title(),
        "role": role,
        "password_hash": password_hash,
        "disabled": False,
        "created_at": now,
        "password_changed_at": now,
    }


# --- measurements ----------------------------------------------------------------------


@dataclass
class Timings:
    samples: dict[str, list[float]] = field(default_factory=dict)

    def time(self, kind: str, action: Callable[..., Any], *args: Any) -> Any:
        started = time.perf_counter()
        result = action(*args)
        self.samples.setdefault(kind, []).append(time.perf_counter() - started)
        return result

    def all(self) -> list[float]:
        return [sample for samples in self.samples.values() for sample in samples]


def percentile(samples: Sequence[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure_writes(store: Store, learner_ids: list[int], writes: int, rng: random.Random) -> Timings:
    """Learner sessions through the store's own writes until ``writes`` of them were timed.

    The store's cost alone, on the synthetic course (not in the content files, so not through
    ``academy.learning``, whose extra work is the engine's and is timed by bench/pages.py).
    """
    timings = Timings()
    while len(timings.all()) < writes:
        user = rng.choice(learner_ids)
        module = rng.choice(MODULES)
        lesson = rng.choice(LESSONS)
        timings.time("mark_viewed", store.mark_viewed, user, module, lesson, VERSION)
        timings.time("mark_complete", store.mark_complete, user, module, lesson, VERSION)
        drawn = rng.sample(QUESTIONS, DRAW)
        attempt = timings.time(
            "start_attempt", store.start_attempt, user, module, f"{module}-bank", rng.getrandbits(31), drawn, VERSION
        )
        for question in attempt.drawn:
            if question not in attempt.answered:
                timings.time("save_answer", store.save_answer, attempt.id, question, "a", 1, 1)
        timings.time("finish_attempt", partial(store.finish_attempt, scaled=0.8), attempt.id, 8, 10, True)
        scenario = f"{module}-scenario-{rng.randrange(SCENARIOS_PER_MODULE)}"
        run = timings.time("start_run", store.start_run, user, module, scenario, VERSION)
        for step in range(len(run.path), STEPS):
            timings.time("save_choice", store.save_choice, run.id, step, f"n{step}", 0, 0)
        timings.time("finish_run", partial(store.finish_run, scaled=0.875), run.id, "calm", "retained", 40, 50, -30)
    return timings


def measure_reads(store: Store, fixture: Fixture, repeats: int, rng: random.Random) -> Timings:
    timings = Timings()
    full_teams = fixture.team_ids[: len(fixture.learner_ids) // fixture.team_size] or fixture.team_ids
    for _ in range(repeats):
        team = rng.choice(full_teams)
        timings.time("team_summaries", store.team_summaries, team)
        members = [member.id for member in store.team_members(team)]
        timings.time("summaries_for", store.summaries_for, members)
        learner = rng.choice(fixture.learner_ids)
        timings.time("module_summaries", store.module_summaries, learner)
        timings.time("in_progress_attempt", store.in_progress_attempt, learner, MODULES[0])
    return timings


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def run_benchmark(name: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    print(f"\n== {name}: loading {args.learners:,} learners and {args.records:,} records ...", flush=True)
    print(f"   machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    fixture = load_fixture(url, learners=args.learners, records=args.records, team_size=args.team_size)
    print(f"   loaded in {fixture.seconds:.1f} s: " + ", ".join(f"{t} {n:,}" for t, n in fixture.counts.items()))
    store = open_store(url)
    rng = random.Random(11)
    measure_reads(store, fixture, 3, rng)  # warm the caches the way a running app has them warm
    reads = measure_reads(store, fixture, args.reads, rng)
    writes = measure_writes(store, fixture.learner_ids, args.writes, rng)
    team_size = len(store.team_members(fixture.team_ids[0]))
    print(f"   load average after the timed part: {os.getloadavg()[0]:.2f}")
    store.close()
    every_write = writes.all()
    print(
        f"   single-action writes ({len(every_write)}): p50 {ms(percentile(every_write, 0.5))} ms, "
        f"p99 {ms(percentile(every_write, 0.99))} ms, max {ms(max(every_write))} ms"
    )
    for kind, samples in writes.samples.items():
        print(
            f"     {kind:<16} n={len(samples):<5} p50 {ms(percentile(samples, 0.5)):>7} ms"
            f"  p99 {ms(percentile(samples, 0.99)):>7} ms"
        )
    print(f"   reads ({args.reads} each, team of {team_size}):")
    for kind, samples in reads.samples.items():
        print(f"     {kind:<20} p50 {ms(percentile(samples, 0.5)):>7} ms  max {ms(max(samples)):>7} ms")
    return {"name": name, "fixture": fixture, "writes": every_write, "reads": reads.samples}


def summary_table(results: Iterable[dict[str, Any]], args: argparse.Namespace) -> str:
    lines = [
        "| store | learners | records | write p50 | write p99 | team summary (50) p50 | team summary max |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        team = result["reads"]["team_summaries"]
        lines.append(
            f"| {result['name']} | {args.learners:,} | {result['fixture'].counts['learning_records']:,} "
            f"| {ms(percentile(result['writes'], 0.5))} ms | {ms(percentile(result['writes'], 0.99))} ms "
            f"| {ms(statistics.median(team))} ms | {ms(max(team))} ms |"
        )
    return "\n".join(lines)


def fresh_postgres_schema(base_url: str) -> tuple[str, Callable[[], None]]:
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(resolve_url(base_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = resolve_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

    return url.render_as_string(hide_password=False), drop


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--team-size", type=int, default=50)
    parser.add_argument("--writes", type=int, default=2_000, help="single-action writes to time")
    parser.add_argument("--reads", type=int, default=50, help="timed reads of each kind")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("ACADEMY_TEST_POSTGRES_URL"),
        help="PostgreSQL server URL (default: $ACADEMY_TEST_POSTGRES_URL)",
    )
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the databases and print their URLs")
    args = parser.parse_args(argv)

    results = []
    if not args.no_sqlite:
        directory = tempfile.mkdtemp(prefix="academy-bench-")
        url = f"sqlite:///{directory}/academy.db"
        results.append(run_benchmark("SQLite", url, args))
        if args.keep:
            print(f"   kept {url}")
        else:
            for leftover in Path(directory).iterdir():
                leftover.unlink()
            Path(directory).rmdir()
    if args.postgres:
        url, drop = fresh_postgres_schema(args.postgres)
        try:
            results.append(run_benchmark("PostgreSQL", url, args))
        finally:
            if args.keep:
                print(f"   kept {url}")
            else:
                drop()
    print()
    print(summary_table(results, args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
