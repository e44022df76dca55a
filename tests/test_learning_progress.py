"""Where a learner stands in a module and where "Continue where you left off" leads (learning.progress)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from academy import learning
from academy.course.loader import load_course
from academy.learning import progress
from academy.store import Answer, Attempt, ModuleSummary, Run, RunChoice, Status

COURSE = load_course().course

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


def test_resume_prefers_the_open_item_touched_last() -> None:
    module = COURSE.module("customer-creation")
    scenario = module.scenarios[0]
    quiz_first = progress.resume_target(
        module,
        summary(module.id),
        frozenset(),
        open_attempt(module.id, T0 + timedelta(minutes=9)),
        [open_run(module.id, scenario.id, T0 + timedelta(minutes=3))],
        has_quiz=True,
    )
    assert (quiz_first.page, quiz_first.params) == ("quiz", {"module": module.id})
    assert quiz_first.label == "Quiz: question 2 of 3"
    run_first = progress.resume_target(
        module,
        summary(module.id),
        frozenset(),
        open_attempt(module.id, T0),
        [open_run(module.id, scenario.id, T0 + timedelta(minutes=3))],
        has_quiz=True,
    )
    assert (run_first.page, run_first.params) == ("roleplay", {"module": module.id, "scenario": scenario.id})


def test_resume_without_open_items_walks_lessons_then_roleplays_then_the_quiz() -> None:
    module = COURSE.module("customer-creation")
    ids = [lesson.id for lesson in module.lessons]

    def target(completed: list[str], **changes: object) -> tuple[str, dict[str, str]]:
        found = progress.resume_target(
            module, summary(module.id, **changes), frozenset(completed), None, [], has_quiz=True
        )
        return found.page, found.params

    assert target([]) == ("lesson", {"module": module.id, "lesson": ids[0]})
    assert target([], last_lesson_id=ids[2]) == ("lesson", {"module": module.id, "lesson": ids[2]})
    assert target([ids[2]], last_lesson_id=ids[2]) == ("lesson", {"module": module.id, "lesson": ids[3]})
    assert target([ids[3]], last_lesson_id=ids[3]) == ("lesson", {"module": module.id, "lesson": ids[0]})
    assert target(ids, last_lesson_id=ids[3]) == ("roleplay", {"module": module.id, "scenario": module.scenarios[0].id})
    assert target(ids, scenarios_completed=len(module.scenarios)) == ("quiz", {"module": module.id})


def test_standing_counts_lessons_roleplays_and_the_quiz() -> None:
    module = COURSE.module("customer-creation")
    total = len(module.lessons) + len(module.scenarios) + 1
    assert progress.standing(module, None, True) == progress.ModuleStanding(Status.NOT_STARTED, 0, total)
    halfway = progress.standing(module, summary(module.id, lessons_done=2, scenarios_completed=1), True)
    assert (halfway.steps_done, halfway.fraction) == (3, 3 / total)
    done = progress.standing(
        module,
        summary(module.id, status=Status.PASSED, lessons_done=99, scenarios_completed=9, quiz_passed=True),
        True,
    )
    assert done.fraction == 1.0


def test_a_module_without_a_quiz_is_passed_once_everything_is_done() -> None:
    module = COURSE.module("customer-creation").model_copy(update={"quiz": None})
    lessons = len(module.lessons)
    assert not learning.module_passed(module, summary(module.id, lessons_done=lessons, scenarios_completed=0))
    assert learning.module_passed(
        module, summary(module.id, lessons_done=lessons, scenarios_completed=len(module.scenarios))
    )
    with_quiz = COURSE.module("customer-creation")
    assert not learning.module_passed(with_quiz, summary(module.id, lessons_done=99, scenarios_completed=99))
    assert learning.module_passed(with_quiz, summary(module.id, quiz_passed=True))
