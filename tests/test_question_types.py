"""The question-type registry: every type the schema allows is declared once, with all it must say."""

from __future__ import annotations

import random
from typing import Any

import pytest

from academy.content.schema import QUESTION_TYPES
from academy.course.loader import load_course
from academy.engine import quiz
from academy.engine.questions import TYPES, type_of
from academy.reports.xapi import format_response, interaction_definition
from academy.ui import quiz as quiz_page

COURSE = load_course().course
QUESTIONS = [question for bank in COURSE.banks.values() for question in bank.questions]


def one_of_each() -> list[Any]:
    seen: dict[str, Any] = {}
    for question in QUESTIONS:
        seen.setdefault(question.type, question)
    return [seen[name] for name in sorted(seen)]


def test_every_type_the_schema_allows_is_registered_and_has_a_widget() -> None:
    assert set(TYPES) == set(QUESTION_TYPES)
    assert set(quiz_page.WIDGETS) == set(TYPES)
    assert all(TYPES[name].name == name for name in TYPES)


def test_the_shipped_banks_use_every_type() -> None:
    assert {question.type for question in QUESTIONS} == set(TYPES)


@pytest.mark.parametrize("question", one_of_each(), ids=lambda question: question.type)
def test_each_type_scores_its_right_answer_full_and_a_mistake_less(question: Any) -> None:
    kind = type_of(question)
    right = kind.correct_response(question)
    order = kind.draw_order(question, random.Random(1), True)
    wrong = kind.wrong_response(question, order, random.Random(3))

    assert quiz.score(question, right).correct
    assert not quiz.score(question, wrong).correct
    assert quiz.describe_response(question, right)
    assert format_response(question, right)
    definition = interaction_definition(question)
    assert definition["interactionType"] in {"choice", "true-false", "sequencing", "matching", "numeric"}
    assert definition["correctResponsesPattern"]
    rows = kind.tally(question, [right, right, wrong])
    assert sum(count for _, count, right_row in rows if right_row) >= 2


@pytest.mark.parametrize("question", one_of_each(), ids=lambda question: question.type)
def test_each_type_refuses_a_response_of_the_wrong_shape(question: Any) -> None:
    with pytest.raises(ValueError, match="expect"):
        quiz.validate_response(question, object())
