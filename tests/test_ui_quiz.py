"""Quiz session (AppTest): seeded draw, a widget per question type, answers saved, resume, score, review, limit."""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from academy.content.schema import Question
from academy.engine import quiz as engine
from academy.store import Attempt, User
from academy.ui import quiz as quiz_page
from academy.ui import text
from tests.ui_helpers import World, button, no_exceptions, texts, world

__all__ = ["world"]

MODULE = "orientation"  # six questions, one of every type, all drawn


def open_attempt(world: World, learner: User) -> Attempt:
    attempt = world.store.in_progress_attempt(learner.id, MODULE)
    assert attempt is not None
    return attempt


def question(world: World, question_id: str) -> Question:
    bank = world.course.bank_for(world.course.module(MODULE))
    return next(candidate for candidate in bank.questions if candidate.id == question_id)


def start(world: World, learner: User) -> AppTest:
    at = world.app(learner, "quiz", module=MODULE)
    button(at, "Start the quiz").click().run()
    no_exceptions(at)
    return at


def fill(at: AppTest, attempt: Attempt, asked: Question, response: Any) -> None:
    """Set the widgets of the shown question to ``response`` (the engine's response format)."""
    key = quiz_page.widget_key(attempt, asked.id)
    if asked.type in ("single", "true_false"):
        at.radio(key=key).set_value(response)
    elif asked.type == "multiple":
        for option in asked.options:
            at.checkbox(key=f"{key}-{option.id}").set_value(option.id in response)
    elif asked.type == "ordering":
        for position, item_id in enumerate(response):
            at.selectbox(key=f"{key}-{position}").set_value(item_id)
    elif asked.type == "matching":
        for left, right in response.items():
            at.selectbox(key=f"{key}-{left}").set_value(right)
    elif asked.type == "numeric":
        at.number_input(key=key).set_value(response)


def submit(at: AppTest) -> None:
    next(element for element in at.button if element.label.startswith("Submit")).click().run()
    no_exceptions(at)


def answer_shown_question(world: World, at: AppTest, learner: User, *, right: bool = True) -> Question:
    attempt = open_attempt(world, learner)
    asked = question(world, attempt.next_question)
    assert f"**{text.course(asked.prompt)}**" in texts(at)
    response = engine.correct_response(asked) if right else wrong_response(asked)
    fill(at, attempt, asked, response)
    submit(at)
    return asked


def wrong_response(asked: Question) -> Any:
    right = engine.correct_response(asked)
    if asked.type == "single":
        return next(option.id for option in asked.options if not option.correct)
    if asked.type == "multiple":
        return [option.id for option in asked.options if not option.correct]
    if asked.type == "true_false":
        return not right
    if asked.type == "ordering":
        return list(reversed(right))
    if asked.type == "matching":
        ids = list(right)
        return {left: ids[(number + 1) % len(ids)] for number, left in enumerate(ids)}
    return right + 1000


def test_starting_stores_an_attempt_drawn_from_its_seed(world: World) -> None:
    learner = world.user("ana")
    at = start(world, learner)
    attempt = open_attempt(world, learner)
    bank = world.course.bank_for(world.course.module(MODULE))
    assert list(attempt.drawn) == [entry.question_id for entry in engine.draw(bank, attempt.seed)]
    assert at.get("progress")[0].proto.text == f"Question 1 of {len(attempt.drawn)}"
    first = question(world, attempt.drawn[0])
    assert f"**{text.course(first.prompt)}**" in texts(at)


def test_every_question_type_is_answered_saved_and_scored(world: World) -> None:
    learner = world.user("ana")
    at = start(world, learner)
    drawn = open_attempt(world, learner).drawn
    types = []
    for number in range(1, len(drawn) + 1):
        assert at.get("progress")[0].proto.text == f"Question {number} of {len(drawn)}"
        types.append(answer_shown_question(world, at, learner).type)
        if number < len(drawn):
            assert len(open_attempt(world, learner).answers) == number
    assert sorted(types) == sorted(["single", "multiple", "true_false", "ordering", "matching", "numeric"])
    [attempt] = world.store.attempts(learner.id, MODULE)
    assert attempt.finished
    assert attempt.passed
    assert attempt.score == attempt.max_score
    assert all(answer.correct for answer in attempt.answers)
    assert [answer.question_id for answer in attempt.answers] == list(drawn)
    assert "You passed: 100% against a pass mark of 60%." in [element.value for element in at.success]
    assert len(at.expander) == len(drawn)


def test_a_second_attempt_starts_every_question_empty(world: World) -> None:
    # The widgets of a question keep one key across attempts (quiz.widget_key): nothing the
    # learner ticked in the first attempt may show in the second.
    learner = world.user("ana")
    at = start(world, learner)
    for _ in open_attempt(world, learner).drawn:
        answer_shown_question(world, at, learner, right=False)
    button(at, "Start a new attempt").click().run()
    second = open_attempt(world, learner)
    for _ in second.drawn:
        assert [element.value for element in at.radio] == [None] * len(at.radio)
        assert not any(element.value for element in at.checkbox)
        assert [element.value for element in at.number_input] == [None] * len(at.number_input)
        answer_shown_question(world, at, learner)
    [_, attempt] = world.store.attempts(learner.id, MODULE)
    assert attempt.passed
    assert attempt.score == attempt.max_score


def test_a_failed_attempt_says_so_and_the_review_explains(world: World) -> None:
    learner = world.user("ana")
    at = start(world, learner)
    asked = [answer_shown_question(world, at, learner, right=False) for _ in open_attempt(world, learner).drawn]
    [attempt] = world.store.attempts(learner.id, MODULE)
    assert attempt.finished
    assert not attempt.passed
    assert any(element.value.startswith("Not passed: ") for element in at.error)
    shown = texts(at)
    for item in asked:
        assert text.course(item.explanation) in [element.value for element in at.info]
        assert f"**Your answer:** {text.course(engine.describe_response(item, wrong_response(item)))}" in shown
    assert "Start a new attempt" in [element.label for element in at.button]


def one_pair_right(asked: Question) -> dict[str, str]:
    """A matching answer with the first pair right and the others swapped among themselves."""
    ids = list(engine.correct_response(asked))
    rest = ids[1:]
    return {ids[0]: ids[0], **{left: rest[(number + 1) % len(rest)] for number, left in enumerate(rest)}}


def test_the_review_shows_partial_credit_as_people_write_it(world: World) -> None:
    """Once "(0.333333 / 1)"."""
    learner = world.user("ana")
    at = start(world, learner)
    for _ in open_attempt(world, learner).drawn:
        attempt = open_attempt(world, learner)
        asked = question(world, attempt.next_question)
        fill(at, attempt, asked, one_pair_right(asked) if asked.type == "matching" else wrong_response(asked))
        submit(at)
    matching = next(item for item in at.expander if "Match each part" in item.label)
    assert matching.label.endswith("(0.33 of 1 point)")
    assert not any("0.333" in item.label for item in at.expander)


def test_the_review_marks_the_right_answer_right_even_when_not_chosen(world: World) -> None:
    """Once "✗ False — correct answer": the icon followed "chosen equals correct"."""
    learner = world.user("ana")
    at = start(world, learner)
    for _ in open_attempt(world, learner).drawn:
        answer_shown_question(world, at, learner, right=False)
    true_false = next(candidate for candidate in question_bank(world) if candidate.type == "true_false")
    correct_label = "True" if true_false.answer else "False"
    chosen_label = "False" if true_false.answer else "True"
    lines = texts(at).splitlines()
    correct_line = next(line for line in lines if line.startswith("- ") and f"**{correct_label}**" in line)
    chosen_line = next(line for line in lines if line.startswith("- ") and f"**{chosen_label}**" in line)
    assert correct_line.startswith("- :green[:material/check:]")
    assert "correct answer" in correct_line
    assert chosen_line.startswith("- :red[:material/close:]")
    assert "(your choice)" in chosen_line


def question_bank(world: World) -> list[Question]:
    bank = world.course.bank_for(world.course.module(MODULE))
    assert bank is not None
    return list(bank.questions)


def test_a_new_session_resumes_at_the_same_question_in_the_same_order(world: World) -> None:
    learner = world.user("ana")
    at = start(world, learner)
    answer_shown_question(world, at, learner)
    answer_shown_question(world, at, learner)
    attempt = open_attempt(world, learner)
    resumed = world.app(learner, "quiz", module=MODULE)  # a reload or a restart: a fresh session
    no_exceptions(resumed)
    assert resumed.get("progress")[0].proto.text == f"Question 3 of {len(attempt.drawn)}"
    shown = question(world, attempt.drawn[2])
    assert f"**{text.course(shown.prompt)}**" in texts(resumed)
    entry = engine.draw(world.course.bank_for(world.course.module(MODULE)), attempt.seed)[2]
    assert shown_order(resumed, attempt, shown) == list(entry.order)
    assert open_attempt(world, learner).id == attempt.id


def shown_order(at: AppTest, attempt: Attempt, asked: Question) -> list[str]:
    """The order the page shows the question's options, items or answers in, as ids."""
    key = quiz_page.widget_key(attempt, asked.id)
    if asked.type == "single":
        ids = {text.course(option.text): option.id for option in asked.options}
        return [ids[label] for label in at.radio(key=key).options]
    if asked.type == "multiple":
        return [box.key.removeprefix(f"{key}-") for box in at.checkbox if box.key.startswith(key)]
    if asked.type == "ordering":
        ids = {item.text: item.id for item in asked.items}
        return [ids[label] for label in at.selectbox(key=f"{key}-0").options]
    if asked.type == "matching":
        ids = {pair.right: pair.id for pair in asked.pairs}
        return [ids[label] for label in at.selectbox(key=f"{key}-{asked.pairs[0].id}").options]
    return []


def test_every_attempt_shows_options_in_its_drawn_order(world: World) -> None:
    learner = world.user("ana")
    at = start(world, learner)
    attempt = open_attempt(world, learner)
    drawn = engine.draw(world.course.bank_for(world.course.module(MODULE)), attempt.seed)
    for entry in drawn:
        asked = question(world, entry.question_id)
        assert shown_order(at, open_attempt(world, learner), asked) == list(entry.order)
        answer_shown_question(world, at, learner)


def test_a_stale_second_tab_cannot_change_a_saved_answer(world: World) -> None:
    learner = world.user("ana")
    first_tab = start(world, learner)
    second_tab = world.app(learner, "quiz", module=MODULE)
    attempt = open_attempt(world, learner)
    asked = question(world, attempt.next_question)
    fill(first_tab, attempt, asked, engine.correct_response(asked))
    submit(first_tab)
    fill(second_tab, attempt, asked, wrong_response(asked))
    submit(second_tab)  # its form is for a question already answered: nothing happens
    answers = open_attempt(world, learner).answers
    assert [(answer.question_id, answer.correct) for answer in answers] == [(asked.id, True)]


@pytest.mark.parametrize(
    ("kind", "problem"),
    [
        ("single", "Choose an answer first."),
        ("true_false", "Choose true or false first."),
        ("numeric", "Type a number first."),
        ("matching", "Match every item before submitting."),
    ],
)
def test_an_incomplete_answer_is_refused_and_not_saved(world: World, kind: str, problem: str) -> None:
    learner = world.user("ana")
    at = start(world, learner)
    while question(world, open_attempt(world, learner).next_question).type != kind:
        answer_shown_question(world, at, learner)
    before = len(open_attempt(world, learner).answers)
    submit(at)
    assert [element.value for element in at.error] == [problem]
    assert len(open_attempt(world, learner).answers) == before


def test_ordering_refuses_an_item_used_twice(world: World) -> None:
    learner = world.user("ana")
    at = start(world, learner)
    while question(world, open_attempt(world, learner).next_question).type != "ordering":
        answer_shown_question(world, at, learner)
    attempt = open_attempt(world, learner)
    asked = question(world, attempt.next_question)
    first = asked.items[0].id
    for position in range(len(asked.items)):
        at.selectbox(key=f"{quiz_page.widget_key(attempt, asked.id)}-{position}").set_value(first)
    submit(at)
    assert [element.value for element in at.error] == [
        "Each item must appear exactly once; two positions hold the same item."
    ]
    assert asked.id not in open_attempt(world, learner).answered


def test_the_attempt_limit_is_honoured_with_a_clear_message(world: World) -> None:
    learner = world.user("ana")
    module = world.course.module("customer-creation")
    bank = world.course.bank_for(module)
    assert bank.attempts is not None
    for seed in range(bank.attempts):
        drawn = [entry.question_id for entry in engine.draw(bank, seed)]
        attempt = world.store.start_attempt(learner.id, module.id, bank.id, seed, drawn, world.version(module.id))
        world.store.finish_attempt(attempt.id, 0, len(drawn), False, scaled=0 / len(drawn))
    at = world.app(learner, "quiz", module=module.id)
    no_exceptions(at)
    assert [element.value for element in at.warning] == [f"You have used all {bank.attempts} attempts at this quiz."]
    assert not [element for element in at.button if element.label.startswith("Start")]
    assert len(world.store.attempts(learner.id, module.id)) == bank.attempts


def test_earlier_attempts_can_be_reviewed(world: World) -> None:
    learner = world.user("ana")
    module = world.course.module("customer-creation")
    bank = world.course.bank_for(module)
    for seed, points in ((1, 2), (2, 9)):
        drawn = [entry.question_id for entry in engine.draw(bank, seed)]
        attempt = world.store.start_attempt(learner.id, module.id, bank.id, seed, drawn, world.version(module.id))
        world.store.finish_attempt(attempt.id, points, 10, points / 10 >= module.pass_mark, scaled=points / 10)
    at = world.app(learner, "quiz", module=module.id)
    picker = next(element for element in at.selectbox if element.label == "Attempt")
    assert picker.value == 2
    assert "You passed: 90%" in at.success[0].value
    picker.set_value(1).run()
    assert at.error[0].value.startswith("Not passed: 20%")
