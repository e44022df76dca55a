"""Counts on the pages read as English: "1 lesson", "2 lessons", never "1 lessons" or "2 lesson(s)"."""

from __future__ import annotations

import ast
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


def shown_strings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string literal and f-string part in a module, docstrings left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


@pytest.mark.parametrize("path", sorted(UI.glob("*.py")), ids=lambda path: path.name)
def test_no_page_writes_a_plural_in_brackets(path: Path) -> None:
    """'(s)' after a word is the sign of a count that ignores its number: use words.count."""
    found = [f"{path.name}:{line}: {text!r}" for line, text in shown_strings(path) if re.search(r"[a-z]\(s\)", text)]
    assert not found, "\n".join(found)
