"""Column reads for the reports: the right rows, the right learners, nothing open when finished is asked."""

from __future__ import annotations

from datetime import timedelta

import pytest

from academy.store import Rows, Store, User
from tests.conftest import FakeClock

V1 = "v1"


@pytest.fixture
def two_learners(store: Store, clock: FakeClock) -> tuple[User, User]:
    """Ana finished one attempt and is mid-way through a second; Ben finished one; both played a scenario."""
    ana = store.create_user("ana", "password-1")
    ben = store.create_user("ben", "password-2")
    first = store.start_attempt(ana.id, "basics", "bank", 1, ["q1", "q2"], V1)
    store.save_answer(first.id, "q1", "a", 1, 1)
    store.save_answer(first.id, "q2", ["x", "y"], 0.5, 1)
    clock.advance(60)
    store.finish_attempt(first.id, 1.5, 2, passed=True, scaled=1.5 / 2)
    clock.advance(3600)
    store.start_attempt(ana.id, "basics", "bank", 2, ["q2", "q3"], V1)
    open_attempt = store.in_progress_attempt(ana.id, "basics")
    assert open_attempt is not None
    store.save_answer(open_attempt.id, "q3", "b", 0, 1)
    theirs = store.start_attempt(ben.id, "basics", "bank", 3, ["q1"], V1)
    store.save_answer(theirs.id, "q1", "c", 0, 1)
    store.finish_attempt(theirs.id, 0, 1, passed=False, scaled=0 / 1)
    for user, choice in ((ana, 0), (ben, 2)):
        run = store.start_run(user.id, "basics", "angry-caller", V1)
        store.save_choice(run.id, 0, "open", choice, 0 if choice == 0 else 10)
    return ana, ben


def as_dicts(table: Rows) -> list[dict[str, object]]:
    return [dict(zip(table.columns, row, strict=True)) for row in table.rows]


def test_bank_answers_hold_finished_attempts_only(store: Store, two_learners: tuple[User, User]) -> None:
    ana, ben = two_learners

    everyone = as_dicts(store.bank_answer_table("bank"))
    only_ana = as_dicts(store.bank_answer_table("bank", [ana.id]))

    assert sorted((row["user_id"], row["question_id"], row["points"]) for row in everyone) == [
        (ana.id, "q1", 1.0),
        (ana.id, "q2", 0.5),
        (ben.id, "q1", 0.0),
    ]
    assert {row["user_id"] for row in only_ana} == {ana.id}
    assert {row["attempt_number"] for row in only_ana} == {1}
    assert [row["response"] for row in only_ana if row["question_id"] == "q2"] == [["x", "y"]]
    assert store.bank_answer_table("other-bank").rows == []


def test_learner_answers_include_open_attempts(store: Store, two_learners: tuple[User, User]) -> None:
    ana, _ = two_learners

    rows = as_dicts(store.learner_answer_table([ana.id]))

    assert sorted(row["question_id"] for row in rows) == ["q1", "q2", "q3"]
    assert {row["bank_id"] for row in rows} == {"bank"}


def test_learner_choices_and_choices_of_runs(store: Store, two_learners: tuple[User, User]) -> None:
    ana, ben = two_learners

    rows = as_dicts(store.learner_choice_table([ben.id]))
    run = store.in_progress_run(ana.id, "angry-caller")
    assert run is not None
    by_run = store.choices_of_runs([run.id, run.id])

    assert rows == [
        {"user_id": ben.id, "scenario_id": "angry-caller", "node_id": "open", "choice_index": 2, "cost": 10.0}
    ]
    assert [(c.user_id, c.choice_index, c.run_status) for c in by_run] == [(ana.id, 0, "in_progress")]


def test_finished_attempts_by_time(store: Store, two_learners: tuple[User, User], clock: FakeClock) -> None:
    ana, ben = two_learners

    everything = as_dicts(store.finished_attempt_table([ana.id, ben.id]))
    recent = as_dicts(store.finished_attempt_table([ana.id, ben.id], since=clock.now - timedelta(minutes=5)))

    assert sorted((row["user_id"], row["score"], row["passed"]) for row in everything) == [
        (ana.id, 1.5, True),
        (ben.id, 0.0, False),
    ]
    assert [row["user_id"] for row in recent] == [ben.id]


def test_active_learners_in_a_window(store: Store, two_learners: tuple[User, User], clock: FakeClock) -> None:
    ana, ben = two_learners
    quiet = store.create_user("quiet", "password-3")
    clock.advance(7200)
    store.mark_complete(ben.id, "basics", "greeting", V1)

    assert store.active_learners([ana.id, ben.id, quiet.id]) == {ana.id, ben.id}
    assert store.active_learners([ana.id, ben.id, quiet.id], since=clock.now - timedelta(minutes=1)) == {ben.id}
    assert store.active_learners([ana.id], until=clock.now - timedelta(days=1)) == set()
