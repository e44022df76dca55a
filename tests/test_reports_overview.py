"""Team overview: the learner x module matrix, completion per module, quiz scores, date range."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from academy.reports.access import AccessDeniedError, scope_for
from academy.reports.overview import Period, team_overview
from academy.store import Store
from tests.conftest import FakeClock
from tests.reports_helpers import Org, course, make_org, quiz, read

DAY = 86_400


def _progress(store: Store, clock: FakeClock) -> Org:
    """Day 0 (2 March): a1 passes orientation with 4/5; a2 fails it with 2/5.
    Day 10 (12 March): a2 passes with 3.5/5 = .7; a1 reads a customer-creation lesson; b1 passes with 5/5."""
    org = make_org(store)
    quiz(store, org.a1, "orientation", [1, 1, 1, 1, 0])
    quiz(store, org.a2, "orientation", [1, 1, 0, 0, 0])
    clock.advance(10 * DAY)
    quiz(store, org.a2, "orientation", [1, 1, 1, 0.5, 0])
    read(store, org.a1, "customer-creation")
    quiz(store, org.b1, "orientation", [1] * 5)
    return org


def test_the_matrix_shows_status_and_best_score_of_the_managers_team_only(store: Store, clock: FakeClock) -> None:
    org = _progress(store, clock)
    overview = team_overview(store, course(), scope_for(store, org.mara))
    matrix = overview.matrix()
    assert list(matrix.index) == ["Ana One (a1)", "Ben Two (a2)"]
    assert list(matrix.columns) == list(overview.modules["module"])
    orientation, creation, promises = (
        course().module(m).title for m in ("orientation", "customer-creation", "promise-keeping")
    )
    assert matrix.loc["Ana One (a1)", orientation] == "Passed · 80%"
    assert matrix.loc["Ben Two (a2)", orientation] == "Passed · 70%"  # best of 40% and 70%
    assert matrix.loc["Ana One (a1)", creation] == "In progress"
    assert matrix.loc["Ana One (a1)", promises] == "Not started"
    assert overview.matrix_status().loc["Ana One (a1)", creation] == "in_progress"
    assert "b1" not in set(overview.cells["username"])


def test_completion_rates_per_module(store: Store, clock: FakeClock) -> None:
    org = _progress(store, clock)
    completion = team_overview(store, course(), scope_for(store, org.mara)).completion.set_index("module_id")
    # orientation: a1 and a2 passed -> 2 / 2
    assert completion.loc["orientation", ["learners", "passed", "in_progress", "not_started"]].tolist() == [2, 2, 0, 0]
    assert completion.loc["orientation", "completion_rate"] == pytest.approx(1.0)
    # customer-creation: a1 reading, a2 not started -> 0 / 2
    assert completion.loc["customer-creation", ["passed", "in_progress", "not_started"]].tolist() == [0, 1, 1]
    assert completion.loc["customer-creation", "completion_rate"] == pytest.approx(0.0)


def test_score_distribution_lists_every_finished_attempt(store: Store, clock: FakeClock) -> None:
    org = _progress(store, clock)
    scores = team_overview(store, course(), scope_for(store, org.mara)).scores
    # a1 4/5 = .8, a2 2/5 = .4 then 3.5/5 = .7
    assert sorted(scores["scaled"].round(6)) == [0.4, 0.7, 0.8]
    assert set(scores["username"]) == {"a1", "a2"}
    assert scores["passed"].tolist().count(True) == 2


def test_last_activity_per_learner(store: Store, clock: FakeClock) -> None:
    org = _progress(store, clock)
    learners = team_overview(store, course(), scope_for(store, org.admin)).learners.set_index("username")
    assert learners.loc["a1", "last_activity"].date() == date(2026, 3, 12)
    assert learners.loc["a1", "modules_passed"] == 1
    assert learners.loc["a1", "modules_started"] == 2
    assert pd.isna(learners.loc["loner", "last_activity"])


def test_a_date_range_keeps_learners_active_in_it_and_attempts_made_in_it(store: Store, clock: FakeClock) -> None:
    org = _progress(store, clock)
    # Only 12 March: a1 read a lesson, a2 passed on the second try; their first-day attempts fall outside.
    overview = team_overview(
        store, course(), scope_for(store, org.mara), period=Period(date(2026, 3, 12), date(2026, 3, 12))
    )
    assert sorted(overview.learners["username"]) == ["a1", "a2"]
    assert overview.scores["scaled"].round(6).tolist() == [0.7]
    completion = overview.completion.set_index("module_id")
    assert completion.loc["orientation", "passed"] == 2
    assert completion.loc["orientation", "passed_in_period"] == 1  # a2 passed on the 12th, a1 on the 2nd
    # Only 3 to 5 March: nobody did anything.
    quiet = team_overview(
        store, course(), scope_for(store, org.mara), period=Period(date(2026, 3, 3), date(2026, 3, 5))
    )
    assert quiet.learners.empty
    assert quiet.scores.empty


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="starts after it ends"):
        Period(date(2026, 3, 5), date(2026, 3, 1))


def test_the_admin_sees_all_teams_and_can_filter_one(store: Store, clock: FakeClock) -> None:
    org = _progress(store, clock)
    admin = scope_for(store, org.admin)
    assert set(team_overview(store, course(), admin).learners["username"]) == {"a1", "a2", "b1", "loner"}
    assert set(team_overview(store, course(), admin, team_ids=[org.billing]).learners["username"]) == {"b1"}
    with pytest.raises(AccessDeniedError):
        team_overview(store, course(), scope_for(store, org.theo), team_ids=[org.front_desk])


def test_the_export_frame_has_a_status_and_score_column_per_module(store: Store, clock: FakeClock) -> None:
    org = _progress(store, clock)
    frame = team_overview(store, course(), scope_for(store, org.mara)).export_frame().set_index("username")
    assert frame.loc["a1", "orientation status"] == "Passed"
    assert frame.loc["a1", "orientation best quiz %"] == 80
    assert frame.loc["a2", "customer-creation status"] == "Not started"
    assert pd.isna(frame.loc["a2", "customer-creation best quiz %"])


def test_an_empty_team_gives_empty_tables(store: Store) -> None:
    org = make_org(store)
    empty = store.create_team("New hires")
    store.add_member(empty.id, org.mara.id, manager=True)
    overview = team_overview(store, course(), scope_for(store, org.mara), team_ids=[empty.id])
    assert overview.learners.empty
    assert overview.matrix().empty
    assert overview.scores.empty
