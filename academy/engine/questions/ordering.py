"""Ordering: put every item in order; each item at its right position earns an equal share.

Items are written in the correct order and always shown shuffled, never as written.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from academy.content.schema import Ordering as OrderingQuestion
from academy.engine.questions.base import (
    FeedbackLine,
    Interaction,
    QuestionType,
    Tally,
    check_id_list,
    commonest,
    share,
    shuffled_out_of_order,
)


class Ordering(QuestionType[OrderingQuestion]):
    name = "ordering"
    response_help = "every item id, in the learner's order (list[str])"

    def parts(self, question: OrderingQuestion) -> list[str]:
        return [item.id for item in question.items]

    def draw_order(self, question: OrderingQuestion, rng: random.Random, shuffle: bool) -> list[str]:
        return shuffled_out_of_order(self.parts(question), rng)

    def validate(self, question: OrderingQuestion, response: object) -> None:
        known = self.parts(question)
        check_id_list(response, known, "item")
        missing = [item_id for item_id in known if item_id not in response]  # type: ignore[operator]
        if missing:
            raise ValueError(f"an ordering must place every item; missing: {', '.join(missing)}")

    def score(self, question: OrderingQuestion, response: list[str] | None) -> tuple[float, list[FeedbackLine]]:
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
        return share(lines), lines

    def correct_response(self, question: OrderingQuestion) -> list[str]:
        return self.parts(question)

    def describe(self, question: OrderingQuestion, response: list[str]) -> str:
        text = {item.id: item.text for item in question.items}
        return " → ".join(text[item_id] for item_id in response)

    def wrong_response(self, question: OrderingQuestion, order: Sequence[str], rng: random.Random) -> list[str]:
        return list(order)  # as shown: never the right order

    def tally(self, question: OrderingQuestion, responses: list[Any]) -> Tally:
        return commonest(self, question, responses)

    def interaction(self, question: OrderingQuestion) -> Interaction:
        return Interaction(
            interaction_type="sequencing",
            correct_patterns=("[,]".join(self.parts(question)),),
            choices=tuple((item.id, item.text) for item in question.items),
        )

    def xapi_response(self, question: OrderingQuestion, response: Any) -> str | None:
        return "[,]".join(str(part) for part in response) or None  # the order is the answer
