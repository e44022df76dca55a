"""What every question type declares, and the checks and feedback lines they share.

A question type is one module in this package: a ``QuestionType`` subclass that says how
its parts are drawn, how a response is checked, scored and put into words, what the right
answer is, how the answers of many learners are tallied for item analysis, and how it is
described to an xAPI store. ``academy.engine.questions.TYPES`` lists them by the ``type:``
field of the quiz YAML; nothing else switches on the kind of question.
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from academy.engine._results import Result

Response = str | list[str] | bool | dict[str, str] | float
Q = TypeVar("Q")

MAX_RESPONSE_ROWS = 8
"""Per question, free-form responses (orderings, numbers) beyond the most frequent are grouped."""


class FeedbackLine(Result):
    """One part of a scored answer, for the review.

    ``id`` is an option id, an item id, a left pair id, ``"true"``/``"false"``, or
    ``"answer"`` for numeric questions. ``right`` says whether the learner got this part
    right (for options: ticked a correct one or left an incorrect one).
    """

    id: str
    text: str
    feedback: str
    right: bool
    selected: bool | None = None
    """single, multiple, true_false: the learner picked this."""
    correct: bool | None = None
    """single, multiple, true_false: this is (one of) the correct answer(s)."""
    given: str | None = None
    """ordering: the learner's position (from 1); matching: the right text picked; numeric: the number."""
    expected: str | None = None
    """ordering: the correct position; matching: the correct right text; numeric: answer ± tolerance."""


class Interaction(Result):
    """A question as xAPI describes it (``cmi.interaction``): type, right pattern, components.

    Components are (id, text) pairs; the exporter turns them into language maps.
    """

    interaction_type: str
    correct_patterns: tuple[str, ...] = ()
    """``correctResponsesPattern``; empty when the question has no right answer to state."""
    choices: tuple[tuple[str, str], ...] = ()
    source: tuple[tuple[str, str], ...] = ()
    target: tuple[tuple[str, str], ...] = ()


Tally = list[tuple[str, int, bool]]
"""Item analysis rows: (label, how many learners gave it, whether it is right)."""


class QuestionType(ABC, Generic[Q]):
    """One kind of quiz question. Subclasses set ``name`` (the YAML ``type:``) and implement the rest."""

    name: ClassVar[str]
    response_help: ClassVar[str]
    """The response's JSON shape, for the docs and error messages."""

    # --- drawing ------------------------------------------------------------------------

    def parts(self, question: Q) -> list[str]:
        """The ids whose order the learner sees (options, items, right-hand pairs); none by default."""
        return []

    def draw_order(self, question: Q, rng: random.Random, shuffle: bool) -> list[str]:
        """The parts in the order one attempt shows them; shuffled when the bank says so."""
        order = self.parts(question)
        if shuffle:
            rng.shuffle(order)
        return order

    # --- one response -------------------------------------------------------------------

    @abstractmethod
    def validate(self, question: Q, response: object) -> None:
        """Raise ``ValueError`` saying what is wrong when ``response`` is not a well-formed answer."""

    @abstractmethod
    def score(self, question: Q, response: Any) -> tuple[float, list[FeedbackLine]]:
        """The share of the points earned (0 to 1) and the review's lines; ``response`` is valid or None."""

    @abstractmethod
    def correct_response(self, question: Q) -> Response:
        """A full-marks response."""

    @abstractmethod
    def describe(self, question: Q, response: Any) -> str:
        """A valid response in words, as the learner saw the choices."""

    @abstractmethod
    def wrong_response(self, question: Q, order: Sequence[str], rng: random.Random) -> Response:
        """A plausible mistake (for the demo organisation and tests); ``order`` is the shown order."""

    # --- many responses -----------------------------------------------------------------

    @abstractmethod
    def tally(self, question: Q, responses: list[Any]) -> Tally:
        """Item analysis: how often each option (or the commonest responses) was given."""

    # --- export -------------------------------------------------------------------------

    @abstractmethod
    def interaction(self, question: Q) -> Interaction:
        """The question as an xAPI interaction."""

    @abstractmethod
    def xapi_response(self, question: Q, response: Any) -> str | None:
        """A stored response in xAPI's format for this interaction type (None: nothing to say)."""


# --- shared checks ------------------------------------------------------------------------


def kind(value: object) -> str:
    return f"{type(value).__name__} {value!r}"


def check_id(value: object, known: Sequence[str], what: str) -> None:
    article = "an" if what[0] in "aeiou" else "a"
    if not isinstance(value, str):
        raise ValueError(f"expected {article} {what} id (text), got {kind(value)}")
    if value not in known:
        raise ValueError(f"'{value}' is not {article} {what} of this question; known: {', '.join(known)}")


def check_id_list(value: object, known: Sequence[str], what: str) -> None:
    if not isinstance(value, list | tuple):
        raise ValueError(f"expected a list of {what} ids, got {kind(value)}")
    seen: set[str] = set()
    for entry in value:
        check_id(entry, known, what)
        if entry in seen:
            raise ValueError(f"{what} '{entry}' is given more than once")
        seen.add(entry)


def check_mapping(value: object, known: Sequence[str]) -> None:
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a mapping of left pair id to chosen pair id, got {kind(value)}")
    chosen_by: dict[str, str] = {}
    for left, chosen in value.items():
        check_id(left, known, "pair")
        check_id(chosen, known, "pair")
        if chosen in chosen_by:
            raise ValueError(f"'{chosen}' is matched to both '{chosen_by[chosen]}' and '{left}'")
        chosen_by[chosen] = left


# --- shared scoring and wording -------------------------------------------------------------


def option_line(line_id: str, text: str, feedback: str, selected: bool, correct: bool) -> FeedbackLine:
    return FeedbackLine(
        id=line_id, text=text, feedback=feedback, right=selected == correct, selected=selected, correct=correct
    )


def share(lines: Sequence[FeedbackLine]) -> float:
    return sum(line.right for line in lines) / len(lines)


def shuffled_out_of_order(ids: list[str], rng: random.Random) -> list[str]:
    """Shuffled, and never left in the written (correct) order when there are two or more."""
    # Shuffle positions rather than ids so that duplicate ids (a lint error) cannot loop forever.
    positions = list(range(len(ids)))
    if len(positions) >= 2:
        while positions == sorted(positions):
            rng.shuffle(positions)
    return [ids[position] for position in positions]


def number(value: float) -> str:
    return f"{value:.10g}"


def with_unit(value: float, unit: str | None) -> str:
    return f"{number(value)} {unit}" if unit else number(value)


def boolean(value: bool) -> str:
    return "true" if value else "false"


def commonest(question_type: QuestionType[Any], question: Any, responses: list[Any]) -> Tally:
    """The commonest responses in words, then one row for all the others (free-form answers)."""

    def key(response: Any) -> Any:
        return tuple(response) if isinstance(response, list) else float(response)

    def described(value: Any) -> str:
        try:
            question_type.validate(question, value)
        except ValueError:  # a response stored under an older version of the question
            return str(value)
        return question_type.describe(question, value)

    def right(value: Any) -> bool:
        try:
            question_type.validate(question, value)
            return question_type.score(question, value)[0] == 1.0
        except ValueError:
            return False

    counts = Counter(key(response) for response in responses)
    top = counts.most_common(MAX_RESPONSE_ROWS)
    rows = []
    for value, count in top:
        response = list(value) if isinstance(value, tuple) else value
        rows.append((described(response), count, right(response)))
    others = sum(counts.values()) - sum(count for _, count in top)
    if others:
        rows.append(("(other responses)", others, False))
    return rows
