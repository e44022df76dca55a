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
from collections.abc import Mapping, Sequence

from academy.content.schema import QuizBank
from academy.engine.similarity import near_duplicates

# A loaded bank is frozen, and every page run of an open attempt draws its questions again
# from the seed: the pairs (a comparison of every two stems) are worked out once per bank
# object, not on every run. The bank is kept beside its pairs so that its id is not reused.
_pairs_by_bank: dict[int, tuple[QuizBank, Mapping[int, frozenset[int]]]] = {}
_BANKS_KEPT = 64


def near_duplicate_pairs(bank: QuizBank) -> Mapping[int, frozenset[int]]:
    """Question index -> the indexes of its near-duplicates in the bank."""
    kept = _pairs_by_bank.get(id(bank))
    if kept is not None and kept[0] is bank:
        return kept[1]
    pairs = _pairs_of(bank)
    if len(_pairs_by_bank) >= _BANKS_KEPT:  # banks of earlier course reloads
        _pairs_by_bank.clear()
    _pairs_by_bank[id(bank)] = (bank, pairs)
    return pairs


def _pairs_of(bank: QuizBank) -> dict[int, frozenset[int]]:
    questions = bank.questions
    pairs: dict[int, set[int]] = {index: set() for index in range(len(questions))}
    for second in range(len(questions)):
        for first in range(second):
            if near_duplicates(questions[first].prompt, questions[second].prompt):
                pairs[first].add(second)
                pairs[second].add(first)
    return {index: frozenset(twins) for index, twins in pairs.items()}


def pick(bank: QuizBank, rng: random.Random, twins: Mapping[int, frozenset[int]] | None = None) -> list[int]:
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
    twins: Mapping[int, frozenset[int]],
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
