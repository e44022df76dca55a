"""The question types, by the ``type:`` field of the quiz YAML.

A new type is one module here (a ``QuestionType`` subclass, added to ``TYPES``), its model
in ``academy.content.schema`` and its widget in ``academy.ui.quiz``; the quiz engine, item
analysis, the xAPI export and the demo all ask ``type_of(question)``.
"""

from __future__ import annotations

from typing import Any

from academy.engine.questions.base import FeedbackLine, Interaction, QuestionType, Response, Tally
from academy.engine.questions.matching import Matching
from academy.engine.questions.multiple import Multiple
from academy.engine.questions.numeric import Numeric
from academy.engine.questions.ordering import Ordering
from academy.engine.questions.single import Single
from academy.engine.questions.true_false import TrueFalse

TYPES: dict[str, QuestionType[Any]] = {
    question_type.name: question_type
    for question_type in (Single(), Multiple(), TrueFalse(), Ordering(), Matching(), Numeric())
}


def type_of(question: Any) -> QuestionType[Any]:
    """The type of a question model (anything with a ``type`` field naming one of ``TYPES``)."""
    return TYPES[question.type]


__all__ = ["TYPES", "FeedbackLine", "Interaction", "QuestionType", "Response", "Tally", "type_of"]
