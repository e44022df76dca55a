"""The quiz engine: seeded draws, response checks, partial-credit scoring, attempt grading."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from academy.content.schema import QuizBank
from academy.engine.quiz import (
    AttemptResult,
    DrawnQuestion,
    correct_response,
    describe_response,
    draw,
    grade_attempt,
    new_seed,
    score,
    validate_response,
)

SOURCE = "customer-keeping"


# --- building banks from short dicts ----------------------------------------------------


def _question(spec: dict[str, Any]) -> dict[str, Any]:
    """Fill in the fields a test does not care about."""
    question = {
        "prompt": f"Prompt of {spec['id']}?",
        "explanation": "Because.",
        "skills": ["listening"],
        "sources": [SOURCE],
        **spec,
    }
    kind = question["type"]
    if kind in ("single", "multiple"):
        question["options"] = [
            {"text": f"Option {o['id']}", "feedback": f"About {o['id']}.", **o} for o in question["options"]
        ]
    elif kind == "true_false":
        question.setdefault("if_true", "You said true.")
        question.setdefault("if_false", "You said false.")
    elif kind == "ordering":
        question["items"] = [{"id": i, "text": f"Step {i}", "feedback": f"{i} goes here."} for i in question["items"]]
    elif kind == "matching":
        question["pairs"] = [
            {"id": p, "left": f"L-{p}", "right": f"R-{p}", "feedback": f"{p} fits."} for p in question["pairs"]
        ]
    elif kind == "numeric":
        question.setdefault("if_correct", "Right number.")
        question.setdefault("if_wrong", "Wrong number.")
    return question


def build_bank(questions: list[dict[str, Any]], draw: int | None = None, shuffle: bool = True) -> QuizBank:
    return QuizBank.model_validate(
        {
            "schema_version": 1,
            "id": "bank",
            "title": "Bank",
            "draw": draw or len(questions),
            "shuffle": shuffle,
            "questions": [_question(spec) for spec in questions],
        }
    )


SINGLE = {"id": "s1", "type": "single", "options": [{"id": "a", "correct": True}, {"id": "b"}, {"id": "c"}]}
MULTIPLE = {
    "id": "m1",
    "type": "multiple",
    "points": 2,
    "options": [{"id": "a", "correct": True}, {"id": "b", "correct": True}, {"id": "c"}, {"id": "d"}],
}
TRUE_FALSE = {"id": "t1", "type": "true_false", "answer": True}
ORDERING = {"id": "o1", "type": "ordering", "points": 4, "items": ["i1", "i2", "i3", "i4"]}
MATCHING = {"id": "p1", "type": "matching", "points": 3, "pairs": ["x", "y", "z"]}
NUMERIC = {"id": "n1", "type": "numeric", "answer": 30, "tolerance": 2, "unit": "days"}
ALL = [SINGLE, MULTIPLE, TRUE_FALSE, ORDERING, MATCHING, NUMERIC]

BANK = build_bank(ALL)
Q = {question.id: question for question in BANK.questions}


# --- draw -------------------------------------------------------------------------------


def test_same_seed_gives_the_same_draw() -> None:
    bank = build_bank(ALL, draw=4)
    assert draw(bank, 1234) == draw(bank, 1234)


def test_different_seeds_give_different_draws() -> None:
    bank = build_bank(ALL, draw=4)
    draws = {tuple(draw(bank, seed)) for seed in range(50)}
    # 360 orders of 4 questions out of 6 before any option shuffling: repeats must be rare.
    assert len(draws) >= 45


def test_a_stored_seed_keeps_its_draw_across_releases() -> None:
    # Resumed attempts store only the seed: changing the draw algorithm would show a
    # learner other questions mid-attempt. Update this only with a migration of stored draws.
    bank = build_bank(ALL, draw=3)
    assert [(d.question_id, d.order) for d in draw(bank, 42)] == [
        ("s1", ("b", "c", "a")),
        ("p1", ("y", "z", "x")),
        ("n1", ()),
    ]


def test_draw_picks_the_draw_size_without_repeats() -> None:
    bank = build_bank(ALL, draw=4)
    for seed in range(20):
        ids = [d.question_id for d in draw(bank, seed)]
        assert len(ids) == 4
        assert len(set(ids)) == 4
        assert set(ids) <= set(Q)


def test_draw_takes_every_question_when_the_bank_is_small() -> None:
    bank = build_bank(ALL[:3], draw=10)
    assert sorted(d.question_id for d in draw(bank, 7)) == ["m1", "s1", "t1"]


def test_draw_shows_every_part_of_each_question_once() -> None:
    for drawn in draw(BANK, 99):
        question = Q[drawn.question_id]
        expected = {
            "single": lambda q: [o.id for o in q.options],
            "multiple": lambda q: [o.id for o in q.options],
            "ordering": lambda q: [i.id for i in q.items],
            "matching": lambda q: [p.id for p in q.pairs],
            "true_false": lambda q: [],
            "numeric": lambda q: [],
        }[question.type](question)
        assert sorted(drawn.order) == sorted(expected)


def test_without_shuffle_questions_and_options_keep_the_bank_order() -> None:
    bank = build_bank(ALL, shuffle=False)
    for seed in range(10):
        drawn = draw(bank, seed)
        assert [d.question_id for d in drawn] == [q["id"] for q in ALL]
        assert drawn[0].order == ("a", "b", "c")
        # Ordering and matching are still shuffled: in written order they would give the answer away.
        assert drawn[3].order != ("i1", "i2", "i3", "i4")
        assert drawn[4].order != ("x", "y", "z")


def test_without_shuffle_a_partial_draw_keeps_the_bank_order() -> None:
    bank = build_bank(ALL, draw=3, shuffle=False)
    position = {q["id"]: i for i, q in enumerate(ALL)}
    for seed in range(10):
        ids = [d.question_id for d in draw(bank, seed)]
        assert ids == sorted(ids, key=position.__getitem__)


def test_shuffle_changes_option_order_for_some_seed() -> None:
    bank = build_bank([SINGLE])
    assert {draw(bank, seed)[0].order for seed in range(30)} == {
        ("a", "b", "c"),
        ("a", "c", "b"),
        ("b", "a", "c"),
        ("b", "c", "a"),
        ("c", "a", "b"),
        ("c", "b", "a"),
    }


@given(seed=st.integers(min_value=0, max_value=2**31 - 1))
def test_ordering_and_matching_are_never_shown_in_the_correct_order(seed: int) -> None:
    bank = build_bank([ORDERING, MATCHING, {"id": "o2", "type": "ordering", "items": ["u", "v"]}])
    orders = {d.question_id: d.order for d in draw(bank, seed)}
    assert orders["o1"] != ("i1", "i2", "i3", "i4")
    assert orders["p1"] != ("x", "y", "z")
    assert orders["o2"] == ("v", "u")


def test_new_seed_is_a_fresh_32_bit_number() -> None:
    seeds = {new_seed() for _ in range(5)}
    assert all(0 <= seed < 2**31 for seed in seeds)
    assert len(seeds) > 1


def test_a_draw_round_trips_through_plain_dicts() -> None:
    drawn = draw(BANK, 5)
    stored = [d.to_dict() for d in drawn]
    assert all(isinstance(entry["order"], list) for entry in stored)
    assert [DrawnQuestion.from_dict(entry) for entry in stored] == drawn


# --- malformed responses ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("question_id", "response", "message"),
    [
        ("s1", ["a"], "expected an option id"),
        ("s1", "zz", "'zz' is not an option of this question; known: a, b, c"),
        ("m1", "a", "expected a list of option ids"),
        ("m1", ["a", "a"], "option 'a' is given more than once"),
        ("m1", ["a", "q"], "'q' is not an option"),
        ("m1", [1], "expected an option id"),
        ("t1", 1, "expects true or false"),
        ("t1", "true", "expects true or false"),
        ("o1", ["i1", "i2", "i3"], "missing: i4"),
        ("o1", ["i1", "i2", "i3", "i3"], "item 'i3' is given more than once"),
        ("o1", ["i1", "i2", "i3", "i9"], "'i9' is not an item"),
        ("o1", {"i1": 0}, "expected a list of item ids"),
        ("p1", ["x"], "expected a mapping"),
        ("p1", {"x": "w"}, "'w' is not a pair of this question; known: x, y, z"),
        ("p1", {"w": "x"}, "'w' is not a pair of this question; known: x, y, z"),
        ("p1", {"x": "y", "z": "y"}, "'y' is matched to both 'x' and 'z'"),
        ("n1", "30", "expects a number"),
        ("n1", True, "expects a number"),
        ("n1", float("nan"), "expects a finite number"),
        ("n1", float("inf"), "expects a finite number"),
    ],
)
def test_malformed_responses_are_refused(question_id: str, response: object, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        validate_response(Q[question_id], response)
    with pytest.raises(ValueError, match=re.escape(message)):
        score(Q[question_id], response)


@pytest.mark.parametrize(
    ("question_id", "response"),
    [
        ("s1", "b"),
        ("m1", []),
        ("m1", ("c", "a")),
        ("t1", False),
        ("o1", ["i4", "i3", "i2", "i1"]),
        ("p1", {}),
        ("p1", {"x": "z"}),
        ("n1", 12),
        ("n1", -3.5),
    ],
)
def test_well_formed_responses_pass(question_id: str, response: object) -> None:
    validate_response(Q[question_id], response)


# --- scoring ----------------------------------------------------------------------------


def test_single_choice_is_all_or_nothing() -> None:
    right, wrong = score(Q["s1"], "a"), score(Q["s1"], "b")
    assert (right.points, right.max_points, right.correct) == (1.0, 1.0, True)
    assert (wrong.points, wrong.correct) == (0.0, False)
    lines = {line.id: line for line in wrong.feedback}
    assert (lines["b"].selected, lines["b"].correct, lines["b"].right) == (True, False, False)
    assert (lines["a"].selected, lines["a"].correct, lines["a"].right) == (False, True, False)
    assert lines["b"].feedback == "About b."


def test_single_choice_with_two_correct_options_accepts_either() -> None:
    question = build_bank(
        [{"id": "s2", "type": "single", "options": [{"id": "a", "correct": True}, {"id": "b", "correct": True}]}]
    ).questions[0]
    assert score(question, "b").correct


def test_multiple_select_earns_the_share_of_options_judged_right() -> None:
    # Ticked a (correct: right), missed b (wrong), ticked c (incorrect: wrong), left d (right): 2 of 4 of 2 points.
    result = score(Q["m1"], ["a", "c"])
    assert result.points == pytest.approx(1.0)
    assert not result.correct
    assert [line.right for line in result.feedback] == [True, False, False, True]
    assert score(Q["m1"], ["a", "b"]).points == 2.0
    assert score(Q["m1"], ["a", "b"]).correct
    # Ticking everything: a, b right; c, d wrong. Ticking nothing: the mirror image.
    assert score(Q["m1"], ["a", "b", "c", "d"]).points == pytest.approx(1.0)
    assert score(Q["m1"], []).points == pytest.approx(1.0)
    assert score(Q["m1"], ["c", "d"]).points == 0.0


def test_true_false_is_all_or_nothing_with_feedback_for_the_choice() -> None:
    right, wrong = score(Q["t1"], True), score(Q["t1"], False)
    assert (right.points, right.correct) == (1.0, True)
    assert (wrong.points, wrong.correct) == (0.0, False)
    chosen = next(line for line in wrong.feedback if line.selected)
    assert (chosen.id, chosen.feedback, chosen.right) == ("false", "You said false.", False)


def test_ordering_earns_the_share_of_items_in_place() -> None:
    # i1 and i4 in place, i2 and i3 swapped: 2 of 4 of 4 points.
    result = score(Q["o1"], ["i1", "i3", "i2", "i4"])
    assert result.points == pytest.approx(2.0)
    lines = {line.id: line for line in result.feedback}
    assert (lines["i3"].given, lines["i3"].expected, lines["i3"].right) == ("2", "3", False)
    assert (lines["i4"].given, lines["i4"].expected, lines["i4"].right) == ("4", "4", True)
    assert score(Q["o1"], ["i1", "i2", "i3", "i4"]).correct
    # Everything shifted by one: nothing in place.
    assert score(Q["o1"], ["i4", "i1", "i2", "i3"]).points == 0.0


def test_matching_earns_the_share_of_pairs_right() -> None:
    result = score(Q["p1"], {"x": "x", "y": "z", "z": "y"})
    assert result.points == pytest.approx(1.0)
    lines = {line.id: line for line in result.feedback}
    assert (lines["y"].text, lines["y"].given, lines["y"].expected, lines["y"].right) == ("L-y", "R-z", "R-y", False)
    assert score(Q["p1"], {"x": "x", "y": "y", "z": "z"}).correct
    # An unmatched left earns nothing and shows no pick.
    partial = score(Q["p1"], {"x": "x"})
    assert partial.points == pytest.approx(1.0)
    assert {line.id: line.given for line in partial.feedback} == {"x": "R-x", "y": None, "z": None}


def test_matching_accepts_a_pair_with_the_same_right_text() -> None:
    question = build_bank([{"id": "p2", "type": "matching", "pairs": ["a", "b"]}]).questions[0]
    same_right = question.model_copy(
        update={"pairs": [question.pairs[0], question.pairs[1].model_copy(update={"right": question.pairs[0].right})]}
    )
    assert score(same_right, {"a": "b", "b": "a"}).correct


@pytest.mark.parametrize(
    ("given", "right"),
    [
        (30, True),
        (31.5, True),
        (28, True),
        (32, True),
        (32.01, False),
        (27.9, False),
        (-30, False),
    ],
)
def test_numeric_is_right_within_the_tolerance(given: float, right: bool) -> None:
    result = score(Q["n1"], given)
    assert result.correct is right
    assert result.points == (1.0 if right else 0.0)
    assert result.feedback[0].feedback == ("Right number." if right else "Wrong number.")
    assert result.feedback[0].expected == "30 days (± 2)"


def test_numeric_tolerance_is_not_lost_to_float_rounding() -> None:
    question = build_bank([{"id": "n2", "type": "numeric", "answer": 0.3, "tolerance": 0.1}]).questions[0]
    assert abs(0.4 - 0.3) > 0.1  # the float trap this guards against
    assert score(question, 0.4).correct
    assert not score(question, 0.4001).correct
    exact = build_bank([{"id": "n3", "type": "numeric", "answer": 7}]).questions[0]
    assert score(exact, 7.0).correct
    assert not score(exact, 7.001).correct


def test_unanswered_scores_nothing_but_still_shows_the_answer() -> None:
    for question in BANK.questions:
        result = score(question, None)
        assert (result.answered, result.points, result.correct) == (False, 0.0, False)
        assert result.max_points == question.points
        assert result.feedback


def test_points_scale_with_the_question_points() -> None:
    heavy = build_bank([{**ORDERING, "points": 10}]).questions[0]
    assert score(heavy, ["i1", "i3", "i2", "i4"]).points == pytest.approx(5.0)


# --- the right answer and words for a response -----------------------------------------


@pytest.mark.parametrize("question_id", list(Q))
def test_the_correct_response_earns_full_marks(question_id: str) -> None:
    question = Q[question_id]
    result = score(question, correct_response(question))
    assert result.correct
    assert result.points == question.points
    assert all(line.right for line in result.feedback)


def test_correct_responses_in_response_form() -> None:
    assert correct_response(Q["s1"]) == "a"
    assert correct_response(Q["m1"]) == ["a", "b"]
    assert correct_response(Q["t1"]) is True
    assert correct_response(Q["o1"]) == ["i1", "i2", "i3", "i4"]
    assert correct_response(Q["p1"]) == {"x": "x", "y": "y", "z": "z"}
    assert correct_response(Q["n1"]) == 30


@pytest.mark.parametrize(
    ("question_id", "response", "words"),
    [
        ("s1", "b", "Option b"),
        ("m1", ["c", "a"], "Option c; Option a"),
        ("m1", [], "(none selected)"),
        ("t1", False, "False"),
        ("o1", ["i2", "i1", "i3", "i4"], "Step i2 → Step i1 → Step i3 → Step i4"),
        ("p1", {"y": "x", "x": "y"}, "L-x → R-y; L-y → R-x"),
        ("p1", {}, "(nothing matched)"),
        ("n1", 31.5, "31.5 days"),
        ("n1", None, "(no answer)"),
    ],
)
def test_describe_response_in_words(question_id: str, response: object, words: str) -> None:
    assert describe_response(Q[question_id], response) == words


def test_describe_response_refuses_a_malformed_one() -> None:
    with pytest.raises(ValueError, match="not an option"):
        describe_response(Q["s1"], "zz")


# --- grading an attempt -----------------------------------------------------------------


def test_grade_attempt_totals_partial_credit_and_unanswered() -> None:
    drawn = draw(BANK, 3)
    answers = {"s1": "a", "m1": ["a", "c"], "o1": ["i1", "i3", "i2", "i4"], "p1": {"x": "y"}, "n1": 33}
    result = grade_attempt(BANK, drawn, answers, pass_mark=0.3)
    # s1 1 + m1 1 + t1 unanswered 0 + o1 2 + p1 0 + n1 0 = 4 of 1+2+1+4+3+1 = 12.
    assert result.total == pytest.approx(4.0)
    assert result.max_points == 12.0
    assert result.scaled == pytest.approx(4 / 12)
    assert result.passed
    assert result.answered == 5
    assert [a.question_id for a in result.answers] == [d.question_id for d in drawn]
    assert not result.answer_for("t1").answered
    assert not grade_attempt(BANK, drawn, answers, pass_mark=0.34).passed


def test_grade_attempt_counts_only_the_drawn_questions() -> None:
    bank = build_bank(ALL, draw=2)
    drawn = draw(bank, 11)
    answers = {d.question_id: correct_response(Q[d.question_id]) for d in drawn}
    result = grade_attempt(bank, drawn, answers, pass_mark=1.0)
    assert result.max_points == sum(Q[d.question_id].points for d in drawn)
    assert (result.scaled, result.passed) == (1.0, True)


def test_grade_attempt_passes_exactly_at_the_pass_mark_despite_float_rounding() -> None:
    # Ten questions of 0.1 points: seven right add up to 0.7000000000000001 of 0.9999999999999999.
    questions = [{**TRUE_FALSE, "id": f"t{i}", "points": 0.1} for i in range(10)]
    bank = build_bank(questions)
    drawn = draw(bank, 1)
    answers = {f"t{i}": i < 7 for i in range(10)}
    assert grade_attempt(bank, drawn, answers, pass_mark=0.7).passed
    assert not grade_attempt(bank, drawn, answers, pass_mark=0.71).passed


def test_grade_attempt_with_nothing_answered_fails() -> None:
    result = grade_attempt(BANK, draw(BANK, 2), {}, pass_mark=0.1)
    assert (result.total, result.scaled, result.passed, result.answered) == (0.0, 0.0, False, 0)


def test_grade_attempt_refuses_answers_to_questions_not_drawn() -> None:
    bank = build_bank(ALL, draw=1)
    drawn = draw(bank, 4)
    other = next(q for q in Q if q != drawn[0].question_id)
    with pytest.raises(ValueError, match=f"not drawn in this attempt: {other}"):
        grade_attempt(bank, drawn, {other: None}, pass_mark=0.5)


def test_grade_attempt_refuses_a_draw_from_an_older_bank() -> None:
    drawn = [DrawnQuestion(question_id="gone")]
    with pytest.raises(ValueError, match="no longer in bank 'bank': gone"):
        grade_attempt(BANK, drawn, {}, pass_mark=0.5)


def test_grade_attempt_refuses_a_malformed_answer() -> None:
    with pytest.raises(ValueError, match="expects true or false"):
        grade_attempt(BANK, draw(BANK, 1), {"t1": "yes"}, pass_mark=0.5)


def test_an_attempt_result_round_trips_through_plain_dicts() -> None:
    result = grade_attempt(BANK, draw(BANK, 8), {"p1": {"x": "x"}, "m1": ["b"], "t1": False}, pass_mark=0.5)
    stored = result.to_dict()
    assert stored["answers"][0]["feedback"][0]["id"]
    assert AttemptResult.from_dict(stored) == result


# --- properties -------------------------------------------------------------------------


def _responses(question_id: str) -> st.SearchStrategy[Any]:
    question = Q[question_id]
    if question.type == "single":
        return st.sampled_from([o.id for o in question.options])
    if question.type == "multiple":
        return st.lists(st.sampled_from([o.id for o in question.options]), unique=True)
    if question.type == "true_false":
        return st.booleans()
    if question.type == "ordering":
        return st.permutations([i.id for i in question.items])
    if question.type == "matching":
        ids = [p.id for p in question.pairs]
        return st.permutations(ids).flatmap(
            lambda rights: st.sets(st.sampled_from(ids)).map(
                lambda lefts: {left: rights[ids.index(left)] for left in lefts}
            )
        )
    return st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@settings(max_examples=200)
@given(data=st.data(), question_id=st.sampled_from(list(Q)))
def test_any_valid_response_scores_within_bounds(data: st.DataObject, question_id: str) -> None:
    question = Q[question_id]
    response = data.draw(_responses(question_id))
    result = score(question, response)
    assert 0.0 <= result.points <= result.max_points
    assert result.correct == (result.points == result.max_points)
    right_share = sum(line.right for line in result.feedback) / len(result.feedback)
    if question.type in ("multiple", "ordering", "matching"):
        assert result.points == pytest.approx(question.points * right_share)
    assert isinstance(describe_response(question, response), str)
