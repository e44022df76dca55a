"""The whole journey in a real browser: first run, a learner's lesson, role-play and quiz, a reload mid-quiz.

Run with ``python -m pytest tests/e2e -m e2e``; needs /usr/bin/chromium (skipped without it).
"""

from __future__ import annotations

from typing import Any

import pytest

from academy.content.schema import Question
from academy.course.loader import load_course
from academy.engine import quiz as quiz_engine
from academy.engine import roleplay as roleplay_engine
from academy.store import Verb, open_store
from tests.e2e.conftest import Server

pytestmark = pytest.mark.e2e

ADMIN = ("chief", "admin-password-123")
LEARNER = ("lea.morel", "learner-password-456")
MODULE = "orientation"  # one lesson, one role-play and a quiz with every question type


def test_first_run_to_finished_quiz(browser_page: Any, app_server: Server) -> None:
    page = browser_page
    course = load_course().course
    module = course.module(MODULE)
    bank = course.bank_for(module)
    assert bank is not None

    page.goto(app_server.url)
    create_administrator(page)
    add_learner(page)
    sign_out(page)

    sign_in(page, *LEARNER)
    page.get_by_role("heading", name="Catalog").wait_for()

    read_lesson(page, module.lessons[0].title)
    play_scenario_to_an_ending(page, module.scenarios[0])

    store = open_store(app_server.database_url)
    try:
        learner = store.user_by_name(LEARNER[0])
        assert learner is not None
        start_quiz(page)
        questions = {question.id: question for question in bank.questions}
        for _ in range(2):
            answer_current_question(page, store, learner.id, questions)

        attempt = store.in_progress_attempt(learner.id, MODULE)
        assert attempt is not None
        assert len(attempt.answers) == 2
        page.reload()  # a new browser session, still signed in (the cookie), back in the quiz
        page.get_by_text(f"Question 3 of {len(attempt.drawn)}").wait_for()
        page.get_by_text(questions[attempt.drawn[2]].prompt, exact=True).wait_for()

        while store.in_progress_attempt(learner.id, MODULE) is not None:
            answer_current_question(page, store, learner.id, questions)
        page.get_by_text("You passed").wait_for()
        page.get_by_role("heading", name="Review").wait_for()

        check_stored_records(store, learner.id, module.lessons[0].id, module.scenarios[0].id, len(attempt.drawn))
    finally:
        store.close()


# --- steps -----------------------------------------------------------------------------------


def settle(page: Any) -> None:
    """Wait until Streamlit has finished its run: a field filled mid-run can be redrawn empty."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()


def create_administrator(page: Any) -> None:
    page.get_by_role("heading", name="Create the administrator").wait_for()
    settle(page)
    page.get_by_label("Username", exact=True).fill(ADMIN[0])
    page.get_by_label("Password", exact=True).fill(ADMIN[1])
    page.get_by_label("Repeat the password", exact=True).fill(ADMIN[1])
    page.get_by_role("button", name="Create the administrator").click()
    page.get_by_role("heading", name="Users").wait_for()


def add_learner(page: Any) -> None:
    settle(page)
    form = page.get_by_test_id("stForm").first
    form.get_by_label("Username", exact=True).fill(LEARNER[0])
    form.get_by_label("Password", exact=True).fill(LEARNER[1])
    form.get_by_label("Repeat the password", exact=True).fill(LEARNER[1])
    form.get_by_role("button", name="Add user").click()
    page.get_by_text(f"Added {LEARNER[0]}").wait_for()


def sign_out(page: Any) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()


def sign_in(page: Any, username: str, password: str) -> None:
    page.get_by_role("heading", name="Sign in").wait_for()
    settle(page)
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def open_menu(page: Any, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    page.get_by_role("heading", level=1, name=title).wait_for()  # the page's title, not a section of it


def read_lesson(page: Any, lesson_title: str) -> None:
    open_menu(page, "Lessons")
    page.get_by_role("heading", name=lesson_title).wait_for()
    page.get_by_role("button", name="Mark complete").click()
    page.get_by_text("You completed this lesson.").wait_for()


def play_scenario_to_an_ending(page: Any, scenario: Any) -> None:
    open_menu(page, "Role-plays")
    page.get_by_role("button", name="Start the role-play").click()
    page.get_by_text("What do you say?").wait_for()
    state = roleplay_engine.start(scenario)
    for step in roleplay_engine.analyse(scenario).best_path:
        choice = scenario_choice(scenario, step.node, step.choice)
        page.get_by_role("button", name=choice, exact=True).click()
        state, _ = roleplay_engine.choose(scenario, state, step.choice)
        if not state.finished:
            page.get_by_text(f"Customer trust: {state.trust} / 100").wait_for()
    page.get_by_text("Debrief:").wait_for()
    page.get_by_text("Skills practised").wait_for()


def scenario_choice(scenario: Any, node_id: str, index: int) -> str:
    node = next(node for node in scenario.nodes if node.id == node_id)
    return node.choices[index].text


def start_quiz(page: Any) -> None:
    open_menu(page, "Quizzes")
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_text("Question 1 of").wait_for()


def answer_current_question(page: Any, store: Any, user_id: int, questions: dict[str, Question]) -> None:
    attempt = store.in_progress_attempt(user_id, MODULE)
    question = questions[attempt.next_question]
    number = attempt.drawn.index(question.id) + 1
    page.get_by_text(f"Question {number} of {len(attempt.drawn)}").wait_for()
    page.get_by_text(question.prompt, exact=True).wait_for()
    settle(page)
    form = page.get_by_test_id("stForm")
    fill_correct_answer(page, form, question)
    form.get_by_role("button", name="Submit").click()
    if number < len(attempt.drawn):
        page.get_by_text(f"Question {number + 1} of {len(attempt.drawn)}").wait_for()
    else:
        page.get_by_text("your result").wait_for()


def fill_correct_answer(page: Any, form: Any, question: Question) -> None:
    right = quiz_engine.correct_response(question)
    if question.type == "single":
        form.get_by_text(option_text(question, right), exact=True).click()
    elif question.type == "multiple":
        for option_id in right:
            form.get_by_text(option_text(question, option_id), exact=True).click()
    elif question.type == "true_false":
        form.get_by_text("True" if right else "False", exact=True).click()
    elif question.type == "ordering":
        texts = {item.id: item.text for item in question.items}
        for position, item_id in enumerate(right, start=1):
            choose(page, form, f"Position {position}", texts[item_id])
    elif question.type == "matching":
        for pair in question.pairs:
            choose(page, form, pair.left, pair.right)
    elif question.type == "numeric":
        field = form.get_by_test_id("stNumberInput").locator("input")
        field.fill(f"{right:g}")
        field.press("Tab")


def option_text(question: Any, option_id: str) -> str:
    return next(option.text for option in question.options if option.id == option_id)


def choose(page: Any, form: Any, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label`` (a combobox whose value is the shown text)."""
    from playwright.sync_api import expect

    box = form.get_by_role("combobox", name=label, exact=True)
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    expect(box).to_have_value(option)


def check_stored_records(store: Any, user_id: int, lesson_id: str, scenario_id: str, drawn: int) -> None:
    assert lesson_id in store.completed_lessons(user_id, MODULE)
    runs = store.runs(user_id, scenario_id=scenario_id)
    assert [run.status for run in runs] == ["finished"]
    assert runs[0].score == runs[0].best  # the best path was played
    attempts = store.attempts(user_id, MODULE)
    assert len(attempts) == 1
    attempt = attempts[0]
    assert attempt.finished
    assert attempt.passed
    assert len(attempt.answers) == drawn
    assert attempt.score == attempt.max_score
    summary = store.module_summaries(user_id)[MODULE]
    assert summary.status == "passed"
    verbs = {record.verb for record in store.records(user_id=user_id)}
    assert {Verb.LESSON_COMPLETED, Verb.ENDING_REACHED, Verb.ANSWER_SUBMITTED, Verb.QUIZ_FINISHED} <= verbs
