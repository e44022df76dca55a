"""Does every attempt test what the module teaches? Coverage of a bank's tags by its draw."""

from __future__ import annotations

import math
from collections import defaultdict

from academy.content.schema import QuizBank
from academy.review.findings import Finding

MISS_WARNING = 0.5
"""A tag that more than this share of attempts never asks about is reported."""


def tag_questions(bank: QuizBank) -> dict[str, list[str]]:
    """Each ``covers`` tag -> the ids of the questions carrying it, in bank order."""
    tagged: dict[str, list[str]] = defaultdict(list)
    for question in bank.questions:
        for tag in question.covers:
            tagged[f"covers {tag}"].append(question.id)
    return dict(tagged)


def miss_chance(bank: QuizBank, question_ids: list[str]) -> float:
    """The chance that one attempt is given none of ``question_ids``."""
    total, drawn, carrying = len(bank.questions), min(bank.draw, len(bank.questions)), len(set(question_ids))
    return math.comb(total - carrying, drawn) / math.comb(total, drawn)


def together_chance(bank: QuizBank, first: str, second: str) -> float:
    """The chance that one attempt is given both questions."""
    total, drawn = len(bank.questions), min(bank.draw, len(bank.questions))
    if total < 2:
        return 0.0
    return drawn * (drawn - 1) / (total * (total - 1))


def blueprint_findings(bank: QuizBank, taught: frozenset[str]) -> list[Finding]:
    findings = []
    for tag, question_ids in tag_questions(bank).items():
        chance = miss_chance(bank, question_ids)
        if chance > MISS_WARNING:
            findings.append(
                Finding(
                    rule="blueprint-coverage",
                    severity="warning",
                    kind="bank",
                    owner=bank.id,
                    path=("draw",),
                    subject=tag,
                    message=(
                        f"{len(question_ids)} of {len(bank.questions)} questions carry it and an attempt draws "
                        f"{bank.draw}: {chance:.0%} of attempts never ask about it ({', '.join(question_ids)})"
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
