"""Quiz logic: draw questions from a seed, check and score responses, grade an attempt.

Pure functions over the content models (``academy.content.schema``); no I/O.

Responses are what a page collects, in plain JSON types so they can be stored as they are:

============  ==============================================================
type          response
============  ==============================================================
single        the chosen option id (``str``)
multiple      the ticked option ids (``list[str]``, may be empty)
true_false    ``bool``
ordering      every item id, in the learner's order (``list[str]``)
matching      left pair id -> the pair id whose ``right`` text was picked
              (``dict[str, str]``; a left left unmatched is simply absent)
numeric       ``float`` (an ``int`` is accepted)
============  ==============================================================
"""

from __future__ import annotations

import math
import random
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from academy.content.schema import (
    Matching,
    MultipleSelect,
    Numeric,
    Ordering,
    Question,
    QuizBank,
    SingleChoice,
    TrueFalse,
)
from academy.engine import blueprint
from academy.engine._results import Result

Response = str | list[str] | bool | dict[str, str] | float

# A learner who hits the pass mark exactly must not fail on float rounding of partial credit.
_PASS_EPSILON = 1e-9


# --- drawing ----------------------------------------------------------------------------


class DrawnQuestion(Result):
    """One question of an attempt and the order its parts are shown in.

    ``order`` holds option ids (single, multiple), item ids (ordering) or the pair ids of
    the right-hand column (matching); it is empty for true/false and numeric questions.
    """

    question_id: str
    order: tuple[str, ...] = ()


def new_seed() -> int:
    """A fresh unpredictable seed for a new attempt; fits a signed 32-bit integer column."""
    return secrets.randbits(31)


def draw(bank: QuizBank, seed: int) -> list[DrawnQuestion]:
    """The questions of one attempt, identical for identical (bank, seed).

    Picks ``bank.draw`` questions at random (all of them when the bank is not larger), or by the
    bank's ``blueprint`` when it has one (``academy.engine.blueprint``).
    With ``bank.shuffle`` the questions and the options of single and multiple questions
    are shown in random order; without it they keep the bank's order. Ordering items and
    the right-hand column of matching are always shuffled, and never left in the correct
    order, since showing them as written would give the answer away.
    """
    rng = random.Random(seed)
    questions = bank.questions
    if bank.blueprint:
        picked = blueprint.pick(bank, rng)
    else:
        picked = sorted(rng.sample(range(len(questions)), min(bank.draw, len(questions))))
    if bank.shuffle:
        rng.shuffle(picked)
    return [_drawn(questions[index], rng, bank.shuffle) for index in picked]


def _drawn(question: Question, rng: random.Random, shuffle: bool) -> DrawnQuestion:
    order: list[str] = []
    if isinstance(question, SingleChoice | MultipleSelect):
        order = [option.id for option in question.options]
        if shuffle:
            rng.shuffle(order)
    elif isinstance(question, Ordering):
        order = _shuffled_out_of_order([item.id for item in question.items], rng)
    elif isinstance(question, Matching):
        order = _shuffled_out_of_order([pair.id for pair in question.pairs], rng)
    return DrawnQuestion(question_id=question.id, order=tuple(order))


def default_order(question: Question) -> DrawnQuestion:
    """The question's parts in the bank's order (for a question the seed no longer draws)."""
    order: list[str] = []
    if isinstance(question, SingleChoice | MultipleSelect):
        order = [option.id for option in question.options]
    elif isinstance(question, Ordering):
        order = [item.id for item in question.items]
    elif isinstance(question, Matching):
        order = [pair.id for pair in question.pairs]
    return DrawnQuestion(question_id=question.id, order=tuple(order))


def _shuffled_out_of_order(ids: list[str], rng: random.Random) -> list[str]:
    # Shuffle positions rather than ids so that duplicate ids (a lint error) cannot loop forever.
    positions = list(range(len(ids)))
    if len(positions) >= 2:
        while positions == sorted(positions):
            rng.shuffle(positions)
    return [ids[position] for position in positions]


# --- responses --------------------------------------------------------------------------


def validate_response(question: Question, response: object) -> None:
    """Raise ``ValueError`` saying what is wrong when ``response`` is not a well-formed answer."""
    if isinstance(question, SingleChoice):
        _check_id(response, [option.id for option in question.options], "option")
    elif isinstance(question, MultipleSelect):
        _check_id_list(response, [option.id for option in question.options], "option")
    elif isinstance(question, TrueFalse):
        if not isinstance(response, bool):
            raise ValueError(f"question '{question.id}' expects true or false, got {_kind(response)}")
    elif isinstance(question, Ordering):
        known = [item.id for item in question.items]
        _check_id_list(response, known, "item")
        missing = [item_id for item_id in known if item_id not in response]  # type: ignore[operator]
        if missing:
            raise ValueError(f"an ordering must place every item; missing: {', '.join(missing)}")
    elif isinstance(question, Matching):
        _check_matching(response, [pair.id for pair in question.pairs])
    elif isinstance(question, Numeric):
        if isinstance(response, bool) or not isinstance(response, int | float):
            raise ValueError(f"question '{question.id}' expects a number, got {_kind(response)}")
        if not math.isfinite(response):
            raise ValueError(f"question '{question.id}' expects a finite number, got {response}")


def _kind(value: object) -> str:
    return f"{type(value).__name__} {value!r}"


def _check_id(value: object, known: Sequence[str], what: str) -> None:
    article = "an" if what[0] in "aeiou" else "a"
    if not isinstance(value, str):
        raise ValueError(f"expected {article} {what} id (text), got {_kind(value)}")
    if value not in known:
        raise ValueError(f"'{value}' is not {article} {what} of this question; known: {', '.join(known)}")


def _check_id_list(value: object, known: Sequence[str], what: str) -> None:
    if not isinstance(value, list | tuple):
        raise ValueError(f"expected a list of {what} ids, got {_kind(value)}")
    seen: set[str] = set()
    for entry in value:
        _check_id(entry, known, what)
        if entry in seen:
            raise ValueError(f"{what} '{entry}' is given more than once")
        seen.add(entry)


def _check_matching(value: object, known: Sequence[str]) -> None:
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a mapping of left pair id to chosen pair id, got {_kind(value)}")
    chosen_by: dict[str, str] = {}
    for left, chosen in value.items():
        _check_id(left, known, "pair")
        _check_id(chosen, known, "pair")
        if chosen in chosen_by:
            raise ValueError(f"'{chosen}' is matched to both '{chosen_by[chosen]}' and '{left}'")
        chosen_by[chosen] = left


# --- scoring ----------------------------------------------------------------------------


class FeedbackLine(Result):
    """One part of a scored answer, for the review.

    ``id`` is an option id, an item id, a left pair id, ``"true"``/``"false"``, or
    ``"answer"`` for numeric questions. ``right`` says whether the learner got this part
    right (for options: ticked a correct one or left an incorrect one).
    """

    id: str
    text: str
    feedback: str
    right: bool
    selected: bool | None = None
    """single, multiple, true_false: the learner picked this."""
    correct: bool | None = None
    """single, multiple, true_false: this is (one of) the correct answer(s)."""
    given: str | None = None
    """ordering: the learner's position (from 1); matching: the right text picked; numeric: the number."""
    expected: str | None = None
    """ordering: the correct position; matching: the correct right text; numeric: answer ± tolerance."""


class ScoredAnswer(Result):
    question_id: str
    type: str
    answered: bool
    response: Any = None
    points: float
    max_points: float
    correct: bool
    """Full marks."""
    feedback: tuple[FeedbackLine, ...]


def score(question: Question, response: object) -> ScoredAnswer:
    """Score one response; ``None`` means unanswered (0 points). Malformed ones raise ``ValueError``.

    Rules (each question is worth ``question.points``):

    - single: all or nothing; any option marked correct earns full marks.
    - multiple: each option judged right (a correct one ticked or an incorrect one left
      unticked) earns an equal share; this can never go below 0.
    - true_false: all or nothing.
    - ordering: each item at its correct position earns an equal share.
    - matching: each left item matched to its own right text earns an equal share; an
      unmatched left earns nothing.
    - numeric: all or nothing; right when ``|given - answer| <= tolerance`` (with a
      relative 1e-9 slack so that 0.4 vs 0.3 ± 0.1 is not lost to float rounding).
    """
    if response is not None:
        validate_response(question, response)
    share, lines = _SCORERS[question.type](question, response)
    if response is None:
        share = 0.0  # leaving a multiple-select untouched must not earn the share of its wrong options
    return ScoredAnswer(
        question_id=question.id,
        type=question.type,
        answered=response is not None,
        response=response,
        points=question.points * share,
        max_points=question.points,
        correct=share == 1.0,
        feedback=tuple(lines),
    )


def _score_single(question: SingleChoice, response: str | None) -> tuple[float, list[FeedbackLine]]:
    lines = [
        _option_line(option.id, option.text, option.feedback, option.id == response, option.correct)
        for option in question.options
    ]
    chosen = next((option for option in question.options if option.id == response), None)
    return (1.0 if chosen is not None and chosen.correct else 0.0), lines


def _score_multiple(question: MultipleSelect, response: list[str] | None) -> tuple[float, list[FeedbackLine]]:
    ticked = set(response or ())
    lines = [
        _option_line(option.id, option.text, option.feedback, option.id in ticked, option.correct)
        for option in question.options
    ]
    return _share(lines), lines


def _score_true_false(question: TrueFalse, response: bool | None) -> tuple[float, list[FeedbackLine]]:
    lines = [
        _option_line("true", "True", question.if_true, response is True, question.answer),
        _option_line("false", "False", question.if_false, response is False, not question.answer),
    ]
    return (1.0 if response is question.answer else 0.0), lines


def _option_line(line_id: str, text: str, feedback: str, selected: bool, correct: bool) -> FeedbackLine:
    return FeedbackLine(
        id=line_id, text=text, feedback=feedback, right=selected == correct, selected=selected, correct=correct
    )


def _score_ordering(question: Ordering, response: list[str] | None) -> tuple[float, list[FeedbackLine]]:
    given = {item_id: position for position, item_id in enumerate(response or ())}
    lines = [
        FeedbackLine(
            id=item.id,
            text=item.text,
            feedback=item.feedback,
            right=given.get(item.id) == position,
            given=str(given[item.id] + 1) if item.id in given else None,
            expected=str(position + 1),
        )
        for position, item in enumerate(question.items)
    ]
    return _share(lines), lines


def _score_matching(question: Matching, response: dict[str, str] | None) -> tuple[float, list[FeedbackLine]]:
    right_text = {pair.id: pair.right for pair in question.pairs}
    chosen = dict(response or {})
    lines = []
    for pair in question.pairs:
        picked = right_text[chosen[pair.id]] if pair.id in chosen else None
        # Compared by text: two pairs sharing a right text are equally right answers.
        lines.append(
            FeedbackLine(
                id=pair.id,
                text=pair.left,
                feedback=pair.feedback,
                right=picked == pair.right,
                given=picked,
                expected=pair.right,
            )
        )
    return _share(lines), lines


def _score_numeric(question: Numeric, response: float | None) -> tuple[float, list[FeedbackLine]]:
    right = response is not None and _within_tolerance(question, float(response))
    line = FeedbackLine(
        id="answer",
        text="Your answer",
        feedback=question.if_correct if right else question.if_wrong,
        right=right,
        given=_with_unit(response, question.unit) if response is not None else None,
        expected=_expected_number(question),
    )
    return (1.0 if right else 0.0), [line]


def _within_tolerance(question: Numeric, given: float) -> bool:
    slack = 1e-9 * max(1.0, abs(question.answer))
    return abs(given - question.answer) <= question.tolerance + slack


def _share(lines: Sequence[FeedbackLine]) -> float:
    return sum(line.right for line in lines) / len(lines)


_SCORERS: dict[str, Any] = {
    "single": _score_single,
    "multiple": _score_multiple,
    "true_false": _score_true_false,
    "ordering": _score_ordering,
    "matching": _score_matching,
    "numeric": _score_numeric,
}


# --- attempts ---------------------------------------------------------------------------


class AttemptResult(Result):
    total: float
    max_points: float
    scaled: float
    """total / max_points, 0 to 1."""
    pass_mark: float
    passed: bool
    """scaled >= pass_mark."""
    answered: int
    answers: tuple[ScoredAnswer, ...]
    """One per drawn question, in the order they were shown."""

    def answer_for(self, question_id: str) -> ScoredAnswer:
        for answer in self.answers:
            if answer.question_id == question_id:
                return answer
        raise KeyError(question_id)


def grade_attempt(
    bank: QuizBank,
    drawn: Sequence[DrawnQuestion],
    answers: Mapping[str, object],
    pass_mark: float,
) -> AttemptResult:
    """Score every drawn question (a missing or ``None`` answer scores 0) against ``pass_mark``.

    Raises ``ValueError`` when a drawn question is no longer in the bank, when an answer is
    for a question that was not drawn, or when an answer is malformed.
    """
    by_id = {question.id: question for question in bank.questions}
    drawn_ids = [entry.question_id for entry in drawn]
    stray = sorted(set(answers) - set(drawn_ids))
    if stray:
        raise ValueError(f"answers given for questions not drawn in this attempt: {', '.join(stray)}")
    missing = [question_id for question_id in drawn_ids if question_id not in by_id]
    if missing:
        raise ValueError(f"questions drawn but no longer in bank '{bank.id}': {', '.join(missing)}")
    scored = tuple(score(by_id[question_id], answers.get(question_id)) for question_id in drawn_ids)
    total = sum(answer.points for answer in scored)
    max_points = sum(answer.max_points for answer in scored)
    scaled = scaled_score(total, max_points)
    return AttemptResult(
        total=total,
        max_points=max_points,
        scaled=scaled,
        pass_mark=pass_mark,
        passed=scaled >= pass_mark - _PASS_EPSILON,
        answered=sum(answer.answered for answer in scored),
        answers=scored,
    )


def scaled_score(points: float, max_points: float) -> float:
    """The share of the maximum earned, clamped to 0..1; 0.0 when nothing could be earned."""
    if max_points <= 0:
        return 0.0
    return max(0.0, min(1.0, points / max_points))


# --- the right answer, and words for a response -----------------------------------------


def correct_response(question: Question) -> Response:
    """The full-marks response (for single, the first correct option)."""
    if isinstance(question, SingleChoice):
        return next((option.id for option in question.options if option.correct), question.options[0].id)
    if isinstance(question, MultipleSelect):
        return [option.id for option in question.options if option.correct]
    if isinstance(question, Ordering):
        return [item.id for item in question.items]
    if isinstance(question, Matching):
        return {pair.id: pair.id for pair in question.pairs}
    return question.answer


def describe_response(question: Question, response: object) -> str:
    """The response in words, as the learner saw the choices; ``None`` is "(no answer)"."""
    if response is None:
        return "(no answer)"
    validate_response(question, response)
    if isinstance(question, SingleChoice | MultipleSelect):
        text = {option.id: option.text for option in question.options}
        ids = [response] if isinstance(response, str) else list(response)  # type: ignore[arg-type]
        return "; ".join(text[option_id] for option_id in ids) or "(none selected)"
    if isinstance(question, TrueFalse):
        return "True" if response else "False"
    if isinstance(question, Ordering):
        text = {item.id: item.text for item in question.items}
        return " → ".join(text[item_id] for item_id in response)  # type: ignore[union-attr]
    if isinstance(question, Matching):
        left = {pair.id: pair.left for pair in question.pairs}
        right = {pair.id: pair.right for pair in question.pairs}
        chosen: Mapping[str, str] = response  # type: ignore[assignment]
        return (
            "; ".join(f"{left[pair.id]} → {right[chosen[pair.id]]}" for pair in question.pairs if pair.id in chosen)
            or "(nothing matched)"
        )
    return _with_unit(response, question.unit)  # type: ignore[arg-type]


def _number(value: float) -> str:
    return f"{value:.10g}"


def _with_unit(value: float, unit: str | None) -> str:
    return f"{_number(value)} {unit}" if unit else _number(value)


def _expected_number(question: Numeric) -> str:
    if question.tolerance:
        return f"{_with_unit(question.answer, question.unit)} (± {_number(question.tolerance)})"
    return _with_unit(question.answer, question.unit)
