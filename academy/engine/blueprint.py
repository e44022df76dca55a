"""Draw by blueprint: which questions one attempt gets when the bank says how many per group.

As Moodle's "random question from category" does, each blueprint row draws its number of
questions at random from those it matches (by group, covered checklist line, skill or level);
the rest of the bank's ``draw`` comes from all the questions left. Throughout, a question is
never drawn beside a near-duplicate of one already drawn (stems sharing most of their words,
``academy.engine.similarity``), unless the bank leaves no other way to fill the attempt.

Pure: the same bank and random generator state give the same questions.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from academy.content.schema import QuizBank
from academy.engine.similarity import near_duplicates


def near_duplicate_pairs(bank: QuizBank) -> dict[int, set[int]]:
    """Question index -> the indexes of its near-duplicates in the bank."""
    questions = bank.questions
    pairs: dict[int, set[int]] = {index: set() for index in range(len(questions))}
    for second in range(len(questions)):
        for first in range(second):
            if near_duplicates(questions[first].prompt, questions[second].prompt):
                pairs[first].add(second)
                pairs[second].add(first)
    return pairs


def pick(bank: QuizBank, rng: random.Random, twins: dict[int, set[int]] | None = None) -> list[int]:
    """The indexes of the questions of one attempt, in bank order (the caller shuffles).

    ``twins`` is ``near_duplicate_pairs(bank)``, for a caller drawing many times.
    """
    questions = bank.questions
    twins = twins if twins is not None else near_duplicate_pairs(bank)
    picked: list[int] = []
    for row in bank.blueprint:
        candidates = [index for index, question in enumerate(questions) if row.matches(question)]
        picked += _take(candidates, row.draw, picked, twins, rng, strict=True)
    wanted = min(bank.draw, len(questions)) - len(picked)
    if wanted > 0:
        rest = [index for index in range(len(questions)) if index not in picked]
        picked += _take(rest, wanted, picked, twins, rng, strict=False)
    return sorted(picked)


def _take(
    candidates: Sequence[int],
    count: int,
    picked: list[int],
    twins: dict[int, set[int]],
    rng: random.Random,
    *,
    strict: bool,
) -> list[int]:
    """Up to ``count`` of ``candidates`` not yet picked, at random, keeping near-duplicates apart.

    ``strict``: a row takes fewer rather than break the rule (the filling step makes up the
    number); the filling step breaks it only when nothing else is left.
    """
    order = [index for index in candidates if index not in picked]
    rng.shuffle(order)
    taken: list[int] = []
    spare: list[int] = []
    for index in order:
        if len(taken) == count:
            break
        if twins[index] & {*picked, *taken}:
            spare.append(index)
        else:
            taken.append(index)
    if not strict:
        taken += spare[: count - len(taken)]
    return taken
