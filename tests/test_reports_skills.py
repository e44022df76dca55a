"""Skills: scores per skill tag from quiz answers and role-play decisions, per learner and per team."""

from __future__ import annotations

import math

import pytest

from academy.reports.access import scope_for
from academy.reports.skills import skill_report
from academy.store import Store
from tests.reports_helpers import Org, course, make_org, play, quiz


def _evidence(store: Store) -> Org:
    """Orientation question tags: low-bar and saved -> follow-through, parts -> communication.
    Call-back role-play: at 'call' choice 1 (follow-through) is not the best; at 'annoyed' choice 0
    (ownership) is the best there."""
    org = make_org(store)
    quiz(store, org.a1, "orientation", [1, 0.5], question_ids=["low-bar", "parts"])
    play(store, org.a1, "orientation", "callback", [1, 0])
    quiz(store, org.a2, "orientation", [0], question_ids=["saved"])
    return org


def test_scores_per_learner_mix_answers_and_decisions(store: Store) -> None:
    org = _evidence(store)
    table = skill_report(store, course(), scope_for(store, org.mara)).per_learner.set_index(["username", "skill"])
    # a1 follow-through: low-bar answered fully (1.0) and a non-best decision (0) -> (1 + 0) / 2 = .5
    row = table.loc[("a1", "follow-through")]
    assert row["score"] == pytest.approx(0.5)
    assert row["quiz_answers"] == 1
    assert row["quiz_score"] == pytest.approx(1.0)
    assert row["decisions"] == 1
    assert row["decision_score"] == pytest.approx(0.0)
    # a1 communication: half the points of 'parts' -> .5; no decision
    assert table.loc[("a1", "communication"), "score"] == pytest.approx(0.5)
    assert table.loc[("a1", "communication"), "decisions"] == 0
    # a1 ownership: one best decision -> 1.0, no question
    assert table.loc[("a1", "ownership"), "score"] == pytest.approx(1.0)
    assert math.isnan(table.loc[("a1", "ownership"), "quiz_score"])
    # a2 follow-through: 'saved' wrong -> 0
    assert table.loc[("a2", "follow-through"), "score"] == pytest.approx(0.0)


def test_team_scores_pool_the_members_evidence(store: Store) -> None:
    org = _evidence(store)
    team = skill_report(store, course(), scope_for(store, org.admin)).per_team.set_index(["team", "skill"])
    # Front desk follow-through: a1 1.0 and 0, a2 0 -> 1/3 over 2 learners
    row = team.loc[("Front desk", "follow-through")]
    assert row["score"] == pytest.approx(1 / 3)
    assert row["evidence"] == 3
    assert row["learners"] == 2
    assert row["quiz_score"] == pytest.approx(0.5)
    assert ("Billing", "follow-through") not in team.index


def test_the_learner_matrix_is_learner_by_skill(store: Store) -> None:
    org = _evidence(store)
    matrix = skill_report(store, course(), scope_for(store, org.mara)).learner_matrix()
    assert set(matrix.index) == {"a1", "a2"}
    assert matrix.loc["a1", "ownership"] == pytest.approx(1.0)
    assert math.isnan(matrix.loc["a2", "ownership"])


def test_a_manager_sees_no_evidence_from_other_teams(store: Store) -> None:
    org = _evidence(store)
    report = skill_report(store, course(), scope_for(store, org.theo))
    assert report.per_learner.empty
    assert report.per_team.empty
