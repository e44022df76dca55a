"""Counts on the pages read as English: "1 lesson", "2 lessons", never "1 lessons" or "2 lesson(s)"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from academy.ui import words

UI = Path(__file__).resolve().parents[1] / "academy" / "ui"


@pytest.mark.parametrize(
    ("number", "singular", "plural", "expected"),
    [(0, "lesson", None, "0 lessons"), (1, "lesson", None, "1 lesson"), (2, "quiz", "quizzes", "2 quizzes")],
)
def test_count(number: int, singular: str, plural: str | None, expected: str) -> None:
    assert words.count(number, singular, plural) == expected


def test_question_types_read_as_words() -> None:
    assert words.question_type("true_false") == "True or false"
    assert words.question_type("some_new_type") == "Some new type"


@pytest.mark.parametrize("path", sorted(UI.glob("*.py")), ids=lambda path: path.name)
def test_no_page_writes_a_plural_in_brackets(path: Path) -> None:
    """'(s)' after a word is the sign of a count that ignores its number: use words.count."""
    lines = [
        f"{path.name}:{number}: {line.strip()}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"[a-z]\(s\)", line) and not line.lstrip().startswith("#")
    ]
    assert not lines, "\n".join(lines)
