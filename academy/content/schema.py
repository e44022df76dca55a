"""The course content schema: the single source of truth for what a YAML file may say.

Every model is strict (unknown keys are errors, so a typo such as ``feedbak`` never
passes silently) and frozen (a loaded course is immutable). The JSON Schema that
editors use is generated from these models (``python -m academy schema``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from academy.content.sources import CHECKLIST, SOURCES

SCHEMA_VERSION = 1

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64),
    Field(description="lower-case letters, digits, '-' and '_'; starts with a letter or digit"),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
if TYPE_CHECKING:
    # A Literal built from data is beyond a static checker: to it, an id is a string.
    SourceId = str
    ChecklistId = str
else:
    SourceId = Literal[tuple(SOURCES)]
    ChecklistId = Literal[tuple(CHECKLIST)]
SkillTag = Slug
Sources = Annotated[list[SourceId], Field(min_length=1)]
Skills = Annotated[list[SkillTag], Field(min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, use_attribute_docstrings=True)


# --- lessons -------------------------------------------------------------------------


class Fact(Strict):
    """One claim or figure taught in a lesson, with the article it comes from."""

    text: Text
    source: SourceId
    reported_by: Text | None = None
    """Who the figure belongs to when the article only reports it (a study, an institute)."""
    checklist: ChecklistId | None = None
    """The line of the sources' facts checklist this fact teaches, if any."""


class Lesson(Strict):
    id: Slug
    title: Text
    body: Text
    """Markdown, shown as the lesson text. Rendered without HTML."""
    key_points: Annotated[list[Text], Field(min_length=1)]
    try_this: Text
    """A concrete step the learner can take at work this week."""
    facts: list[Fact] = []
    sources: Sources


# --- role-play scenarios ------------------------------------------------------------


class Condition(Strict):
    """A test on the scenario state: ``trust`` or a variable set by an earlier choice."""

    variable: Slug
    op: Literal["<", "<=", ">", ">=", "==", "!="]
    value: int
    hint: Text | None = None
    """What the learner is told about this gate while it is closed (shown under the replies,
    e.g. "Earn more of her trust before asking for a favour"). A gate with no hint is hidden:
    ``python -m academy review`` reports it."""


class Customer(Strict):
    name: Text
    situation: Text
    mood: Text
    """The customer's mood at the start, in a word or two (e.g. "irritated")."""
    trust: Annotated[int, Field(ge=0, le=100)] = 50
    """Starting trust on the 0-100 meter."""


class Choice(Strict):
    text: Text
    """What the learner, as the service rep, says or does."""
    next: Slug
    """The id of the node or ending this choice leads to."""
    trust: Annotated[int, Field(ge=-100, le=100)] = 0
    """Change to the customer's trust; the sum along a path is the run's score."""
    skills: Skills
    feedback: Text
    """Shown right after the choice: why it helped or hurt."""
    when: Condition | None = None
    """Offer this choice only when the condition holds."""
    set: dict[Slug, int] = {}
    """State variables to set when this choice is made."""


class Node(Strict):
    id: Slug
    customer: Text
    """What the customer says at this point."""
    narration: Text | None = None
    choices: Annotated[list[Choice], Field(min_length=1)]


Outcome = Literal["referring", "retained", "wary", "lost", "lost_and_telling"]


class Ending(Strict):
    id: Slug
    outcome: Outcome
    """referring: retained and sending others; retained; wary: retained but watching;
    lost: gone quietly; lost_and_telling: gone and telling others."""
    title: Text
    customer: Text | None = None
    """The customer's last words."""
    debrief: Text
    score: Annotated[int, Field(ge=-100, le=100)] = 0
    """Bonus (or penalty) added to the run's score on reaching this ending."""
    assumes: list[Slug] = []
    """Steps this ending's text takes for granted: node ids the run must have passed through, or
    variables it must have set (to anything but 0). ``review`` checks every path to the ending."""


class Scenario(Strict):
    id: Slug
    title: Text
    brief: Text
    """What the learner is told before the role-play starts."""
    customer: Customer
    start: Slug
    nodes: Annotated[list[Node], Field(min_length=1)]
    endings: Annotated[list[Ending], Field(min_length=2)]
    sources: Sources


# --- modules --------------------------------------------------------------------------


class Module(Strict):
    schema_version: Literal[1]
    id: Slug
    title: Text
    summary: Text
    objectives: Annotated[list[Text], Field(min_length=1)]
    estimated_minutes: Annotated[int, Field(gt=0, le=600)]
    pass_mark: Annotated[float, Field(ge=0, le=1)]
    """Share of the quiz's points needed to pass, 0 to 1."""
    order: int = 100
    """Position in the catalog; lower comes first."""
    lessons: Annotated[list[Lesson], Field(min_length=1)]
    scenarios: list[Scenario] = []
    quiz: Slug | None = None
    """The id of the quiz bank (a file in quizzes/) this module uses."""
    sources: Sources


# --- quiz banks -----------------------------------------------------------------------

Level = Literal["recall", "understand", "apply"]
LEVELS: tuple[str, ...] = ("recall", "understand", "apply")


class Option(Strict):
    id: Slug
    text: Text
    correct: bool = False
    feedback: Text


class QuestionBase(Strict):
    id: Slug
    prompt: Text
    explanation: Text
    skills: Skills
    sources: Sources
    points: Annotated[float, Field(gt=0, le=100)] = 1.0
    covers: list[ChecklistId] = []
    """The lines of the sources' facts checklist this question tests."""
    group: Slug | None = None
    """A blueprint group (an objective, a section or a topic) the bank's ``blueprint`` can draw by."""
    level: Level | None = None
    """What the question asks of the learner: recall (a fact, figure or name), understand
    (explain, tell apart) or apply (decide what to do in a situation)."""


class SingleChoice(QuestionBase):
    type: Literal["single"]
    options: Annotated[list[Option], Field(min_length=2)]


class MultipleSelect(QuestionBase):
    """Partial credit: each option judged right (ticked or left) earns its share."""

    type: Literal["multiple"]
    options: Annotated[list[Option], Field(min_length=2)]


class TrueFalse(QuestionBase):
    type: Literal["true_false"]
    answer: bool
    if_true: Text
    """Feedback for a learner who answers "true"."""
    if_false: Text
    """Feedback for a learner who answers "false"."""


class OrderItem(Strict):
    id: Slug
    text: Text
    feedback: Text
    """Why this item belongs at its place."""


class Ordering(QuestionBase):
    """Items are written in the correct order; the learner sees them shuffled."""

    type: Literal["ordering"]
    items: Annotated[list[OrderItem], Field(min_length=2)]


class Pair(Strict):
    id: Slug
    left: Text
    right: Text
    feedback: Text


class Matching(QuestionBase):
    """Each left item is matched to one right item; rights are shown shuffled."""

    type: Literal["matching"]
    pairs: Annotated[list[Pair], Field(min_length=2)]


class Numeric(QuestionBase):
    type: Literal["numeric"]
    answer: float
    tolerance: Annotated[float, Field(ge=0)] = 0.0
    unit: Text | None = None
    if_correct: Text
    if_wrong: Text


Question = Annotated[
    Union[SingleChoice, MultipleSelect, TrueFalse, Ordering, Matching, Numeric],
    Field(discriminator="type"),
]
QUESTION_TYPES: tuple[str, ...] = ("single", "multiple", "true_false", "ordering", "matching", "numeric")


class BlueprintRow(Strict):
    """One line of a draw blueprint: how many questions to draw from the questions that match.

    Give exactly one of ``group``, ``covers``, ``skill`` or ``level``.
    """

    group: Slug | None = None
    """Questions whose ``group`` is this."""
    covers: ChecklistId | None = None
    """Questions whose ``covers`` list holds this checklist line."""
    skill: SkillTag | None = None
    """Questions whose ``skills`` hold this skill."""
    level: Level | None = None
    """Questions of this level."""
    draw: Annotated[int, Field(gt=0)]
    """How many of them each attempt gets."""

    @property
    def selector(self) -> tuple[str, str] | None:
        """(field, value) of the one selector given, or None when there is not exactly one."""
        given = [(name, value) for name in BLUEPRINT_SELECTORS if (value := getattr(self, name)) is not None]
        return given[0] if len(given) == 1 else None

    def matches(self, question: QuestionBase) -> bool:
        if self.group is not None and question.group != self.group:
            return False
        if self.covers is not None and self.covers not in question.covers:
            return False
        if self.skill is not None and self.skill not in question.skills:
            return False
        return self.level is None or question.level == self.level


BLUEPRINT_SELECTORS: tuple[str, ...] = ("group", "covers", "skill", "level")


class QuizBank(Strict):
    schema_version: Literal[1]
    id: Slug
    title: Text
    draw: Annotated[int, Field(gt=0)]
    """How many questions one attempt draws from the bank."""
    shuffle: bool = True
    """Shuffle the drawn questions and their options."""
    attempts: Annotated[int, Field(gt=0)] | None = None
    """Attempt limit per learner; empty means unlimited."""
    blueprint: list[BlueprintRow] = []
    """Draw by blueprint: each row draws its number of questions from those matching it, then the
    rest of ``draw`` comes from the whole bank; no two near-duplicate questions meet in one
    attempt. Empty: ``draw`` questions at random from the whole bank."""
    questions: Annotated[list[Question], Field(min_length=1)]


class Course(Strict):
    """Everything that loaded cleanly, plus what did not (see ``academy.course.loader``)."""

    modules: tuple[Module, ...] = ()
    banks: dict[str, QuizBank] = {}
    versions: dict[str, str] = {}
    """Module id -> content version hash (module and its quiz bank)."""

    def module(self, module_id: str) -> Module:
        for module in self.modules:
            if module.id == module_id:
                return module
        raise KeyError(module_id)

    def bank_for(self, module: Module) -> QuizBank | None:
        return self.banks.get(module.quiz) if module.quiz else None
