"""A small organisation and hand-made progress for the report tests (test_reports_*.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from academy.auth import User
from academy.content.schema import Course
from academy.course.loader import load_course
from academy.engine import roleplay
from academy.learning import module_rule
from academy.store import Attempt, Store

PASSWORD = "correct horse"


@cache
def course() -> Course:
    return load_course().course


def version(module_id: str) -> str:
    return course().versions[module_id]


@dataclass(frozen=True)
class Org:
    """Front desk (a1, a2; managed by mara), Billing (b1; managed by theo), loner (no team), an admin."""

    admin: User
    mara: User
    theo: User
    a1: User
    a2: User
    b1: User
    loner: User
    front_desk: int
    billing: int


def make_org(store: Store) -> Org:
    admin = store.create_user("admin", PASSWORD, role="admin")
    mara = store.create_user("mara", PASSWORD, display_name="Mara Lopez", role="manager")
    theo = store.create_user("theo", PASSWORD, display_name="Theo Brandt", role="manager")
    a1 = store.create_user("a1", PASSWORD, display_name="Ana One")
    a2 = store.create_user("a2", PASSWORD, display_name="Ben Two")
    b1 = store.create_user("b1", PASSWORD, display_name="Cleo Three")
    loner = store.create_user("loner", PASSWORD, display_name="Lone Learner")
    front_desk = store.create_team("Front desk").id
    billing = store.create_team("Billing").id
    store.add_member(front_desk, a1.id)
    store.add_member(front_desk, a2.id)
    store.add_member(billing, b1.id)
    store.add_member(front_desk, mara.id, manager=True)
    store.add_member(billing, theo.id, manager=True)
    return Org(admin, mara, theo, a1, a2, b1, loner, front_desk, billing)


def quiz(
    store: Store,
    user: User,
    module_id: str,
    points: Sequence[float],
    *,
    pass_mark: float = 0.7,
    question_ids: Sequence[str] | None = None,
    responses: Sequence[object] | None = None,
) -> Attempt:
    """A finished attempt whose answers score ``points`` (each out of 1), graded against ``pass_mark``."""
    bank = course().bank_for(course().module(module_id))
    assert bank is not None
    ids = list(question_ids or [question.id for question in bank.questions][: len(points)])
    attempt = store.start_attempt(user.id, module_id, bank.id, 1, ids, version(module_id))
    for index, (question_id, score) in enumerate(zip(ids, points, strict=True)):
        response = responses[index] if responses is not None else None
        store.save_answer(attempt.id, question_id, response, score, 1.0)
    total = sum(points)
    return store.finish_attempt(
        attempt.id,
        total,
        len(points),
        total / len(points) >= pass_mark,
        scaled=total / len(points),
        passes_module=module_rule(course().module(module_id)),
    )


def read(store: Store, user: User, module_id: str, lesson_index: int = 0) -> None:
    lesson = course().module(module_id).lessons[lesson_index]
    store.mark_viewed(user.id, module_id, lesson.id, version(module_id))
    store.mark_complete(user.id, module_id, lesson.id, version(module_id))


def play(store: Store, user: User, module_id: str, scenario_id: str, choices: Sequence[int]) -> str:
    """Play ``choices`` through the engine and store them; finish the run if it reached an ending."""
    scenario = next(s for s in course().module(module_id).scenarios if s.id == scenario_id)
    run = store.start_run(user.id, module_id, scenario_id, version(module_id))
    state = roleplay.start(scenario)
    for step, index in enumerate(choices):
        state, outcome = roleplay.choose(scenario, state, index)
        store.save_choice(run.id, step, outcome.node, index, float(outcome.cost or 0))
    if state.finished:
        summary = roleplay.debrief(scenario, state)
        store.finish_run(
            run.id,
            summary.ending.id,
            summary.outcome,
            summary.score,
            summary.best,
            summary.worst,
            scaled=summary.scaled,
        )
    return run.id
