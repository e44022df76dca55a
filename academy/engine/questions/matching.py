"""Matching: match each left item with a right one; each left matched to its own right earns a share.

Right texts are compared, so two pairs sharing a right text are equally right answers.
The right-hand column is always shown shuffled, never as written.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from academy.content.schema import Matching as MatchingQuestion
from academy.engine.questions.base import (
    FeedbackLine,
    Interaction,
    QuestionType,
    Tally,
    check_mapping,
    share,
    shuffled_out_of_order,
)


class Matching(QuestionType[MatchingQuestion]):
    name = "matching"
    response_help = "left pair id -> the pair id whose right text was picked (dict[str, str]; unmatched left absent)"

    def parts(self, question: MatchingQuestion) -> list[str]:
        return [pair.id for pair in question.pairs]

    def draw_order(self, question: MatchingQuestion, rng: random.Random, shuffle: bool) -> list[str]:
        return shuffled_out_of_order(self.parts(question), rng)

    def validate(self, question: MatchingQuestion, response: object) -> None:
        check_mapping(response, self.parts(question))

    def score(self, question: MatchingQuestion, response: dict[str, str] | None) -> tuple[float, list[FeedbackLine]]:
        right_text = {pair.id: pair.right for pair in question.pairs}
        chosen = dict(response or {})
        lines = []
        for pair in question.pairs:
            picked = right_text[chosen[pair.id]] if pair.id in chosen else None
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
        return share(lines), lines

    def correct_response(self, question: MatchingQuestion) -> dict[str, str]:
        return {pair.id: pair.id for pair in question.pairs}

    def describe(self, question: MatchingQuestion, response: Mapping[str, str]) -> str:
        left = {pair.id: pair.left for pair in question.pairs}
        right = {pair.id: pair.right for pair in question.pairs}
        return (
            "; ".join(f"{left[pair.id]} → {right[response[pair.id]]}" for pair in question.pairs if pair.id in response)
            or "(nothing matched)"
        )

    def wrong_response(self, question: MatchingQuestion, order: Sequence[str], rng: random.Random) -> dict[str, str]:
        ids = self.parts(question)
        first, second = rng.sample(range(len(ids)), 2)
        chosen = ids.copy()
        chosen[first], chosen[second] = chosen[second], chosen[first]
        return dict(zip(ids, chosen, strict=True))

    def tally(self, question: MatchingQuestion, responses: list[Any]) -> Tally:
        right = {pair.id: pair.right for pair in question.pairs}
        picked = Counter(
            (left, right[chosen])
            for response in responses
            for left, chosen in response.items()
            if left in right and chosen in right
        )
        left_text = {pair.id: pair.left for pair in question.pairs}
        order = {pair.id: index for index, pair in enumerate(question.pairs)}
        return [
            (f"{left_text[left]} → {text}", count, right[left] == text)
            for (left, text), count in sorted(picked.items(), key=lambda item: (order[item[0][0]], -item[1]))
        ]

    def interaction(self, question: MatchingQuestion) -> Interaction:
        return Interaction(
            interaction_type="matching",
            correct_patterns=("[,]".join(f"{pair.id}[.]{pair.id}" for pair in question.pairs),),
            source=tuple((pair.id, pair.left) for pair in question.pairs),
            target=tuple((pair.id, pair.right) for pair in question.pairs),
        )

    def xapi_response(self, question: MatchingQuestion, response: Any) -> str | None:
        # Pairs in the question's order (a JSONB store does not keep key order).
        rank = {pair.id: index for index, pair in enumerate(question.pairs)}
        pairs = sorted(dict(response).items(), key=lambda pair: rank.get(pair[0], len(rank)))
        return "[,]".join(f"{left}[.]{right}" for left, right in pairs) or None
