"""Learner drill-down: timeline, quiz attempts with the answers given, role-play runs with their path."""

from __future__ import annotations

import pytest

from academy.engine.quiz import correct_response
from academy.reports.access import AccessDeniedError, scope_for
from academy.reports.learner import learner_report
from academy.store import Store
from tests.conftest import FakeClock
from tests.reports_helpers import Org, course, make_org, play, quiz, read

MINUTE = 60


def _story(store: Store, clock: FakeClock) -> Org:
    """a1 reads the orientation lesson, plays the call-back role-play the best way, then fails a 2-question quiz."""
    org = make_org(store)
    read(store, org.a1, "orientation")
    clock.advance(5 * MINUTE)
    play(store, org.a1, "orientation", "callback", [0, 0])
    clock.advance(5 * MINUTE)
    bank = course().banks["orientation"]
    low_bar = next(q for q in bank.questions if q.id == "low-bar")
    quiz(
        store,
        org.a1,
        "orientation",
        [1, 0],
        question_ids=["low-bar", "saved"],
        responses=[correct_response(low_bar), False],
    )
    return org


def test_the_timeline_tells_what_happened_newest_first(store: Store, clock: FakeClock) -> None:
    org = _story(store, clock)
    report = learner_report(store, course(), scope_for(store, org.mara), org.a1.id)
    actions = report.timeline["action"].tolist()
    assert actions == [
        "Finished quiz",
        "Answered",
        "Answered",
        "Started quiz",
        "Reached ending",
        "Chose",
        "Chose",
        "Started role-play",
        "Completed lesson",
        "Opened lesson",
    ]
    assert report.timeline["at"].is_monotonic_decreasing
    ending = report.timeline.iloc[4]["detail"]
    title = course().module("orientation").scenarios[0].title
    assert ending == f"{title}: Dana tells a colleague about you (100%)"
    assert report.timeline.iloc[0]["detail"] == "attempt 1: 50%, failed"
    assert report.timeline.iloc[6]["detail"].endswith("(best choice)")


def test_attempts_come_with_the_answers_in_words(store: Store, clock: FakeClock) -> None:
    org = _story(store, clock)
    report = learner_report(store, course(), scope_for(store, org.mara), org.a1.id)
    attempt = report.attempts.iloc[0]
    assert attempt["score"] == pytest.approx(0.5)
    assert not attempt["passed"]
    assert attempt["answered"] == "2/2"
    answers = report.answers.set_index("position")
    bank = {q.id: q for q in course().banks["orientation"].questions}
    assert answers.loc[1, "question"] == bank["low-bar"].prompt
    correct_option = next(o for o in bank["low-bar"].options if o.correct)  # type: ignore[union-attr]
    assert answers.loc[1, "answer"] == correct_option.text
    assert answers.loc[2, "answer"] == "False"
    assert answers["correct"].tolist() == [True, False]


def test_runs_show_the_path_taken_and_the_ending(store: Store, clock: FakeClock) -> None:
    org = _story(store, clock)
    report = learner_report(store, course(), scope_for(store, org.admin), org.a1.id)
    scenario = course().module("orientation").scenarios[0]
    run = report.runs.iloc[0]
    first, second = scenario.nodes[0].choices[0].text, scenario.nodes[1].choices[0].text
    assert run["path"] == f"{first} → {second}"
    assert run["ending"] == "Dana tells a colleague about you"
    assert run["outcome"] == "referring"
    assert run["scaled"] == pytest.approx(1.0)
    assert report.steps["customer"].tolist() == [scenario.nodes[0].customer, scenario.nodes[1].customer]
    assert report.steps["cost"].tolist() == [0, 0]


def test_module_rows_show_status_and_progress(store: Store, clock: FakeClock) -> None:
    org = _story(store, clock)
    modules = learner_report(store, course(), scope_for(store, org.mara), org.a1.id).modules.set_index("module")
    orientation = modules.loc[course().module("orientation").title]
    assert orientation["status"] == "In progress"
    assert orientation["lessons_done"] == 1
    assert orientation["quiz_failures"] == 1


def test_another_teams_manager_cannot_open_the_learner(store: Store, clock: FakeClock) -> None:
    org = _story(store, clock)
    with pytest.raises(AccessDeniedError):
        learner_report(store, course(), scope_for(store, org.theo), org.a1.id)
