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


def number(value: float) -> str:
    """A score as people write it: 1, 0.5, 0.33 (never 0.333333)."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def points(scored: float, out_of: float) -> str:
    """ "0.33 of 1 point", "2 of 3 points"."""
    return f"{number(scored)} of {number(out_of)} {'point' if out_of == 1 else 'points'}"


def question_type(type_id: str) -> str:
    """A question type as a trainer would say it; an id this list does not know yet, made readable."""
    return QUESTION_TYPE_LABELS.get(type_id, type_id.replace("_", " ").capitalize())
