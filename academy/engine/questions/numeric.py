"""Numeric: a number, right within the tolerance; all or nothing.

Right when ``|given - answer| <= tolerance``, with a relative 1e-9 slack so that 0.4 against
0.3 ± 0.1 is not lost to float rounding.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Any

from academy.content.schema import Numeric as NumericQuestion
from academy.engine.questions.base import (
    FeedbackLine,
    Interaction,
    QuestionType,
    Tally,
    commonest,
    kind,
    number,
    with_unit,
)


class Numeric(QuestionType[NumericQuestion]):
    name = "numeric"
    response_help = "a number (float; an int is accepted)"

    def validate(self, question: NumericQuestion, response: object) -> None:
        if isinstance(response, bool) or not isinstance(response, int | float):
            raise ValueError(f"question '{question.id}' expects a number, got {kind(response)}")
        if not math.isfinite(response):
            raise ValueError(f"question '{question.id}' expects a finite number, got {response}")

    def score(self, question: NumericQuestion, response: float | None) -> tuple[float, list[FeedbackLine]]:
        right = response is not None and _within_tolerance(question, float(response))
        line = FeedbackLine(
            id="answer",
            text="Your answer",
            feedback=question.if_correct if right else question.if_wrong,
            right=right,
            given=with_unit(response, question.unit) if response is not None else None,
            expected=_expected(question),
        )
        return (1.0 if right else 0.0), [line]

    def correct_response(self, question: NumericQuestion) -> float:
        return question.answer

    def describe(self, question: NumericQuestion, response: float) -> str:
        return with_unit(response, question.unit)

    def wrong_response(self, question: NumericQuestion, order: Sequence[str], rng: random.Random) -> float:
        return question.answer + (question.tolerance + max(1.0, abs(question.answer) * 0.3)) * rng.choice((-1, 1))

    def tally(self, question: NumericQuestion, responses: list[Any]) -> Tally:
        return commonest(self, question, responses)

    def interaction(self, question: NumericQuestion) -> Interaction:
        if question.tolerance:
            low, high = question.answer - question.tolerance, question.answer + question.tolerance
            pattern = f"{number(low)}[:]{number(high)}"
        else:
            pattern = number(question.answer)
        return Interaction(interaction_type="numeric", correct_patterns=(pattern,))

    def xapi_response(self, question: NumericQuestion, response: Any) -> str | None:
        return number(float(response))


def _within_tolerance(question: NumericQuestion, given: float) -> bool:
    slack = 1e-9 * max(1.0, abs(question.answer))
    return abs(given - question.answer) <= question.tolerance + slack


def _expected(question: NumericQuestion) -> str:
    if question.tolerance:
        return f"{with_unit(question.answer, question.unit)} (± {number(question.tolerance)})"
    return with_unit(question.answer, question.unit)
