"""My progress (AppTest): modules, best scores, attempts and time spent, from the store."""

from __future__ import annotations

from academy import learning
from academy.engine import quiz as engine
from academy.store import open_store
from tests.conftest import FakeClock
from tests.ui_helpers import World, no_exceptions, world

__all__ = ["world"]


def test_a_new_learner_sees_every_module_not_started(world: World) -> None:
    at = world.app(world.user("ana"), "progress")
    no_exceptions(at)
    table = at.dataframe[0].value
    assert list(table["Status"]) == ["Not started"] * len(world.course.modules)
    assert [metric.value for metric in at.metric] == [f"0 of {len(world.course.modules)}", "0", "0 s"]
    assert len(at.dataframe) == 1  # no attempts or runs yet


def test_progress_shows_lessons_best_quiz_attempts_and_roleplays(world: World) -> None:
    learner = world.user("ana")
    module = world.course.module("customer-creation")
    bank = world.course.bank_for(module)
    version = world.version(module.id)
    world.store.mark_complete(learner.id, module.id, module.lessons[0].id, version)
    for seed, points in ((1, 5), (2, 8)):
        drawn = [entry.question_id for entry in engine.draw(bank, seed)]
        attempt = world.store.start_attempt(learner.id, module.id, bank.id, seed, drawn, version)
        world.store.finish_attempt(
            attempt.id,
            points,
            10,
            points / 10 >= module.pass_mark,
            passes_module=learning.module_rule(module),
            scaled=points / 10,
        )
    at = world.app(learner, "progress")
    no_exceptions(at)
    modules = at.dataframe[0].value.set_index("Module")
    row = modules.loc[module.title]
    assert row["Status"] == "Passed"
    assert row["Lessons"] == f"1 / {len(module.lessons)}"
    assert row["Quiz"] == "80%"
    assert row["Tries"] == f"2 / {bank.attempts}"
    assert row["Role-plays"] == f"0 / {len(module.scenarios)}"
    attempts = at.dataframe[1].value
    assert list(attempts["Score"]) == ["80%", "50%"]
    assert list(attempts["Result"]) == ["passed", "not passed"]
    assert at.metric[0].value == f"1 of {len(world.course.modules)}"


def test_time_spent_comes_from_the_store(world: World, clock: FakeClock) -> None:
    learner = world.user("ana")
    module = world.course.module("service-recovery")
    version = world.version(module.id)
    timed = open_store(world.url, clock=clock)  # the learner takes two minutes per lesson
    try:
        for lesson in module.lessons[:3]:
            timed.mark_complete(learner.id, module.id, lesson.id, version)
            clock.advance(120)
    finally:
        timed.close()
    at = world.app(learner, "progress")
    row = at.dataframe[0].value.set_index("Module").loc[module.title]
    assert row["Status"] == "In progress"
    assert row["Time"] == "4 min"
    assert at.metric[2].value == "4 min"
