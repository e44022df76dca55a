"""The repository API: learner actions, current state, summaries, idempotency, the log, privacy.

Each test runs on SQLite and, with ACADEMY_TEST_POSTGRES_URL set, on PostgreSQL.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest

from academy.auth import AccountError, UnknownUserError
from academy.store import (
    Attempt,
    AttemptClosedError,
    AttemptLimitError,
    InvalidActionError,
    NotFoundError,
    RunClosedError,
    Status,
    Store,
    User,
    Verb,
    open_store,
)
from tests.conftest import FakeClock

V1 = "v1-hash"


def verbs(store: Store, user: User) -> list[str]:
    return [record.verb.value for record in store.records(user_id=user.id)]


# --- lessons ---------------------------------------------------------------------------


def test_completing_a_lesson_counts_once(store: Store, learner: User) -> None:
    first = store.mark_complete(learner.id, "basics", "greeting", V1)
    again = store.mark_complete(learner.id, "basics", "greeting", V1)
    store.mark_complete(learner.id, "basics", "listening", V1)

    assert (first, again) == (True, False)
    assert store.completed_lessons(learner.id, "basics") == {"greeting", "listening"}
    summary = store.module_summaries(learner.id)["basics"]
    assert summary.lessons_done == 2
    assert summary.status is Status.IN_PROGRESS
    assert summary.last_lesson_id == "listening"
    assert verbs(store, learner) == ["lesson_completed", "lesson_completed"]


def test_rerunning_a_lesson_page_logs_one_view_per_window(store: Store, learner: User, clock: FakeClock) -> None:
    logged = [store.mark_viewed(learner.id, "basics", "greeting", V1) for _ in range(3)]
    clock.advance(11 * 60)
    logged.append(store.mark_viewed(learner.id, "basics", "greeting", V1))

    assert logged == [True, False, False, True]
    assert verbs(store, learner) == ["lesson_viewed", "lesson_viewed"]
    progress = store.lesson_progress(learner.id, "basics")["greeting"]
    assert progress.last_viewed_at - progress.first_viewed_at == timedelta(minutes=11)
    assert not progress.completed


def test_a_view_key_logs_each_visit_exactly_once(store: Store, learner: User) -> None:
    logged = [store.mark_viewed(learner.id, "basics", "greeting", V1, key=key) for key in ("a", "a", "b")]

    assert logged == [True, False, True]
    assert verbs(store, learner) == ["lesson_viewed", "lesson_viewed"]


def test_completing_a_module_without_a_quiz(store: Store, learner: User, clock: FakeClock) -> None:
    store.mark_complete(learner.id, "basics", "greeting", V1)
    clock.advance(30)
    results = [store.complete_module(learner.id, "basics", V1) for _ in range(2)]

    summary = store.module_summaries(learner.id)["basics"]
    assert results == [True, False]
    assert summary.status is Status.PASSED
    assert summary.completed_at == clock.now


# --- quiz ------------------------------------------------------------------------------


def start(store: Store, user: User, drawn: tuple[str, ...] = ("q1", "q2", "q3"), **options: Any) -> Attempt:
    return store.start_attempt(user.id, "basics", "basics-bank", 1234, drawn, V1, **options)


def test_a_double_click_on_start_opens_one_attempt(store: Store, learner: User) -> None:
    first = start(store, learner)
    second = store.start_attempt(learner.id, "basics", "basics-bank", 999, ["q9"], V1)

    assert second.id == first.id
    assert (second.seed, second.drawn) == (1234, ("q1", "q2", "q3"))
    assert len(store.attempts(learner.id, "basics")) == 1
    assert verbs(store, learner) == ["quiz_started"]


def test_the_same_answer_submitted_twice_counts_once(store: Store, learner: User) -> None:
    attempt = start(store, learner)
    first = store.save_answer(attempt.id, "q2", ["a", "c"], 0.5, 1.0).answer
    repeat = store.save_answer(attempt.id, "q2", ["a", "c"], 0.5, 1.0).answer

    assert repeat == first
    stored = store.attempt_detail(attempt.id)
    assert stored is not None
    assert [(a.question_id, a.response, a.points, a.correct, a.position) for a in stored.answers] == [
        ("q2", ["a", "c"], 0.5, False, 1)
    ]
    assert verbs(store, learner).count("answer_submitted") == 1


def test_a_different_second_answer_is_ignored_and_the_first_returned(store: Store, learner: User) -> None:
    attempt = start(store, learner)
    store.save_answer(attempt.id, "q1", "b", 1, 1)
    later = store.save_answer(attempt.id, "q1", "c", 0, 1).answer

    assert (later.response, later.points) == ("b", 1.0)
    assert verbs(store, learner).count("answer_submitted") == 1


def test_a_resumed_attempt_has_its_order_and_every_answer(database_url: str, clock: FakeClock) -> None:
    before = open_store(database_url, clock=clock)
    user = before.create_user("ravi", "long enough")
    attempt = start(before, user, drawn=("q3", "q1", "q2"))
    before.save_answer(attempt.id, "q3", True, 1, 1)
    before.save_answer(attempt.id, "q1", {"left": "right"}, 0, 2)
    before.close()

    after = open_store(database_url, clock=clock)
    resumed = after.in_progress_attempt(user.id, "basics")
    after.close()

    assert resumed is not None
    assert (resumed.id, resumed.seed, resumed.drawn) == (attempt.id, 1234, ("q3", "q1", "q2"))
    assert [answer.response for answer in resumed.answers] == [True, {"left": "right"}]
    assert resumed.next_question == "q2"


def test_answers_are_refused_when_they_do_not_fit(store: Store, learner: User) -> None:
    attempt = start(store, learner)
    with pytest.raises(InvalidActionError):
        store.save_answer(attempt.id, "not-drawn", "a", 1, 1)
    with pytest.raises(NotFoundError):
        store.save_answer(str(uuid.uuid4()), "q1", "a", 1, 1)
    with pytest.raises(InvalidActionError):
        store.save_answer(attempt.id, "q1", "a", float("nan"), 1)
    store.finish_attempt(attempt.id, 0, 3, passed=False, scaled=0 / 3)
    with pytest.raises(AttemptClosedError):
        store.save_answer(attempt.id, "q1", "a", 1, 1)


def test_finishing_twice_changes_nothing(store: Store, learner: User, clock: FakeClock) -> None:
    attempt = start(store, learner)
    clock.advance(90)
    first = store.finish_attempt(attempt.id, 2, 3, passed=False, scaled=2 / 3)
    clock.advance(10)
    second = store.finish_attempt(attempt.id, 3, 3, passed=True, scaled=3 / 3)

    assert second == first
    assert (second.score, second.passed, second.status) == (2.0, False, "finished")
    summary = store.module_summaries(learner.id)["basics"]
    assert (summary.quiz_failures, summary.quiz_passed, summary.status) == (1, False, Status.IN_PROGRESS)
    finished = [r for r in store.records(user_id=learner.id) if r.verb is Verb.QUIZ_FINISHED]
    assert len(finished) == 1
    assert finished[0].detail["duration_s"] == 90


def test_passing_the_quiz_passes_the_module_by_its_rule_and_keeps_the_best_score(
    store: Store, learner: User, clock: FakeClock
) -> None:
    scores = [(1, 4, False), (3, 4, True), (2, 4, False)]
    for score, max_score, passed in scores:
        attempt = start(store, learner)
        clock.advance(60)
        store.finish_attempt(
            attempt.id, score, max_score, passed, passes_module=lambda s: s.quiz_passed, scaled=score / max_score
        )
    passed_at = clock.now - timedelta(seconds=60)

    summary = store.module_summaries(learner.id)["basics"]
    assert summary.quiz_attempts == 3
    assert summary.quiz_failures == 2
    assert summary.best_quiz_scaled == pytest.approx(0.75)
    assert summary.status is Status.PASSED
    assert summary.completed_at == passed_at
    assert [attempt.number for attempt in store.attempts(learner.id, "basics")] == [1, 2, 3]
    assert verbs(store, learner).count("module_completed") == 1


def test_attempts_can_be_listed_by_status_and_without_their_answers(store: Store, learner: User) -> None:
    finished = start(store, learner)
    store.save_answer(finished.id, "q1", "a", 1, 1, correct=True)
    store.finish_attempt(finished.id, 1, 3, passed=False, scaled=1 / 3)
    open_attempt = start(store, learner)
    store.save_answer(open_attempt.id, "q2", "b", 0, 1, correct=False)

    listed = store.attempts(learner.id, "basics", answers=False)
    only_open = store.attempts(learner.id, status="in_progress")

    assert [(a.id, a.answers) for a in listed] == [(finished.id, ()), (open_attempt.id, ())]
    assert [a.id for a in only_open] == [open_attempt.id]
    assert [answer.question_id for answer in only_open[0].answers] == ["q2"]
    assert [answer.question_id for answer in store.attempts(learner.id)[0].answers] == ["q1"]


def test_the_attempt_limit_is_enforced(store: Store, learner: User) -> None:
    for _ in range(2):
        attempt = start(store, learner, limit=2)
        store.finish_attempt(attempt.id, 0, 3, passed=False, scaled=0 / 3)

    with pytest.raises(AttemptLimitError):
        start(store, learner, limit=2)
    assert len(store.attempts(learner.id, "basics")) == 2


def test_an_attempt_id_chosen_by_the_caller_is_kept(store: Store, learner: User) -> None:
    attempt_id = str(uuid.uuid4())
    attempt = start(store, learner, attempt_id=attempt_id)
    store.finish_attempt(attempt_id, 1, 3, passed=False, scaled=1 / 3)
    late_repeat = start(store, learner, attempt_id=attempt_id)

    assert attempt.id == attempt_id
    assert (late_repeat.id, late_repeat.status) == (attempt_id, "finished")
    assert len(store.attempts(learner.id, "basics")) == 1


def test_an_attempt_needs_distinct_questions(store: Store, learner: User) -> None:
    with pytest.raises(InvalidActionError):
        start(store, learner, drawn=("q1", "q1"))
    with pytest.raises(InvalidActionError):
        start(store, learner, drawn=())


# --- scenarios -------------------------------------------------------------------------


def test_a_run_records_each_step_once_and_resumes(store: Store, learner: User) -> None:
    run = store.start_run(learner.id, "basics", "angry-caller", V1)
    same = store.start_run(learner.id, "basics", "angry-caller", V1)
    store.save_choice(run.id, 0, "open", 2, 0, detail={"trust_after": 55})
    store.save_choice(run.id, 0, "open", 1, 10)  # a rerun with another choice: the first wins
    store.save_choice(run.id, 1, "explain", 0, 5)

    resumed = store.in_progress_run(learner.id, "angry-caller")
    assert same.id == run.id
    assert resumed is not None
    assert resumed.path == (2, 0)
    assert [(c.step, c.node_id, c.choice_index, c.cost) for c in resumed.choices] == [
        (0, "open", 2, 0.0),
        (1, "explain", 0, 5.0),
    ]
    choices = [r for r in store.records(user_id=learner.id) if r.verb is Verb.CHOICE_MADE]
    assert [(r.node_id, r.detail["choice_index"]) for r in choices] == [("open", 2), ("explain", 0)]
    assert choices[0].detail["trust_after"] == 55


def test_a_choice_cannot_skip_a_step(store: Store, learner: User) -> None:
    run = store.start_run(learner.id, "basics", "angry-caller", V1)
    with pytest.raises(InvalidActionError):
        store.save_choice(run.id, 1, "explain", 0, 0)


def test_endings_count_distinct_scenarios_and_best_scaled_score(store: Store, learner: User) -> None:
    for scenario, score in (("angry-caller", 10), ("angry-caller", 30), ("late-parcel", -20)):
        run = store.start_run(learner.id, "basics", scenario, V1)
        store.save_choice(run.id, 0, "open", 0, None)
        finished = store.finish_run(run.id, "calm", "retained", score, best=30, worst=-30, scaled=(score + 30) / 60)
        again = store.finish_run(run.id, "lost", "lost", -30, best=30, worst=-30, scaled=0.0)
        assert again == finished

    summary = store.module_summaries(learner.id)["basics"]
    assert (summary.scenario_runs, summary.scenarios_completed) == (3, 2)
    assert summary.best_scenario_scaled == pytest.approx(1.0)
    assert store.in_progress_run(learner.id, "angry-caller") is None
    with pytest.raises(RunClosedError):
        store.save_choice(finished.id, 1, "open", 0, 0)


def test_abandoning_a_run_lets_the_learner_start_over(store: Store, learner: User) -> None:
    first = store.start_run(learner.id, "basics", "angry-caller", V1)
    store.save_choice(first.id, 0, "open", 1, 3)

    assert store.abandon_run(first.id) is True
    assert store.abandon_run(first.id) is False
    second = store.start_run(learner.id, "basics", "angry-caller", V1)
    assert second.id != first.id
    assert second.path == ()
    with pytest.raises(RunClosedError):
        store.finish_run(first.id, "calm", "retained", 1, 2, 0, scaled=0.5)
    assert [run.status for run in store.runs(learner.id)] == ["abandoned", "in_progress"]


# --- summaries -------------------------------------------------------------------------


def test_time_spent_adds_gaps_between_actions_and_skips_breaks(store: Store, learner: User, clock: FakeClock) -> None:
    store.mark_viewed(learner.id, "basics", "greeting", V1)
    clock.advance(120)
    store.mark_complete(learner.id, "basics", "greeting", V1)
    clock.advance(3 * 3600)  # a long break: counts as the idle cap only
    store.mark_complete(learner.id, "basics", "listening", V1)

    summary = store.module_summaries(learner.id)["basics"]
    assert summary.time_spent_s == 120 + 300
    assert summary.last_activity_at == clock.now


def test_team_summaries_hold_members_only(store: Store) -> None:
    team = store.create_team("Front desk")
    other = store.create_team("Back office")
    ana = store.create_user("ana", "password-1")
    ben = store.create_user("ben", "password-2")
    boss = store.create_user("boss", "password-3", role="manager")
    outsider = store.create_user("olga", "password-4")
    store.add_member(team.id, ana.id)
    store.add_member(team.id, ben.id)
    store.add_member(team.id, boss.id, manager=True)
    store.add_member(other.id, outsider.id)
    for user in (ana, ben, boss, outsider):
        store.mark_complete(user.id, "basics", "greeting", V1)
    store.mark_complete(ana.id, "advanced", "greeting", V1)

    rows = store.team_summaries(team.id)

    assert sorted((row.user_id, row.module_id) for row in rows) == [
        (ana.id, "advanced"),
        (ana.id, "basics"),
        (ben.id, "basics"),
    ]
    assert {row.user_id for row in store.summaries_for([ben.id, outsider.id])} == {ben.id, outsider.id}


def test_returned_datetimes_are_aware_utc(store: Store, learner: User, clock: FakeClock) -> None:
    store.mark_complete(learner.id, "basics", "greeting", V1)
    summary = store.module_summaries(learner.id)["basics"]
    record = next(store.records())

    assert summary.last_activity_at == clock.now
    assert summary.last_activity_at.utcoffset() == timedelta(0)
    assert record.at == clock.now


# --- the log ---------------------------------------------------------------------------


def test_records_page_through_in_order_with_filters(store: Store, clock: FakeClock) -> None:
    ana = store.create_user("ana", "password-1")
    ben = store.create_user("ben", "password-2")
    lessons = [f"lesson-{n}" for n in range(7)]
    for lesson in lessons:
        clock.advance(60)
        store.mark_complete(ana.id, "basics", lesson, V1)
        store.mark_complete(ben.id, "basics", lesson, V1)
    middle = clock.now - timedelta(minutes=3)

    everything = list(store.records(batch_size=3))
    for_ana = list(store.records(user_id=ana.id, batch_size=2))
    late = list(store.records(since=middle, until=clock.now))

    assert [r.seq for r in everything] == sorted(r.seq for r in everything)
    assert len({r.id for r in everything}) == len(everything) == 14
    assert all(uuid.UUID(r.id).version == 4 for r in everything)
    assert [r.lesson_id for r in for_ana] == lessons
    assert {r.username for r in for_ana} == {"ana"}
    assert [r.lesson_id for r in late] == ["lesson-3", "lesson-3", "lesson-4", "lesson-4", "lesson-5", "lesson-5"]
    assert list(store.records(verbs=["lesson_viewed"])) == []
    assert store.count_records(user_id=ben.id) == 7


def test_analysis_rows_for_reports(store: Store, learner: User) -> None:
    attempt = start(store, learner)
    store.save_answer(attempt.id, "q1", "a", 1, 1)
    open_attempt_rows = store.answer_rows("basics-bank")
    store.save_answer(attempt.id, "q2", "b", 0, 1)
    store.finish_attempt(attempt.id, 1, 3, passed=False, scaled=1 / 3)
    run = store.start_run(learner.id, "basics", "angry-caller", V1)
    store.save_choice(run.id, 0, "open", 1, 4)
    store.finish_run(run.id, "calm", "retained", 6, 10, -10, scaled=0.8)

    answers = store.answer_rows("basics-bank", user_ids=[learner.id])
    choices = store.choice_rows("angry-caller")
    runs = store.runs_of_scenario("angry-caller", user_ids=[learner.id, 999])

    assert open_attempt_rows == []
    assert [(a.question_id, a.points, a.attempt_score, a.passed) for a in answers] == [
        ("q1", 1.0, 1.0, False),
        ("q2", 0.0, 1.0, False),
    ]
    assert [(c.node_id, c.choice_index, c.cost, c.outcome) for c in choices] == [("open", 1, 4.0, "retained")]
    assert [(r.ending_id, r.path) for r in runs] == [("calm", (1,))]
    assert store.answer_rows("basics-bank", user_ids=[]) == []


def test_attempt_rows_and_team_memberships_for_reports(store: Store, learner: User, clock: FakeClock) -> None:
    team = store.create_team("Front desk")
    boss = store.create_user("boss", "password-3", role="manager")
    store.add_member(team.id, learner.id)
    store.add_member(team.id, boss.id, manager=True)
    first = start(store, learner)
    clock.advance(60)
    store.finish_attempt(first.id, 1, 3, passed=False, scaled=1 / 3)
    cutoff = clock.now
    clock.advance(60)
    second = start(store, learner)
    clock.advance(60)
    store.finish_attempt(second.id, 3, 3, passed=True, scaled=3 / 3)
    third = start(store, learner)

    finished = store.attempt_rows([learner.id])
    recent = store.attempt_rows([learner.id], since=cutoff + timedelta(seconds=1))
    including_open = store.attempt_rows([learner.id, boss.id], finished_only=False)

    assert [(a.id, a.score, a.answers) for a in finished] == [(first.id, 1.0, ()), (second.id, 3.0, ())]
    assert [a.id for a in recent] == [second.id]
    assert [a.id for a in including_open] == [first.id, second.id, third.id]
    assert store.team_memberships() == [(learner, team)]


# --- privacy ---------------------------------------------------------------------------


def fill_some_progress(store: Store, user: User) -> None:
    store.mark_viewed(user.id, "basics", "greeting", V1)
    store.mark_complete(user.id, "basics", "greeting", V1)
    attempt = start(store, user)
    store.save_answer(attempt.id, "q1", "a", 1, 1)
    run = store.start_run(user.id, "basics", "angry-caller", V1)
    store.save_choice(run.id, 0, "open", 1, 0)


def test_a_learner_export_holds_all_their_data_and_no_secret(store: Store, learner: User) -> None:
    team = store.create_team("Front desk")
    store.add_member(team.id, learner.id)
    fill_some_progress(store, learner)
    store.create_user("other", "password-9")

    exported = json.loads(json.dumps(store.learner_export("LENA")))

    assert exported["user"]["username"] == "lena"
    assert exported["teams"] == ["Front desk"]
    assert [row["lesson_id"] for row in exported["lessons"]] == ["greeting"]
    assert exported["quiz_attempts"][0]["answers"][0]["response"] == "a"
    assert exported["scenario_runs"][0]["path"] == [1]
    assert [r["verb"] for r in exported["learning_records"]] == [
        "lesson_viewed",
        "lesson_completed",
        "quiz_started",
        "answer_submitted",
        "scenario_started",
        "choice_made",
    ]
    assert exported["module_summaries"][0]["lessons_done"] == 1
    assert "password" not in json.dumps(exported)
    assert datetime.fromisoformat(exported["exported_at"]).tzinfo is not None


def test_deleting_a_learner_erases_them_and_nobody_else(store: Store, learner: User) -> None:
    other = store.create_user("other", "password-9")
    team = store.create_team("Front desk")
    store.add_member(team.id, learner.id)
    fill_some_progress(store, learner)
    fill_some_progress(store, other)

    removed = store.learner_delete("lena")

    assert removed["users"] == 1
    assert removed["learning_records"] == 6
    assert store.user_by_name("lena") is None
    assert store.count_records(user_id=learner.id) == 0
    assert store.module_summaries(learner.id) == {}
    assert store.attempts(learner.id) == []
    assert store.team_members(team.id) == []
    assert store.count_records(user_id=other.id) == 6
    with pytest.raises(UnknownUserError):
        store.learner_export("lena")


def test_the_last_administrator_cannot_be_deleted(store: Store) -> None:
    store.create_user("root", "password-0", role="admin")
    with pytest.raises(AccountError):
        store.learner_delete("root")
    store.create_user("root2", "password-0", role="admin")
    assert store.learner_delete("root")["users"] == 1


def test_a_naive_clock_is_refused(database_url: str) -> None:
    naive = open_store(database_url, clock=lambda: datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="aware"):
        naive.create_user("nina", "password-1")
    naive.close()


def test_users_can_be_searched_counted_and_limited(store: Store) -> None:
    store.create_user("ana.silva", "long enough pw", display_name="Ana Silva")
    store.create_user("bo_chen", "long enough pw", display_name="Bo Chen")
    store.create_user("carla", "long enough pw", display_name="Carla Anand", role="manager")
    assert [u.username for u in store.list_users(search="AN")] == ["ana.silva", "carla"]
    assert store.count_users(search="an") == 2
    # LIKE wildcards typed by an admin are plain characters, not patterns.
    assert [u.username for u in store.list_users(search="_")] == ["bo_chen"]
    assert store.list_users(search="%") == []
    assert [u.username for u in store.list_users(limit=2)] == ["ana.silva", "bo_chen"]
    assert store.count_users(role="manager") == 1
