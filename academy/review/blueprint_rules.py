"""Does every attempt test what the module teaches? Coverage of a bank's tags by its draw."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from functools import cached_property

from academy.content.schema import QuizBank
from academy.engine import blueprint
from academy.review.findings import Finding

MISS_WARNING = 0.5
"""A tag that more than this share of attempts never asks about is reported."""
SIMULATED_DRAWS = 2000
"""Blueprint draws are measured over this many seeds (a plain draw's chances are exact)."""


def tag_questions(bank: QuizBank) -> dict[str, list[str]]:
    """Each ``covers`` tag and blueprint ``group`` -> the ids of the questions carrying it, in bank order."""
    tagged: dict[str, list[str]] = defaultdict(list)
    for question in bank.questions:
        if question.group:
            tagged[f"group {question.group}"].append(question.id)
        for tag in question.covers:
            tagged[f"covers {tag}"].append(question.id)
    return dict(tagged)


class DrawChances:
    """How often one attempt is given some questions: exact for a plain draw, measured for a blueprint."""

    def __init__(self, bank: QuizBank) -> None:
        self.bank = bank
        self.total = len(bank.questions)
        self.drawn = min(bank.draw, self.total)

    @cached_property
    def _samples(self) -> list[frozenset[str]]:
        twins = blueprint.near_duplicate_pairs(self.bank)
        ids = [question.id for question in self.bank.questions]
        return [
            frozenset(ids[index] for index in blueprint.pick(self.bank, random.Random(seed), twins))
            for seed in range(SIMULATED_DRAWS)
        ]

    def miss(self, question_ids: list[str]) -> float:
        """The chance that an attempt is given none of ``question_ids``."""
        if self.bank.blueprint:
            wanted = set(question_ids)
            return sum(not (wanted & sample) for sample in self._samples) / len(self._samples)
        carrying = len(set(question_ids))
        return math.comb(self.total - carrying, self.drawn) / math.comb(self.total, self.drawn)

    def together(self, first: str, second: str) -> float:
        """The chance that an attempt is given both questions."""
        if self.bank.blueprint:
            return sum(first in sample and second in sample for sample in self._samples) / len(self._samples)
        if self.total < 2:
            return 0.0
        return self.drawn * (self.drawn - 1) / (self.total * (self.total - 1))


def blueprint_findings(bank: QuizBank, taught: frozenset[str], chances: DrawChances | None = None) -> list[Finding]:
    chances = chances or DrawChances(bank)
    how = "its blueprint" if bank.blueprint else f"a random {bank.draw}"
    findings = []
    for tag, question_ids in tag_questions(bank).items():
        chance = chances.miss(question_ids)
        if chance > MISS_WARNING:
            findings.append(
                Finding(
                    rule="blueprint-coverage",
                    severity="warning",
                    kind="bank",
                    owner=bank.id,
                    path=("blueprint",) if bank.blueprint else ("draw",),
                    subject=tag,
                    message=(
                        f"{len(question_ids)} of {len(bank.questions)} questions carry it and an attempt draws "
                        f"{how}: {chance:.0%} of attempts never ask about it ({', '.join(question_ids)})"
                    ),
                )
            )
    covered = {tag for question in bank.questions for tag in question.covers}
    for tag in sorted(taught - covered):
        findings.append(
            Finding(
                rule="untested-tag",
                severity="warning",
                kind="bank",
                owner=bank.id,
                path=("questions",),
                subject=f"covers {tag}",
                message=f"the lessons teach checklist line '{tag}' but no question covers it",
            )
        )
    return findings
