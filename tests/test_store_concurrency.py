"""Many processes writing at once, and a process killed mid-attempt.

* 8 processes x 500 actions against one database: every action stored exactly once, no
  "database is locked" reaching a caller, summaries equal to what the log says.
* SIGKILL during a quiz attempt: a new process resumes it with every answer saved before.

The workers are functions of this module run in fresh interpreters (``python -c``).
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from academy.store import Store, Verb, open_store

ROOT = Path(__file__).resolve().parents[1]
WORKERS = 8
ACTIONS_PER_WORKER = 500
ACTIONS_PER_CYCLE = 10
LEARNERS = 4
V1 = "v1"
QUESTIONS = ("q0", "q1", "q2", "q3")


def spawn(function: str, *args: object) -> subprocess.Popen[str]:
    """Run ``function(*args)`` of this module in a new Python process."""
    call = f"from tests.test_store_concurrency import {function}; {function}(*{json.dumps(list(args))})"
    return subprocess.Popen(
        [sys.executable, "-c", call], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


# --- workers (run in child processes) --------------------------------------------------


def act(url: str, worker: int, learner_ids: list[int], cycles: int) -> None:
    """``cycles`` x 10 logged actions, each followed by a repeat that must change nothing."""
    store = open_store(url)
    for cycle in range(cycles):
        learner = learner_ids[(worker + cycle) % len(learner_ids)]
        # Shared by all workers: the learner's summary row for "shared" is contended.
        for _ in range(2):
            store.mark_complete(learner, "shared", f"w{worker}-lesson{cycle}", V1)
        quiz = f"quiz-w{worker}"
        attempt = store.start_attempt(learner, quiz, "bank", cycle, QUESTIONS, V1)
        for question in QUESTIONS:
            for _ in range(2):
                store.save_answer(attempt.id, question, {"cycle": cycle}, 1, 1)
        for _ in range(2):
            store.finish_attempt(attempt.id, 4, 4, passed=True, scaled=4 / 4)
        run = store.start_run(learner, "shared", f"scenario-w{worker}", V1)
        for _ in range(2):
            store.save_choice(run.id, 0, "start", cycle % 3, 0)
        for _ in range(2):
            store.finish_run(run.id, "calm", "retained", 10, 10, -10, scaled=1.0)
        # Every worker races every other on the same completions: each must count once.
        store.mark_complete(learner_ids[0], "race", f"lesson{cycle}", V1)
    store.close()
    print("done", flush=True)


def answer_until_killed(url: str, attempt_id: str, questions: list[str]) -> None:
    store = open_store(url)
    for question in questions:
        store.save_answer(attempt_id, question, f"answer-{question}", 1, 1)
        print(question, flush=True)  # printed only once the answer is committed
    time.sleep(60)  # never reached in the test: the parent kills us first


def resume(url: str, user_id: int, module_id: str) -> None:
    store = open_store(url)
    attempt = store.in_progress_attempt(user_id, module_id)
    assert attempt is not None
    found = [answer.question_id for answer in attempt.answers]
    for question in attempt.drawn:
        if question not in attempt.answered:
            store.save_answer(attempt.id, question, f"answer-{question}", 1, 1)
    finished = store.finish_attempt(
        attempt.id,
        len(attempt.drawn),
        len(attempt.drawn),
        passed=True,
        scaled=len(attempt.drawn) / len(attempt.drawn),
    )
    print(json.dumps({"id": attempt.id, "found": found, "answers": len(finished.answers)}), flush=True)
    store.close()


# --- tests -----------------------------------------------------------------------------


def make_learners(store: Store, count: int) -> list[int]:
    return [store.create_user(f"learner{n}", "password-1").id for n in range(count)]


def check_sqlite_integrity(url: str) -> None:
    """SQLite's own integrity check on a SQLite store; nothing for PostgreSQL, whose URL also names a
    database (``.../test``) that sqlite3.connect would create as an empty file in the working directory."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return
    with closing(sqlite3.connect(f"file:{parsed.database}?mode=rw", uri=True)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_integrity_check_creates_no_file_for_a_postgresql_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    check_sqlite_integrity("postgresql+psycopg://postgres@127.0.0.1:5432/test")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_eight_processes_store_every_action_exactly_once(database_url: str) -> None:
    store = open_store(database_url)
    learner_ids = make_learners(store, LEARNERS)
    cycles = ACTIONS_PER_WORKER // ACTIONS_PER_CYCLE

    workers = [spawn("act", database_url, worker, learner_ids, cycles) for worker in range(WORKERS)]
    outcomes = [(worker.wait(timeout=400), *worker.communicate()) for worker in workers]

    assert [(code, out.strip()) for code, out, _ in outcomes] == [(0, "done")] * WORKERS, outcomes[0][2][-2000:]
    assert not any("locked" in err for _, _, err in outcomes)
    records = list(store.records())
    by_verb = Counter(record.verb for record in records)
    per_worker_cycles = WORKERS * cycles
    assert len(records) == WORKERS * ACTIONS_PER_WORKER + cycles
    assert len({record.id for record in records}) == len(records)
    assert by_verb == {
        Verb.LESSON_COMPLETED: per_worker_cycles + cycles,
        Verb.QUIZ_STARTED: per_worker_cycles,
        Verb.ANSWER_SUBMITTED: per_worker_cycles * len(QUESTIONS),
        Verb.QUIZ_FINISHED: per_worker_cycles,
        Verb.SCENARIO_STARTED: per_worker_cycles,
        Verb.CHOICE_MADE: per_worker_cycles,
        Verb.ENDING_REACHED: per_worker_cycles,
    }
    # The summaries, written under contention, agree with the log.
    for learner in learner_ids:
        mine = [record for record in records if record.user_id == learner]
        summaries = store.module_summaries(learner)
        completed = Counter(r.module_id for r in mine if r.verb is Verb.LESSON_COMPLETED)
        endings = sum(1 for r in mine if r.verb is Verb.ENDING_REACHED)
        assert summaries["shared"].lessons_done == completed["shared"]
        assert summaries["shared"].scenario_runs == endings
        for module, summary in summaries.items():
            if module.startswith("quiz-"):
                started = sum(1 for r in mine if r.verb is Verb.QUIZ_STARTED and r.module_id == module)
                assert summary.quiz_attempts == started == len(store.attempts(learner, module))
    assert store.module_summaries(learner_ids[0])["race"].lessons_done == cycles
    store.close()
    check_sqlite_integrity(database_url)


def test_processes_opening_an_empty_database_together_migrate_it_once(database_url: str) -> None:
    opening = [spawn("open_and_count", database_url) for _ in range(4)]
    outcomes = [(worker.wait(timeout=120), *worker.communicate()) for worker in opening]

    assert [(code, out.strip()) for code, out, _ in outcomes] == [(0, "0")] * 4, outcomes[0][2][-2000:]


def open_and_count(url: str) -> None:
    store = open_store(url)
    print(len(store.list_users()), flush=True)
    store.close()


@pytest.mark.slow
def test_an_attempt_killed_mid_way_resumes_with_every_saved_answer(database_url: str) -> None:
    store = open_store(database_url)
    user = store.create_user("ana", "password-1")
    drawn = [f"q{n}" for n in range(400)]
    attempt = store.start_attempt(user.id, "basics", "basics-bank", 7, drawn, V1)
    store.close()

    writer = spawn("answer_until_killed", database_url, attempt.id, drawn)
    assert writer.stdout is not None
    acknowledged = [writer.stdout.readline().strip() for _ in range(25)]
    writer.send_signal(signal.SIGKILL)  # lands in the middle of the next write, or between two
    writer.wait(timeout=30)
    resumer = spawn("resume", database_url, user.id, "basics")
    out, err = resumer.communicate(timeout=120)

    assert writer.returncode == -signal.SIGKILL
    assert resumer.returncode == 0, err[-2000:]
    resumed = json.loads(out)
    assert resumed["id"] == attempt.id
    assert resumed["found"][: len(acknowledged)] == acknowledged == drawn[:25]
    assert resumed["found"] == drawn[: len(resumed["found"])]
    assert resumed["answers"] == len(drawn)
    check_sqlite_integrity(database_url)
