"""True or false: all or nothing."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from typing import Any

from academy.content.schema import TrueFalse as TrueFalseQuestion
from academy.engine.questions.base import FeedbackLine, Interaction, QuestionType, Tally, boolean, kind, option_line


class TrueFalse(QuestionType[TrueFalseQuestion]):
    name = "true_false"
    response_help = "true or false (bool)"

    def validate(self, question: TrueFalseQuestion, response: object) -> None:
        if not isinstance(response, bool):
            raise ValueError(f"question '{question.id}' expects true or false, got {kind(response)}")

    def score(self, question: TrueFalseQuestion, response: bool | None) -> tuple[float, list[FeedbackLine]]:
        lines = [
            option_line("true", "True", question.if_true, response is True, question.answer),
            option_line("false", "False", question.if_false, response is False, not question.answer),
        ]
        return (1.0 if response is question.answer else 0.0), lines

    def correct_response(self, question: TrueFalseQuestion) -> bool:
        return question.answer

    def describe(self, question: TrueFalseQuestion, response: bool) -> str:
        return "True" if response else "False"

    def wrong_response(self, question: TrueFalseQuestion, order: Sequence[str], rng: random.Random) -> bool:
        return not question.answer

    def tally(self, question: TrueFalseQuestion, responses: list[Any]) -> Tally:
        counts = Counter(bool(response) for response in responses)
        return [("True", counts[True], question.answer is True), ("False", counts[False], question.answer is False)]

    def interaction(self, question: TrueFalseQuestion) -> Interaction:
        return Interaction(interaction_type="true-false", correct_patterns=(boolean(question.answer),))

    def xapi_response(self, question: TrueFalseQuestion, response: Any) -> str | None:
        return boolean(response) if isinstance(response, bool) else str(response) or None
