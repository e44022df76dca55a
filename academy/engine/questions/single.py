"""Single choice: one option; all or nothing (any option marked correct earns full marks)."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from typing import Any

from academy.content.schema import SingleChoice
from academy.engine.questions.base import (
    FeedbackLine,
    Interaction,
    QuestionType,
    Tally,
    check_id,
    option_line,
)


class Single(QuestionType[SingleChoice]):
    name = "single"
    response_help = "the chosen option id (str)"

    def parts(self, question: SingleChoice) -> list[str]:
        return [option.id for option in question.options]

    def validate(self, question: SingleChoice, response: object) -> None:
        check_id(response, self.parts(question), "option")

    def score(self, question: SingleChoice, response: str | None) -> tuple[float, list[FeedbackLine]]:
        lines = [
            option_line(option.id, option.text, option.feedback, option.id == response, option.correct)
            for option in question.options
        ]
        chosen = next((option for option in question.options if option.id == response), None)
        return (1.0 if chosen is not None and chosen.correct else 0.0), lines

    def correct_response(self, question: SingleChoice) -> str:
        return next((option.id for option in question.options if option.correct), question.options[0].id)

    def describe(self, question: SingleChoice, response: str) -> str:
        return next(option.text for option in question.options if option.id == response)

    def wrong_response(self, question: SingleChoice, order: Sequence[str], rng: random.Random) -> str:
        wrong = [option.id for option in question.options if not option.correct]
        return rng.choice(wrong or [question.options[0].id])

    def tally(self, question: SingleChoice, responses: list[Any]) -> Tally:
        counts = Counter(responses)
        return [(option.text, counts[option.id], option.correct) for option in question.options]

    def interaction(self, question: SingleChoice) -> Interaction:
        return Interaction(
            interaction_type="choice",
            correct_patterns=tuple(option.id for option in question.options if option.correct),
            choices=tuple((option.id, option.text) for option in question.options),
        )

    def xapi_response(self, question: SingleChoice, response: Any) -> str | None:
        return str(response) or None
