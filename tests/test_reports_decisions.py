"""Decision analysis of a role-play: reach, choices, share of best choices, endings."""

from __future__ import annotations

import pytest

from academy.reports.access import scope_for
from academy.reports.decisions import decision_analysis
from academy.store import Store
from tests.reports_helpers import Org, course, make_org, play

# The call-back role-play (orientation):
#   call:    0 -> thanks  (+20, best)      1 -> annoyed (-20)
#   thanks:  0 -> delighted (+10, only when a variable set by call/0 is 1)   1 -> satisfied (0)
#   annoyed: 0 -> satisfied (+10, best)    1 -> lost (-20)
#   endings: delighted +10 (referring), satisfied 0 (retained), lost -10 (lost_and_telling)
# Best from the start: 20 + 10 + 10 = 40. Choice 1 at 'call' is worth -20 + (10 + 0) = -10: it costs 50.


def _runs(store: Store) -> Org:
    org = make_org(store)
    play(store, org.a1, "orientation", "callback", [0, 0])  # delighted
    play(store, org.a1, "orientation", "callback", [0, 1])  # satisfied, one non-best decision (cost 10)
    play(store, org.a2, "orientation", "callback", [1, 1])  # lost
    play(store, org.b1, "orientation", "callback", [1])  # still open, waiting at 'annoyed'
    return org


def test_nodes_count_who_reached_them_and_how_often_the_best_was_taken(store: Store) -> None:
    org = _runs(store)
    analysis = decision_analysis(store, course(), scope_for(store, org.admin), "callback")
    assert (analysis.runs, analysis.finished_runs, analysis.learners) == (4, 3, 3)
    nodes = analysis.nodes.set_index("node_id")
    # call: 4 runs by 3 learners; best taken in 2 of 4
    assert nodes.loc["call", ["reached_learners", "reached_runs", "decisions"]].tolist() == [3, 4, 4]
    assert nodes.loc["call", "best_share"] == pytest.approx(0.5)
    # thanks: a1's two runs; best in 1 of 2
    assert nodes.loc["thanks", ["reached_learners", "reached_runs", "decisions"]].tolist() == [1, 2, 2]
    assert nodes.loc["thanks", "best_share"] == pytest.approx(0.5)
    # annoyed: a2 decided there, b1 is waiting there; 0 of 1 decisions best
    assert nodes.loc["annoyed", ["reached_learners", "reached_runs", "decisions"]].tolist() == [2, 2, 1]
    assert nodes.loc["annoyed", "best_share"] == pytest.approx(0.0)


def test_choices_show_counts_shares_and_cost(store: Store) -> None:
    org = _runs(store)
    choices = decision_analysis(store, course(), scope_for(store, org.admin), "callback").choices
    call = choices[choices["node_id"] == "call"].set_index("choice_index")
    assert call["count"].tolist() == [2, 2]
    assert call["share"].tolist() == pytest.approx([0.5, 0.5])
    assert call.loc[0, "mean_cost"] == pytest.approx(0)
    assert call.loc[1, "mean_cost"] == pytest.approx(50)
    assert call["can_be_best"].tolist() == [True, False]
    annoyed = choices[choices["node_id"] == "annoyed"].set_index("choice_index")
    assert annoyed.loc[0, "count"] == 0
    assert annoyed.loc[0, "share"] == pytest.approx(0.0)


def test_endings_count_finished_runs(store: Store) -> None:
    org = _runs(store)
    endings = decision_analysis(store, course(), scope_for(store, org.admin), "callback").endings.set_index("ending_id")
    assert endings["runs"].to_dict() == {"delighted": 1, "satisfied": 1, "lost": 1}
    assert endings["share"].tolist() == pytest.approx([1 / 3] * 3)
    assert endings.loc["lost", "outcome"] == "lost_and_telling"


def test_a_manager_sees_only_their_teams_runs(store: Store) -> None:
    org = _runs(store)
    analysis = decision_analysis(store, course(), scope_for(store, org.mara), "callback")
    assert analysis.learners == 2
    nodes = analysis.nodes.set_index("node_id")
    assert nodes.loc["annoyed", "reached_runs"] == 1  # b1's open run is Billing's
    theo = decision_analysis(store, course(), scope_for(store, org.theo), "callback")
    assert theo.runs == 1
    assert theo.finished_runs == 0
