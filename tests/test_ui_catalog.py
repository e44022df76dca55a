"""Catalog (AppTest) and where "Continue where you left off" leads (progress_view)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from academy import learning
from academy.content.loader import DEFAULT_LESSONS, DEFAULT_QUIZZES
from academy.engine import quiz as quiz_engine
from academy.store import Answer, Attempt, ModuleSummary, Run, RunChoice, Status
from academy.ui import progress_view, text
from academy.ui.session import LESSONS_ENV, QUIZZES_ENV
from tests.ui_helpers import World, no_exceptions, texts, title, world

__all__ = ["world"]


def test_every_module_is_listed_with_objectives_time_and_progress(world: World) -> None:
    at = world.app(world.user("ana"), "catalog")
    no_exceptions(at)
    shown = texts(at)
    modules = sorted(world.course.modules, key=lambda module: module.order)
    assert [element.value for element in at.subheader] == [text.course(module.title) for module in modules]
    for module in modules:
        assert f"about {module.estimated_minutes} min" in shown
        for objective in module.objectives:
            assert text.course(objective) in shown
    bars = at.get("progress")
    assert len(bars) == len(modules)
    assert all(bar.proto.value == 0 for bar in bars)
    assert [button.label for button in at.button if button.key.startswith("continue-")] == ["Start"] * len(modules)


def test_status_and_progress_follow_the_learners_work(world: World) -> None:
    learner = world.user("ana")
    module = world.course.module("customer-creation")
    for lesson in module.lessons[:2]:
        world.store.mark_complete(learner.id, module.id, lesson.id, world.version(module.id))
    at = world.app(learner, "catalog")
    steps = len(module.lessons) + len(module.scenarios) + 1
    bar = at.get("progress")[[m.id for m in sorted(world.course.modules, key=lambda m: m.order)].index(module.id)]
    assert bar.proto.text == f"2 of {steps} steps done"
    badges = [element.value for element in at.markdown if "-badge[" in element.value]
    assert sum("In progress" in badge for badge in badges) == 1
    assert sum("Not started" in badge for badge in badges) == len(world.course.modules) - 1
    assert at.button(key=f"continue-{module.id}").label == "Continue where you left off"


def test_continue_opens_the_exact_lesson_left_off(world: World) -> None:
    learner = world.user("ana")
    module = world.course.module("service-recovery")
    lesson = module.lessons[2]
    world.store.mark_viewed(learner.id, module.id, lesson.id, world.version(module.id))
    at = world.app(learner, "catalog")
    at.button(key=f"continue-{module.id}").click().run()
    no_exceptions(at)
    assert title(at) == "Lessons"
    assert at.header[0].value == text.course(lesson.title)


def test_continue_opens_the_open_quiz_at_its_question(world: World) -> None:
    learner = world.user("ana")
    module = world.course.module("promise-keeping")
    bank = world.course.bank_for(module)
    seed = 4242
    drawn = [entry.question_id for entry in quiz_engine.draw(bank, seed)]
    attempt = world.store.start_attempt(learner.id, module.id, bank.id, seed, drawn, world.version(module.id))
    world.store.submit_answer(attempt.id, drawn[0], None, 0, 1)
    at = world.app(learner, "catalog")
    at.button(key=f"continue-{module.id}").click().run()
    assert title(at) == "Quizzes"
    assert f"Question 2 of {len(drawn)}" in at.get("progress")[0].proto.text


def test_broken_modules_are_hidden_from_learners(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lessons, quizzes = broken_course(tmp_path)
    monkeypatch.setenv(LESSONS_ENV, str(lessons))
    monkeypatch.setenv(QUIZZES_ENV, str(quizzes))
    at = world.app(world.user("ana"), "catalog")
    assert "A broken tour" not in texts(at)
    assert len(at.subheader) == len(world.course.modules)


def broken_course(folder: Path) -> tuple[Path, Path]:
    """The real course plus one module whose pass mark is out of range (line 'pass_mark: 7')."""
    lessons = folder / "lessons"
    quizzes = folder / "quizzes"
    shutil.copytree(DEFAULT_LESSONS, lessons)
    shutil.copytree(DEFAULT_QUIZZES, quizzes)
    source = (DEFAULT_LESSONS / "orientation.yaml").read_text()
    broken = (
        source.replace("id: orientation\n", "id: broken-tour\n", 1)
        .replace('title: "Start here: a ten-minute tour"', 'title: "A broken tour"', 1)
        .replace("pass_mark: 0.6", "pass_mark: 7", 1)
    )
    assert broken != source
    (lessons / "broken-tour.yaml").write_text(broken)
    return lessons, quizzes


# --- progress_view: pure rules behind the catalog ------------------------------------------------

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def summary(module_id: str, **changes: object) -> ModuleSummary:
    values: dict[str, object] = {
        "user_id": 1,
        "module_id": module_id,
        "status": Status.IN_PROGRESS,
        "lessons_done": 0,
        "last_lesson_id": None,
        "quiz_attempts": 0,
        "quiz_failures": 0,
        "quiz_passed": False,
        "best_quiz_scaled": None,
        "scenario_runs": 0,
        "scenarios_completed": 0,
        "best_scenario_scaled": None,
        "content_version": "v",
        "started_at": T0,
        "completed_at": None,
        "last_activity_at": T0,
        "time_spent_s": 0.0,
    }
    values.update(changes)
    return ModuleSummary(**values)  # type: ignore[arg-type]


def open_attempt(module_id: str, at: datetime, answered: int = 1) -> Attempt:
    answers = tuple(Answer(f"q{n}", n, "a", 1, 1, True, at) for n in range(answered))
    return Attempt(
        "a1",
        1,
        module_id,
        module_id,
        "v",
        1,
        7,
        ("q0", "q1", "q2"),
        "in_progress",
        None,
        None,
        None,
        at - timedelta(minutes=5),
        None,
        answers,
    )


def open_run(module_id: str, scenario_id: str, at: datetime) -> Run:
    return Run(
        "r1",
        1,
        module_id,
        scenario_id,
        "v",
        "in_progress",
        (0,),
        (RunChoice(0, "n", 0, 0.0, at),),
        None,
        None,
        None,
        None,
        None,
        at - timedelta(minutes=1),
        None,
    )


def test_resume_prefers_the_open_item_touched_last(world: World) -> None:
    module = world.course.module("customer-creation")
    scenario = module.scenarios[0]
    quiz_first = progress_view.resume_target(
        module,
        summary(module.id),
        frozenset(),
        open_attempt(module.id, T0 + timedelta(minutes=9)),
        [open_run(module.id, scenario.id, T0 + timedelta(minutes=3))],
        has_quiz=True,
    )
    assert (quiz_first.page, quiz_first.params) == ("quiz", {"module": module.id})
    assert quiz_first.label == "Quiz: question 2 of 3"
    run_first = progress_view.resume_target(
        module,
        summary(module.id),
        frozenset(),
        open_attempt(module.id, T0),
        [open_run(module.id, scenario.id, T0 + timedelta(minutes=3))],
        has_quiz=True,
    )
    assert (run_first.page, run_first.params) == ("roleplay", {"module": module.id, "scenario": scenario.id})


def test_resume_without_open_items_walks_lessons_then_roleplays_then_the_quiz(world: World) -> None:
    module = world.course.module("customer-creation")
    ids = [lesson.id for lesson in module.lessons]

    def target(completed: list[str], **changes: object) -> tuple[str, dict[str, str]]:
        found = progress_view.resume_target(
            module, summary(module.id, **changes), frozenset(completed), None, [], has_quiz=True
        )
        return found.page, found.params

    assert target([]) == ("lesson", {"module": module.id, "lesson": ids[0]})
    assert target([], last_lesson_id=ids[2]) == ("lesson", {"module": module.id, "lesson": ids[2]})
    assert target([ids[2]], last_lesson_id=ids[2]) == ("lesson", {"module": module.id, "lesson": ids[3]})
    assert target([ids[3]], last_lesson_id=ids[3]) == ("lesson", {"module": module.id, "lesson": ids[0]})
    assert target(ids, last_lesson_id=ids[3]) == ("roleplay", {"module": module.id, "scenario": module.scenarios[0].id})
    assert target(ids, scenarios_completed=len(module.scenarios)) == ("quiz", {"module": module.id})


def test_standing_counts_lessons_roleplays_and_the_quiz(world: World) -> None:
    module = world.course.module("customer-creation")
    total = len(module.lessons) + len(module.scenarios) + 1
    assert progress_view.standing(module, None, True) == progress_view.ModuleStanding(Status.NOT_STARTED, 0, total)
    halfway = progress_view.standing(module, summary(module.id, lessons_done=2, scenarios_completed=1), True)
    assert (halfway.steps_done, halfway.fraction) == (3, 3 / total)
    done = progress_view.standing(
        module,
        summary(module.id, status=Status.PASSED, lessons_done=99, scenarios_completed=9, quiz_passed=True),
        True,
    )
    assert done.fraction == 1.0


def test_a_module_without_a_quiz_is_passed_once_everything_is_done(world: World) -> None:
    module = world.course.module("customer-creation").model_copy(update={"quiz": None})
    lessons = len(module.lessons)
    assert not learning.module_passed(module, summary(module.id, lessons_done=lessons, scenarios_completed=0))
    assert learning.module_passed(
        module, summary(module.id, lessons_done=lessons, scenarios_completed=len(module.scenarios))
    )
    with_quiz = world.course.module("customer-creation")
    assert not learning.module_passed(with_quiz, summary(module.id, lessons_done=99, scenarios_completed=99))
    assert learning.module_passed(with_quiz, summary(module.id, quiz_passed=True))


@pytest.mark.parametrize(("seconds", "shown"), [(42, "42 s"), (600, "10 min"), (3900, "1 h 05 min")])
def test_durations_read_naturally(seconds: float, shown: str) -> None:
    assert progress_view.duration(seconds) == shown
