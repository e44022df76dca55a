"""The learner's actions (academy.learning), called directly on a real store: no pages involved."""

from __future__ import annotations

from functools import cache

import pytest

from academy import learning
from academy.content.schema import Course, Module, Scenario
from academy.course.loader import load_course
from academy.engine import quiz as quiz_engine
from academy.engine import roleplay as engine
from academy.store import (
    Attempt,
    AttemptClosedError,
    AttemptLimitError,
    LearningRecord,
    Run,
    RunClosedError,
    Status,
    Store,
    User,
    Verb,
)

MODULE = "orientation"


@cache
def real_course() -> Course:
    return load_course().course


def without_quiz(course: Course, module_id: str = MODULE) -> Course:
    """The course with the module's ``quiz:`` line removed, as a trainer might."""
    modules = tuple(
        module.model_copy(update={"quiz": None}) if module.id == module_id else module for module in course.modules
    )
    return course.model_copy(update={"modules": modules})


def records(store: Store, user: User, verb: Verb | None = None) -> list[LearningRecord]:
    found = store.records(user_id=user.id)
    return [record for record in found if verb is None or record.verb is verb]


def status(store: Store, user: User, module_id: str = MODULE) -> Status:
    summary = store.module_summaries(user.id).get(module_id)
    return summary.status if summary else Status.NOT_STARTED


def read_every_lesson(store: Store, course: Course, user: User, module: Module) -> None:
    for lesson in module.lessons:
        learning.view_lesson(store, course, user.id, module.id, lesson.id)
        learning.complete_lesson(store, course, user.id, module.id, lesson.id)


def play_to_the_end(store: Store, course: Course, user: User, module: Module, scenario: Scenario) -> Run:
    """The best path from start to ending, one action per choice."""
    run = learning.start_roleplay(store, course, user.id, module.id, scenario.id)
    for step in engine.analyse(scenario).best_path:
        chosen = learning.choose(store, course, run, step.choice)
        assert chosen.taken
        run = chosen.run
    return run


def play_every_roleplay(store: Store, course: Course, user: User, module: Module) -> None:
    for scenario in module.scenarios:
        assert play_to_the_end(store, course, user, module, scenario).finished


def answer_all(store: Store, course: Course, user: User, module_id: str, *, right: bool = True) -> Attempt:
    attempt = learning.start_quiz(store, course, user.id, module_id, seed=7)
    for question, entry in learning.attempt_questions(course, attempt):
        response = quiz_engine.correct_response(question) if right else None
        if response is None:
            response = _wrong(question, entry)
        attempt = learning.answer_question(store, course, attempt, question.id, response)
    return attempt


def _wrong(question: object, entry: quiz_engine.DrawnQuestion) -> object:
    kind = question.type
    if kind == "true_false":
        return not question.answer
    if kind == "numeric":
        return question.answer + question.tolerance + 1000
    if kind == "single":
        return next(option.id for option in question.options if not option.correct)
    if kind == "multiple":
        return []
    if kind == "ordering":
        return list(entry.order)
    pairs = [pair.id for pair in question.pairs]
    return dict(zip(pairs, pairs[1:] + pairs[:1], strict=True))


# --- a module without a quiz ---------------------------------------------------------------


def test_a_module_without_a_quiz_is_passed_when_its_roleplay_is_finished_last(store: Store, learner: User) -> None:
    course = without_quiz(real_course())
    module = course.module(MODULE)
    assert module.scenarios, "the example needs a role-play"

    read_every_lesson(store, course, learner, module)
    assert status(store, learner) is Status.IN_PROGRESS
    play_every_roleplay(store, course, learner, module)

    assert status(store, learner) is Status.PASSED
    assert len(records(store, learner, Verb.MODULE_COMPLETED)) == 1


def test_a_module_without_a_quiz_is_passed_when_its_lessons_are_finished_last(store: Store, learner: User) -> None:
    course = without_quiz(real_course())
    module = course.module(MODULE)

    play_every_roleplay(store, course, learner, module)
    assert status(store, learner) is Status.IN_PROGRESS
    read_every_lesson(store, course, learner, module)

    assert status(store, learner) is Status.PASSED
    summary = store.module_summaries(learner.id)[MODULE]
    assert summary.completed_at is not None
    assert len(records(store, learner, Verb.MODULE_COMPLETED)) == 1


def test_playing_a_roleplay_again_after_passing_logs_no_second_completion(store: Store, learner: User) -> None:
    course = without_quiz(real_course())
    module = course.module(MODULE)
    read_every_lesson(store, course, learner, module)
    play_every_roleplay(store, course, learner, module)
    play_every_roleplay(store, course, learner, module)

    assert status(store, learner) is Status.PASSED
    assert len(records(store, learner, Verb.MODULE_COMPLETED)) == 1


def test_an_abandoned_roleplay_does_not_count_towards_the_module(store: Store, learner: User) -> None:
    course = without_quiz(real_course())
    module = course.module(MODULE)
    read_every_lesson(store, course, learner, module)
    for scenario in module.scenarios:
        run = learning.start_roleplay(store, course, learner.id, module.id, scenario.id)
        run = learning.choose(store, course, run, engine.analyse(scenario).best_path[0].choice).run
        assert learning.abandon_roleplay(store, run)

    assert status(store, learner) is Status.IN_PROGRESS


# --- a module with a quiz ------------------------------------------------------------------


def test_a_module_with_a_quiz_is_not_passed_by_lessons_and_roleplays_alone(store: Store, learner: User) -> None:
    course = real_course()
    module = course.module(MODULE)
    read_every_lesson(store, course, learner, module)
    play_every_roleplay(store, course, learner, module)

    assert status(store, learner) is Status.IN_PROGRESS


def test_the_last_answer_grades_and_closes_the_attempt_and_passes_the_module(store: Store, learner: User) -> None:
    course = real_course()
    attempt = answer_all(store, course, learner, MODULE)

    assert attempt.finished
    assert attempt.passed
    assert attempt.score == attempt.max_score
    assert attempt == store.attempt_detail(attempt.id)  # built in the write, as the store reads it back
    assert status(store, learner) is Status.PASSED
    summary = store.module_summaries(learner.id)[MODULE]
    assert summary.quiz_passed
    assert summary.best_quiz_scaled == pytest.approx(1.0)
    [finished] = records(store, learner, Verb.QUIZ_FINISHED)
    assert finished.detail["answered"] == len(attempt.drawn)
    assert finished.detail["scaled"] == pytest.approx(1.0)
    assert len(records(store, learner, Verb.MODULE_COMPLETED)) == 1


def test_a_failed_attempt_leaves_the_module_in_progress(store: Store, learner: User) -> None:
    course = real_course()
    attempt = answer_all(store, course, learner, MODULE, right=False)

    assert attempt.finished
    assert not attempt.passed
    assert status(store, learner) is Status.IN_PROGRESS
    assert store.module_summaries(learner.id)[MODULE].quiz_failures == 1


def test_answers_are_recorded_with_their_type_and_skills(store: Store, learner: User) -> None:
    course = real_course()
    attempt = learning.start_quiz(store, course, learner.id, MODULE, seed=3)
    question, _ = learning.attempt_questions(course, attempt)[0]
    after = learning.answer_question(store, course, attempt, question.id, quiz_engine.correct_response(question))

    assert not after.finished
    assert after.answered == {question.id}
    [record] = records(store, learner, Verb.ANSWER_SUBMITTED)
    assert record.detail["type"] == question.type
    assert record.detail["skills"] == list(question.skills)
    assert record.detail["correct"] is True


def test_a_malformed_response_is_refused_and_nothing_is_saved(store: Store, learner: User) -> None:
    course = real_course()
    attempt = learning.start_quiz(store, course, learner.id, MODULE, seed=3)
    question, _ = learning.attempt_questions(course, attempt)[0]

    with pytest.raises(learning.InvalidResponseError):
        learning.answer_question(store, course, attempt, question.id, {"not": "an answer"})
    assert not records(store, learner, Verb.ANSWER_SUBMITTED)


def test_an_answer_after_the_attempt_closed_is_refused(store: Store, learner: User) -> None:
    course = real_course()
    attempt = learning.start_quiz(store, course, learner.id, MODULE, seed=3)
    questions = learning.attempt_questions(course, attempt)
    finished = learning.finish_quiz(store, course, attempt)
    assert finished.finished
    assert finished.score == 0

    question, _ = questions[0]
    with pytest.raises(AttemptClosedError):
        learning.answer_question(store, course, attempt, question.id, quiz_engine.correct_response(question))


def test_starting_twice_resumes_the_open_attempt_and_the_limit_holds(store: Store, learner: User) -> None:
    course = real_course()
    bank = course.bank_for(course.module(MODULE))
    assert bank is not None
    first = learning.start_quiz(store, course, learner.id, MODULE)
    assert learning.start_quiz(store, course, learner.id, MODULE).id == first.id
    if bank.attempts is None:
        return
    learning.finish_quiz(store, course, first)
    for _ in range(bank.attempts - 1):
        learning.finish_quiz(store, course, learning.start_quiz(store, course, learner.id, MODULE))
    with pytest.raises(AttemptLimitError):
        learning.start_quiz(store, course, learner.id, MODULE)


def test_a_module_without_a_quiz_refuses_to_start_one(store: Store, learner: User) -> None:
    with pytest.raises(learning.NotInCourseError):
        learning.start_quiz(store, without_quiz(real_course()), learner.id, MODULE)


def test_a_question_gone_from_the_bank_is_a_changed_quiz(store: Store, learner: User) -> None:
    course = real_course()
    attempt = learning.start_quiz(store, course, learner.id, MODULE, seed=3)
    bank = course.banks[attempt.bank_id]
    gone = attempt.drawn[0]
    smaller = bank.model_copy(update={"questions": [q for q in bank.questions if q.id != gone]})
    changed = course.model_copy(update={"banks": {**course.banks, bank.id: smaller}})

    with pytest.raises(learning.ContentChangedError):
        learning.attempt_questions(changed, attempt)


# --- role-plays ----------------------------------------------------------------------------


def test_each_choice_is_recorded_with_its_cost_skills_and_trust(store: Store, learner: User) -> None:
    course = real_course()
    module = course.module(MODULE)
    scenario = module.scenarios[0]
    run = learning.start_roleplay(store, course, learner.id, module.id, scenario.id)
    best = engine.analyse(scenario).best_path[0].choice
    chosen = learning.choose(store, course, run, best)

    assert chosen.taken
    assert chosen.choice.cost == 0
    assert chosen.run.path == (best,)
    assert chosen.run == store.run_detail(run.id)  # built in the write, as the store reads it back
    [record] = records(store, learner, Verb.CHOICE_MADE)
    assert record.detail["cost"] == 0
    assert record.detail["best"] is True
    assert record.detail["skills"] == list(chosen.outcome.choice.skills)
    assert record.detail["trust_delta"] == chosen.outcome.trust_delta
    assert record.detail["trust_after"] == chosen.outcome.trust_after


def test_the_choice_that_reaches_an_ending_closes_the_run_with_the_debrief_score(store: Store, learner: User) -> None:
    course = real_course()
    module = course.module(MODULE)
    scenario = module.scenarios[0]
    run = play_to_the_end(store, course, learner, module, scenario)

    debrief = engine.debrief(scenario, engine.replay(scenario, run.path))
    assert run.finished
    assert run == store.run_detail(run.id)
    assert (run.ending_id, run.outcome, run.score, run.best) == (
        debrief.ending.id,
        debrief.outcome,
        debrief.score,
        debrief.best,
    )
    [ending] = records(store, learner, Verb.ENDING_REACHED)
    assert ending.detail["scaled"] == pytest.approx(debrief.scaled)
    assert ending.detail["trust"] == debrief.trust
    assert ending.detail["skills"] == [tally.skill for tally in debrief.skills]
    summary = store.module_summaries(learner.id)[MODULE]
    assert (summary.scenario_runs, summary.scenarios_completed) == (1, 1)


def test_a_choice_another_window_made_first_stands(store: Store, learner: User) -> None:
    course = real_course()
    module = course.module(MODULE)
    scenario = module.scenarios[0]
    run = learning.start_roleplay(store, course, learner.id, module.id, scenario.id)
    offered = [index for index, _ in engine.available_choices(scenario, engine.start(scenario))]
    assert len(offered) >= 2
    learning.choose(store, course, run, offered[0])

    late = learning.choose(store, course, run, offered[1])  # the page still showed step 0
    assert not late.taken
    assert late.run.path == (offered[0],)


def test_a_choice_in_an_abandoned_run_is_refused(store: Store, learner: User) -> None:
    course = real_course()
    module = course.module(MODULE)
    scenario = module.scenarios[0]
    run = learning.start_roleplay(store, course, learner.id, module.id, scenario.id)
    fresh = learning.restart_roleplay(store, course, run)

    assert fresh.id != run.id
    assert fresh.path == ()
    with pytest.raises(RunClosedError):
        learning.choose(store, course, run, engine.analyse(scenario).best_path[0].choice)


def test_a_stale_run_cannot_skip_a_step(store: Store, learner: User) -> None:
    course = real_course()
    module = course.module(MODULE)
    scenario = module.scenarios[0]
    path = engine.analyse(scenario).best_path
    run = learning.start_roleplay(store, course, learner.id, module.id, scenario.id)
    moved = learning.choose(store, course, run, path[0].choice).run
    learning.choose(store, course, moved, path[1].choice)

    # A window that saw step 1 answers it again: the first answer stands, nothing is skipped.
    again = learning.choose(store, course, moved, path[1].choice)
    assert again.taken
    assert again.run.path == (path[0].choice, path[1].choice)
    assert len(records(store, learner, Verb.CHOICE_MADE)) == 2


def test_a_choice_not_offered_is_refused(store: Store, learner: User) -> None:
    course = real_course()
    module = course.module(MODULE)
    run = learning.start_roleplay(store, course, learner.id, module.id, module.scenarios[0].id)

    with pytest.raises(ValueError, match="not available"):
        learning.choose(store, course, run, 99)
    assert not records(store, learner, Verb.CHOICE_MADE)


def test_an_unknown_cost_is_stored_as_unknown_not_as_best(store: Store, learner: User) -> None:
    course = real_course()
    module = course.module(MODULE)
    scenario = module.scenarios[0]
    start = next(node for node in scenario.nodes if node.id == scenario.start)
    # A choice that leads nowhere an ending can be reached from has no value, so no cost.
    dead_end = start.choices[0].model_copy(update={"next": "limbo"})
    limbo = start.model_copy(update={"id": "limbo", "choices": [start.choices[0].model_copy(update={"next": "limbo"})]})
    nodes = [
        start.model_copy(update={"choices": [dead_end, *start.choices[1:]]}),
        *[node for node in scenario.nodes if node.id != start.id],
        limbo,
    ]
    changed_scenario = scenario.model_copy(update={"nodes": nodes})
    changed_module = module.model_copy(update={"scenarios": [changed_scenario, *module.scenarios[1:]]})
    course = course.model_copy(
        update={"modules": tuple(changed_module if m.id == MODULE else m for m in course.modules)}
    )
    run = learning.start_roleplay(store, course, learner.id, module.id, scenario.id)
    chosen = learning.choose(store, course, run, 0)

    assert chosen.outcome.cost is None
    assert chosen.choice.cost is None
    [record] = records(store, learner, Verb.CHOICE_MADE)
    assert record.detail["cost"] is None
    assert record.detail["best"] is False


def test_a_run_the_scenario_no_longer_allows_is_a_changed_roleplay(store: Store, learner: User) -> None:
    course = real_course()
    module = course.module(MODULE)
    scenario = module.scenarios[0]
    run = learning.start_roleplay(store, course, learner.id, module.id, scenario.id)
    run = learning.choose(store, course, run, engine.analyse(scenario).best_path[0].choice).run
    gone = course.model_copy(
        update={
            "modules": tuple(m.model_copy(update={"scenarios": []}) if m.id == MODULE else m for m in course.modules)
        }
    )

    with pytest.raises(learning.ContentChangedError):
        learning.run_state(gone, run)


def test_finish_roleplay_closes_a_run_saved_at_its_ending_but_left_open(store: Store, learner: User) -> None:
    course = real_course()
    module = course.module(MODULE)
    scenario = module.scenarios[0]
    run = learning.start_roleplay(store, course, learner.id, module.id, scenario.id)
    state = engine.start(scenario)
    for step in engine.analyse(scenario).best_path:  # saved the old way: choices without the ending
        store.save_choice(run.id, len(state.path), state.node, step.choice, 0)
        state = engine.choose(scenario, state, step.choice)[0]
    left_open = store.in_progress_run(learner.id, scenario.id)
    assert left_open is not None

    finished = learning.finish_roleplay(store, course, left_open)
    assert finished.finished
    assert finished.outcome == engine.debrief(scenario, state).outcome


# --- lessons -------------------------------------------------------------------------------


def test_viewing_and_completing_a_lesson(store: Store, learner: User) -> None:
    course = real_course()
    module = course.module(MODULE)
    lesson = module.lessons[0]

    assert learning.view_lesson(store, course, learner.id, module.id, lesson.id, key="visit-1")
    assert not learning.view_lesson(store, course, learner.id, module.id, lesson.id, key="visit-1")
    assert learning.complete_lesson(store, course, learner.id, module.id, lesson.id)
    assert not learning.complete_lesson(store, course, learner.id, module.id, lesson.id)
    assert store.completed_lessons(learner.id, module.id) == {lesson.id}
    assert [record.verb for record in records(store, learner)] == [Verb.LESSON_VIEWED, Verb.LESSON_COMPLETED]


def test_a_lesson_not_in_the_course_is_refused(store: Store, learner: User) -> None:
    with pytest.raises(learning.NotInCourseError):
        learning.complete_lesson(store, real_course(), learner.id, MODULE, "no-such-lesson")
    with pytest.raises(learning.NotInCourseError):
        learning.view_lesson(store, real_course(), learner.id, "no-such-module", "x")
    assert not records(store, learner)
