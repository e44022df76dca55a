"""Question analysis: Moodle's classical item statistics, checked against hand-computed values."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from academy.content.schema import QuizBank
from academy.reports.access import AccessDeniedError, scope_for
from academy.reports.items import (
    DOUBTFUL_EFFICIENCY,
    analyse_answers,
    cronbach_alpha,
    item_figures,
    question_analysis,
)
from academy.store import Store
from tests.reports_helpers import course, make_org, quiz


def _bank(questions: list[dict[str, Any]]) -> QuizBank:
    filled = []
    for spec in questions:
        question = {
            "prompt": f"Prompt {spec['id']}?",
            "explanation": "Because.",
            "skills": ["listening"],
            "sources": ["customer-keeping"],
            **spec,
        }
        if question["type"] == "single":
            question["options"] = [{"text": f"Option {o['id']}", "feedback": "-", **o} for o in question["options"]]
        if question["type"] == "true_false":
            question |= {"if_true": "t", "if_false": "f"}
        if question["type"] == "ordering":
            question["items"] = [{"id": i, "text": f"Step {i}", "feedback": "-"} for i in question["items"]]
        if question["type"] == "numeric":
            question |= {"if_correct": "y", "if_wrong": "n"}
        filled.append(question)
    return QuizBank.model_validate(
        {"schema_version": 1, "id": "bank", "title": "Bank", "draw": len(filled), "questions": filled}
    )


# Four attempts at three 1-point items, best to worst:
#   A: 1 1 1 (total 3)   B: 1 1 0 (2)   C: 1 0 0 (1)   D: 0 0 0 (0)
GOOD = pd.DataFrame({"q1": [1, 1, 1, 0], "q2": [1, 1, 0, 0], "q3": [1, 0, 0, 0]}, index=list("ABCD"), dtype=float)


def test_facility_sd_discrimination_and_efficiency_of_a_good_item() -> None:
    # q1: x = 1 1 1 0, mean .75 -> facility .75.
    # var x = (3 * .25**2 + .75**2) / 3 = .75 / 3 = .25 -> SD .5 (max is 1).
    # rest of test X = total - x = 2 1 0 0, mean .75; deviations x: .25 .25 .25 -.75, X: 1.25 .25 -.75 -.75
    # cov = (.3125 + .0625 - .1875 + .5625) / 3 = .25; var X = (1.5625 + .0625 + .5625 + .5625) / 3 = .916667
    # discrimination = .25 / sqrt(.25 * .916667) = .522233
    # sorted x 0 1 1 1 with sorted X 0 0 1 2 give the same covariance .25 -> efficiency 1.
    figures = item_figures(GOOD["q1"], GOOD.sum(axis=1), max_points=1)
    assert figures.attempts == 4
    assert figures.facility == pytest.approx(0.75)
    assert figures.sd == pytest.approx(0.5)
    assert figures.discrimination == pytest.approx(0.25 / math.sqrt(0.25 * 2.75 / 3))
    assert figures.discrimination == pytest.approx(0.522233, abs=1e-6)
    assert figures.efficiency == pytest.approx(1.0)


def test_an_item_the_weaker_learners_get_right_has_negative_discrimination() -> None:
    # A: 1 1 0 (2)   B: 1 1 0 (2)   C: 1 0 0 (1)   D: 0 0 1 (1); the item is the third one.
    # x = 0 0 0 1 (mean .25), X = total - x = 2 2 1 0 (mean 1.25)
    # cov = ((-.25)(.75) + (-.25)(.75) + (-.25)(-.25) + (.75)(-1.25)) / 3 = -1.25 / 3 = -.416667
    # var x = .75 / 3 = .25; var X = (.5625 + .5625 + .0625 + 1.5625) / 3 = .916667
    # discrimination = -.416667 / sqrt(.25 * .916667) = -.870388
    # best covariance: sorted x 0 0 0 1 with sorted X 0 1 2 2 -> (.3125 + .0625 - .1875 + .5625) / 3 = .25
    # efficiency = -.416667 / .25 = -1.666667
    item = [0, 0, 0, 1]
    totals = [2, 2, 1, 1]
    figures = item_figures(item, totals, max_points=1)
    assert figures.facility == pytest.approx(0.25)
    assert figures.discrimination == pytest.approx(-0.870388, abs=1e-6)
    assert figures.efficiency == pytest.approx(-5 / 3)


def test_partial_credit_is_measured_against_the_item_maximum() -> None:
    # A 2-point item scored 2, 1, 0 in attempts totalling 5, 3, 1: mean 1 -> facility 1/2.
    # var x = (1 + 0 + 1) / 2 = 1 -> SD 1, i.e. .5 of the maximum.
    # X = 3 2 1 moves exactly with x: cov = (1*1 + 0 + (-1)(-1)) / 2 = 1, var X = 1 -> r = 1, efficiency 1.
    figures = item_figures([2, 1, 0], [5, 3, 1], max_points=2)
    assert figures.mean_points == pytest.approx(1.0)
    assert figures.facility == pytest.approx(0.5)
    assert figures.sd == pytest.approx(0.5)
    assert figures.discrimination == pytest.approx(1.0)
    assert figures.efficiency == pytest.approx(1.0)


def test_figures_that_need_spread_are_undefined_without_it() -> None:
    everyone_right = item_figures([1, 1, 1], [3, 2, 1], max_points=1)
    assert everyone_right.facility == pytest.approx(1.0)
    assert everyone_right.sd == pytest.approx(0.0)
    assert math.isnan(everyone_right.discrimination)
    assert math.isnan(everyone_right.efficiency)
    single = item_figures([1], [1], max_points=1)
    assert single.facility == pytest.approx(1.0)
    assert math.isnan(single.sd)
    assert item_figures([], [], max_points=1).attempts == 0


def test_cronbach_alpha_of_a_complete_matrix() -> None:
    # item variances: q1 .25, q2 (4 * .25) / 3 = .333333, q3 .25 -> sum .833333
    # totals 3 2 1 0: mean 1.5, var (2.25 + .25 + .25 + 2.25) / 3 = 1.666667
    # alpha = 3/2 * (1 - .833333 / 1.666667) = 1.5 * .5 = .75
    assert cronbach_alpha(GOOD) == pytest.approx(0.75)
    k = GOOD.shape[1]
    classical = k / (k - 1) * (1 - GOOD.var(ddof=1).sum() / GOOD.sum(axis=1).var(ddof=1))
    assert cronbach_alpha(GOOD) == pytest.approx(classical)


def test_cronbach_alpha_with_random_draws_uses_pairwise_covariances() -> None:
    # Six attempts, each given two of three items (NaN: not drawn):
    nan = np.nan
    matrix = pd.DataFrame({"q1": [1, 0, 1, 0, nan, nan], "q2": [1, 0, nan, nan, 1, 0], "q3": [nan, nan, 1, 0, 0, 1]})
    # every item: 1 0 1 0 in some order -> variance 4 * .25 / 3 = 1/3; mean variance v = 1/3
    # cov(q1, q2) on attempts 1-2: (1,1),(0,0) -> (.25 + .25) / 1 = .5; cov(q1, q3) on 3-4: .5;
    # cov(q2, q3) on 5-6: (1,0),(0,1) -> -.5; mean covariance c = (.5 + .5 - .5) / 3 = 1/6
    # k = 2 items per attempt: alpha = k c / (v + (k - 1) c) = (1/3) / (1/3 + 1/6) = 2/3
    assert cronbach_alpha(matrix) == pytest.approx(2 / 3)


def test_cronbach_alpha_is_undefined_for_one_item() -> None:
    assert math.isnan(cronbach_alpha(GOOD[["q1"]]))


def _answers(
    matrix: pd.DataFrame, responses: dict[str, dict[str, Any]] | None = None, numbers: dict[str, int] | None = None
) -> pd.DataFrame:
    """One answer row per non-missing cell: attempt = row label, learner = the label's position."""
    rows = []
    for position, (attempt, scores) in enumerate(matrix.iterrows()):
        for question_id, points in scores.items():
            if pd.isna(points):
                continue
            response = (responses or {}).get(question_id, {}).get(attempt, "a")
            rows.append(
                {
                    "attempt_id": attempt,
                    "user_id": position,
                    "attempt_number": (numbers or {}).get(attempt, 1),
                    "question_id": question_id,
                    "response": response,
                    "points": points,
                    "max_points": 1.0,
                }
            )
    return pd.DataFrame(rows)


THREE_SINGLE = _bank(
    [
        {"id": f"q{n}", "type": "single", "options": [{"id": "a", "correct": True}, {"id": "b"}, {"id": "c"}]}
        for n in (1, 2, 3)
    ]
    + [{"id": "unseen", "type": "true_false", "answer": True}]
)


def test_bank_analysis_puts_the_figures_per_question_in_bank_order() -> None:
    analysis = analyse_answers(THREE_SINGLE, _answers(GOOD))
    items = analysis.items.set_index("question_id")
    assert list(analysis.items["question_id"]) == ["q1", "q2", "q3", "unseen"]
    assert analysis.attempts == 4
    assert analysis.learners == 4
    assert items.loc["q1", "facility"] == pytest.approx(0.75)
    assert items.loc["q1", "discrimination"] == pytest.approx(0.522233, abs=1e-6)
    assert items.loc["unseen", "attempts"] == 0
    assert analysis.alpha == pytest.approx(0.75)
    # mean attempt score: (3 + 2 + 1 + 0) / 4 / 3 = .5
    assert analysis.mean_scaled == pytest.approx(0.5)


def test_items_under_fifteen_percent_efficiency_are_flagged() -> None:
    reversed_q3 = pd.DataFrame(
        {"q1": [1, 1, 1, 0], "q2": [1, 1, 0, 0], "q3": [0, 0, 0, 1]}, index=list("ABCD"), dtype=float
    )
    items = analyse_answers(THREE_SINGLE, _answers(reversed_q3)).items.set_index("question_id")
    assert items.loc["q3", "efficiency"] < DOUBTFUL_EFFICIENCY
    assert bool(items.loc["q3", "doubtful"])
    assert "under 15%" in items.loc["q3", "flag"]
    assert analyse_answers(THREE_SINGLE, _answers(GOOD)).doubtful.empty


def test_random_draws_count_each_item_on_the_attempts_that_saw_it() -> None:
    nan = np.nan
    drawn = pd.DataFrame(
        {"q1": [1, 0, 1, 0, nan, nan], "q2": [1, 0, nan, nan, 1, 0], "q3": [nan, nan, 1, 0, 0, 1]}, index=list("ABCDEF")
    )
    analysis = analyse_answers(THREE_SINGLE, _answers(drawn))
    items = analysis.items.set_index("question_id")
    assert items.loc["q1", "attempts"] == 4
    # q3 on attempts C D E F: scores 1 0 0 1 -> facility .5
    assert items.loc["q3", "facility"] == pytest.approx(0.5)
    assert analysis.alpha == pytest.approx(2 / 3)


def test_first_attempts_only_leaves_out_retakes() -> None:
    analysis = analyse_answers(THREE_SINGLE, _answers(GOOD, numbers={"D": 2}), first_attempts_only=True)
    assert analysis.attempts == 3
    # q1 over A B C: all right
    assert analysis.items.set_index("question_id").loc["q1", "facility"] == pytest.approx(1.0)


def test_option_distribution_counts_every_option_and_marks_the_right_one() -> None:
    responses = {"q1": {"A": "a", "B": "a", "C": "b", "D": "b"}}
    options = analyse_answers(THREE_SINGLE, _answers(GOOD, responses)).options
    q1 = options[options["question_id"] == "q1"].set_index("label")
    assert list(q1.index) == ["Option a", "Option b", "Option c"]
    assert list(q1["count"]) == [2, 2, 0]
    assert list(q1["share"]) == pytest.approx([0.5, 0.5, 0.0])
    assert list(q1["correct"]) == [True, False, False]


def test_free_form_responses_are_grouped_by_value() -> None:
    bank = _bank(
        [
            {"id": "n", "type": "numeric", "answer": 30, "tolerance": 2},
            {"id": "o", "type": "ordering", "items": ["x", "y"]},
        ]
    )
    answers = pd.DataFrame(
        [
            {
                "attempt_id": f"t{n}",
                "user_id": n,
                "attempt_number": 1,
                "question_id": qid,
                "response": response,
                "points": points,
                "max_points": 1.0,
            }
            for n, (qid, response, points) in enumerate(
                [
                    ("n", 31, 1.0),
                    ("n", 31.0, 1.0),
                    ("n", 50, 0.0),
                    ("o", ["y", "x"], 0.0),
                    ("o", ["x", "y"], 1.0),
                    ("o", ["x", "y"], 1.0),
                ]
            )
        ]
    )
    options = analyse_answers(bank, answers).options
    numeric = options[options["question_id"] == "n"]
    assert list(numeric["label"]) == ["31", "50"]
    assert list(numeric["count"]) == [2, 1]
    assert list(numeric["correct"]) == [True, False]
    ordering = options[options["question_id"] == "o"]
    assert list(ordering["label"]) == ["Step x → Step y", "Step y → Step x"]
    assert list(ordering["correct"]) == [True, False]


def test_question_analysis_from_the_store_covers_only_the_viewers_teams(store: Store) -> None:
    org = make_org(store)
    quiz(store, org.a1, "orientation", [1, 1, 1], question_ids=["low-bar", "parts", "saved"])
    quiz(store, org.a2, "orientation", [1, 0, 0], question_ids=["low-bar", "parts", "saved"])
    quiz(store, org.b1, "orientation", [0, 0, 0], question_ids=["low-bar", "parts", "saved"])
    mine = question_analysis(store, course(), scope_for(store, org.mara), "orientation")
    assert (mine.attempts, mine.learners) == (2, 2)
    # low-bar: a1 1, a2 1 -> facility 1; with b1 (admin) 2/3
    assert mine.items.set_index("question_id").loc["low-bar", "facility"] == pytest.approx(1.0)
    everyone = question_analysis(store, course(), scope_for(store, org.admin), "orientation")
    assert everyone.attempts == 3
    assert everyone.items.set_index("question_id").loc["low-bar", "facility"] == pytest.approx(2 / 3)
    with pytest.raises(AccessDeniedError):
        question_analysis(store, course(), scope_for(store, org.mara), "orientation", team_ids=[org.billing])
