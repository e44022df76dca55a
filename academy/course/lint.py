"""Cross-checks the schema alone cannot express: unique ids, answer keys, scenario graphs.

Each check yields ``(location, message)``; the loader turns locations into file:line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from pydantic import BaseModel

from academy.content.images import images, refusal
from academy.content.schema import (
    BLUEPRINT_SELECTORS,
    Matching,
    Module,
    MultipleSelect,
    Ordering,
    QuizBank,
    SingleChoice,
)
from academy.course.yaml_source import Loc
from academy.engine.graph import scenario_problems

Finding = tuple[Loc, str]


def _duplicates(ids: Sequence[str], where: Loc, field: str, what: str) -> Iterator[Finding]:
    seen: set[str] = set()
    for index, value in enumerate(ids):
        if value in seen:
            yield (*where, index, field), f"{what} '{value}' is used twice"
        seen.add(value)


def lint_module(module: Module) -> list[Finding]:
    findings = list(_duplicates([lesson.id for lesson in module.lessons], ("lessons",), "id", "lesson id"))
    findings += _duplicates([s.id for s in module.scenarios], ("scenarios",), "id", "scenario id")
    for index, scenario in enumerate(module.scenarios):
        findings += [(("scenarios", index, *p.path), p.message) for p in scenario_problems(scenario)]
    findings += _image_findings(module, ())
    return findings


def lint_bank(bank: QuizBank) -> list[Finding]:
    findings = list(_duplicates([q.id for q in bank.questions], ("questions",), "id", "question id"))
    if bank.draw > len(bank.questions):
        findings.append((("draw",), f"draw is {bank.draw} but the bank has only {len(bank.questions)} questions"))
    for index, question in enumerate(bank.questions):
        findings += [((("questions", index, *loc)), message) for loc, message in _question_findings(question)]
    findings += _blueprint_findings(bank)
    findings += _image_findings(bank, ())
    return findings


def _blueprint_findings(bank: QuizBank) -> Iterable[Finding]:
    for index, row in enumerate(bank.blueprint):
        if row.selector is None:
            yield ("blueprint", index), f"a blueprint row names exactly one of: {', '.join(BLUEPRINT_SELECTORS)}"
            continue
        name, value = row.selector
        matching = sum(row.matches(question) for question in bank.questions)
        if matching < row.draw:
            yield (
                ("blueprint", index, "draw"),
                f"the row draws {row.draw} but only {matching} question(s) have {name} '{value}'",
            )
    total = sum(row.draw for row in bank.blueprint)
    if total > bank.draw:
        yield ("blueprint",), f"the blueprint rows draw {total} questions but an attempt has only {bank.draw} (draw)"


def _image_findings(value: object, where: Loc) -> Iterator[Finding]:
    """Every image in any text of the model that does not come from the course folder."""
    if isinstance(value, str):
        for image in images(value):
            problem = refusal(image.target)
            if problem:
                yield where, problem
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _image_findings(getattr(value, name), (*where, name))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _image_findings(item, (*where, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _image_findings(item, (*where, key))


def _question_findings(question: object) -> Iterable[Finding]:
    if isinstance(question, SingleChoice | MultipleSelect):
        yield from _duplicates([o.id for o in question.options], ("options",), "id", "option id")
        yield from _duplicates([o.text for o in question.options], ("options",), "text", "option text")
        correct = sum(option.correct for option in question.options)
        if isinstance(question, SingleChoice) and correct != 1:
            yield ("options",), f"a single-choice question needs exactly one correct option (found {correct})"
        if isinstance(question, MultipleSelect) and correct == 0:
            yield ("options",), "a multiple-select question needs at least one correct option"
        if isinstance(question, MultipleSelect) and correct == len(question.options):
            yield ("options",), "every option is correct: add at least one plausible wrong option"
    elif isinstance(question, Ordering):
        yield from _duplicates([i.id for i in question.items], ("items",), "id", "item id")
        yield from _duplicates([i.text for i in question.items], ("items",), "text", "item text")
    elif isinstance(question, Matching):
        yield from _duplicates([p.id for p in question.pairs], ("pairs",), "id", "pair id")
        yield from _duplicates([p.left for p in question.pairs], ("pairs",), "left", "left item")
        yield from _duplicates([p.right for p in question.pairs], ("pairs",), "right", "right item")
