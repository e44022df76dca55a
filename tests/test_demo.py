"""The demo organisation: realistic, varied, made through the real engine, and only on a fresh database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from academy.auth import Role
from academy.cli import main
from academy.demo import HISTORY_DAYS, DemoClock, DemoRefusedError, DemoResult, populate
from academy.engine import quiz as quiz_engine
from academy.engine import roleplay
from academy.reports.access import learners, operator_scope, scope_for
from academy.reports.at_risk import at_risk
from academy.reports.overview import team_overview
from academy.store import Store, open_store
from tests.reports_helpers import course

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, DemoResult, DemoClock]]:
    clock = DemoClock(NOW)
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('demo')}/demo.db", clock=clock)
    result = populate(store, course(), clock, seed=7, password="demo password")
    yield store, result, clock
    store.close()


def test_three_teams_each_with_a_manager_and_ten_learners(demo: tuple[Store, DemoResult, DemoClock]) -> None:
    store, result, _ = demo
    teams = store.list_teams()
    assert len(teams) == 3
    for team in teams:
        assert len(store.team_managers(team.id)) == 1
        assert len(store.team_members(team.id)) == 10
    assert len(store.list_users(role=Role.LEARNER.value)) == result.learners == 30
    assert [account.role for account in result.accounts] == ["admin", "manager", "manager", "manager", "learner"]


def test_the_printed_accounts_can_sign_in(demo: tuple[Store, DemoResult, DemoClock]) -> None:
    store, result, _ = demo
    for account in result.accounts:
        assert store.authenticate(account.username, account.password).ok


def test_progress_varies_as_in_a_real_team(demo: tuple[Store, DemoResult, DemoClock]) -> None:
    store, _, clock = demo
    scope = operator_scope(store)
    overview = team_overview(store, course(), scope)
    passed = overview.learners.set_index("username")["modules_passed"]
    assert passed.max() == len(course().modules)  # someone finished the course
    assert (overview.learners["modules_started"] == 0).any()  # someone never started
    assert passed.between(1, len(course().modules) - 1).sum() >= 10  # most are on their way
    reasons = " ".join(at_risk(store, course(), scope, now=clock.now)["reasons"])
    for reason in ("inactive for", "never started", "stalled in"):
        assert reason in reasons
    open_attempts = [store.in_progress_attempt(person.id, "customer-creation") for person in learners(store, scope)]
    assert any(attempt is not None and attempt.answers for attempt in open_attempts)


def test_quiz_attempts_are_exactly_what_the_engine_scores(demo: tuple[Store, DemoResult, DemoClock]) -> None:
    store, _, _ = demo
    checked = 0
    for person in learners(store, operator_scope(store)):
        for attempt in store.attempts(person.id):
            bank = course().banks[attempt.bank_id]
            drawn = quiz_engine.draw(bank, attempt.seed)
            assert tuple(entry.question_id for entry in drawn) == attempt.drawn
            if not attempt.finished:
                continue
            answers = {answer.question_id: answer.response for answer in attempt.answers}
            graded = quiz_engine.grade_attempt(bank, drawn, answers, course().module(attempt.module_id).pass_mark)
            assert attempt.score == pytest.approx(graded.total)
            assert attempt.passed is graded.passed
            checked += 1
    assert checked >= 40


def test_role_play_runs_replay_to_their_stored_ending(demo: tuple[Store, DemoResult, DemoClock]) -> None:
    store, _, _ = demo
    statuses = set()
    for person in learners(store, operator_scope(store)):
        for run in store.runs(person.id):
            statuses.add(run.status)
            module = course().module(run.module_id)
            scenario = next(s for s in module.scenarios if s.id == run.scenario_id)
            state = roleplay.replay(scenario, run.path)
            if run.finished:
                assert state.ending == run.ending_id
                assert state.score == run.score
    assert {"finished", "abandoned"} <= statuses


def test_activity_spans_the_last_weeks_and_stops_before_now(demo: tuple[Store, DemoResult, DemoClock]) -> None:
    store, _, clock = demo
    moments = [record.at for record in store.records()]
    assert max(moments) < clock.now
    assert min(moments) > clock.now - timedelta(days=HISTORY_DAYS + 1)
    assert max(moments) > clock.now - timedelta(days=2)


def test_each_manager_sees_their_own_ten(demo: tuple[Store, DemoResult, DemoClock]) -> None:
    store, result, _ = demo
    managers = [account for account in result.accounts if account.role == "manager"]
    seen = [
        frozenset(p.username for p in learners(store, scope_for(store, store.user_by_name(m.username))))
        for m in managers
    ]
    assert all(len(group) == 10 for group in seen)
    assert len(frozenset().union(*seen)) == 30


def test_a_populated_database_is_refused(demo: tuple[Store, DemoResult, DemoClock]) -> None:
    store, _, clock = demo
    before = store.count_records()
    with pytest.raises(DemoRefusedError):
        populate(store, course(), clock)
    assert store.count_records() == before


def test_the_demo_command_prints_the_accounts_and_refuses_a_second_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    assert main(["demo", "--database-url", url, "--seed", "3"]) == 0
    printed = capsys.readouterr().out
    lines = [line.split() for line in printed.splitlines() if line.startswith("  manager ")]
    assert len(lines) == 3
    _, username, password, *_ = lines[0]
    store = open_store(url)
    try:
        assert store.authenticate(username, password).ok
    finally:
        store.close()
    assert main(["demo", "--database-url", url]) == 1
    assert "already has accounts" in capsys.readouterr().err


def test_the_demo_records_carry_the_same_detail_as_real_use(demo: tuple[Store, DemoResult, DemoClock]) -> None:
    store, _, _ = demo
    kinds = {
        "choice_made": {"step", "choice_index", "cost", "skills", "trust_delta", "trust_after", "best"},
        "ending_reached": {"ending_id", "outcome", "score", "best", "worst", "scaled", "trust", "skills"},
        "answer_submitted": {"bank_id", "response", "points", "max", "correct", "type", "skills"},
        "quiz_finished": {"bank_id", "score", "max", "scaled", "passed", "number", "answered"},
    }
    seen = dict.fromkeys(kinds, 0)
    for record in store.records():
        wanted = kinds.get(record.verb.value)
        if wanted is not None:
            assert wanted <= set(record.detail), (record.verb, sorted(record.detail))
            seen[record.verb.value] += 1
    assert all(seen.values()), seen


def test_the_demo_has_a_learning_path_assignments_some_overdue_and_certificates(
    demo: tuple[Store, DemoResult, DemoClock],
) -> None:
    from academy.reports.assignments import assignment_view

    store, _, clock = demo
    made = store.list_assignments()
    assert {assignment.path_id for assignment in made} >= {"new-starter"}
    view = assignment_view(store, course(), operator_scope(store), now=clock.now)
    assert set(view["assignment"]) == {assignment.title for assignment in made}
    assert (view["status"] == "overdue").sum() >= 3
    assert (view["status"] == "done").sum() >= 1
    issued = store.list_certificates()
    assert issued
    assert all(certificate.state(clock.now) == "valid" for certificate in issued)
