"""Multiple select: tick every option that applies; each option judged right earns an equal share.

An option is judged right when a correct one is ticked or an incorrect one left, so the
score never goes below 0. Leaving the question untouched earns nothing.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from typing import Any

from academy.content.schema import MultipleSelect
from academy.engine.questions.base import (
    FeedbackLine,
    Interaction,
    QuestionType,
    Tally,
    check_id_list,
    option_line,
    share,
)


class Multiple(QuestionType[MultipleSelect]):
    name = "multiple"
    response_help = "the ticked option ids (list[str], may be empty)"

    def parts(self, question: MultipleSelect) -> list[str]:
        return [option.id for option in question.options]

    def validate(self, question: MultipleSelect, response: object) -> None:
        check_id_list(response, self.parts(question), "option")

    def score(self, question: MultipleSelect, response: list[str] | None) -> tuple[float, list[FeedbackLine]]:
        ticked = set(response or ())
        lines = [
            option_line(option.id, option.text, option.feedback, option.id in ticked, option.correct)
            for option in question.options
        ]
        return share(lines), lines

    def correct_response(self, question: MultipleSelect) -> list[str]:
        return [option.id for option in question.options if option.correct]

    def describe(self, question: MultipleSelect, response: list[str]) -> str:
        text = {option.id: option.text for option in question.options}
        return "; ".join(text[option_id] for option_id in response) or "(none selected)"

    def wrong_response(self, question: MultipleSelect, order: Sequence[str], rng: random.Random) -> list[str]:
        ticked = {option.id for option in question.options if option.correct}
        flipped = rng.choice(question.options).id
        return sorted(ticked ^ {flipped})

    def tally(self, question: MultipleSelect, responses: list[Any]) -> Tally:
        ticked = Counter(option_id for response in responses for option_id in response)
        return [(option.text, ticked[option.id], option.correct) for option in question.options]

    def interaction(self, question: MultipleSelect) -> Interaction:
        correct = "[,]".join(option.id for option in question.options if option.correct)
        return Interaction(
            interaction_type="choice",
            correct_patterns=(correct,) if correct else (),
            choices=tuple((option.id, option.text) for option in question.options),
        )

    def xapi_response(self, question: MultipleSelect, response: Any) -> str | None:
        # A set: listed in the options' order, as the pattern is.
        rank = {option.id: index for index, option in enumerate(question.options)}
        return "[,]".join(sorted((str(part) for part in response), key=lambda part: rank.get(part, len(rank)))) or None
