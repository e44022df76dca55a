"""Words the pages put around numbers and internal ids: "1 lesson", "2 lessons", "True or false"."""

from __future__ import annotations

QUESTION_TYPE_LABELS: dict[str, str] = {
    "single": "One answer",
    "multiple": "Several answers",
    "true_false": "True or false",
    "ordering": "Put in order",
    "matching": "Matching",
    "numeric": "Number",
}


def count(number: int, singular: str, plural: str | None = None) -> str:
    """``count(1, "lesson")`` is "1 lesson", ``count(2, "lesson")`` "2 lessons"; irregular plurals are given."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def question_type(type_id: str) -> str:
    """A question type as a trainer would say it; an id this list does not know yet, made readable."""
    return QUESTION_TYPE_LABELS.get(type_id, type_id.replace("_", " ").capitalize())
