"""Quiz session: one question at a time, each answer saved on submit, then the score and a review.

An attempt is drawn from its stored seed (``engine.quiz.draw``), so a resumed attempt shows
the same questions in the same order with the same option order. The page keeps nothing
of its own: the open attempt and its answers are read from the store on every run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import streamlit as st

from academy import learning
from academy.auth import User
from academy.content.schema import (
    Matching,
    Module,
    MultipleSelect,
    Numeric,
    Ordering,
    Question,
    QuizBank,
    SingleChoice,
    TrueFalse,
)
from academy.engine import quiz as engine
from academy.store import Attempt, AttemptClosedError, AttemptLimitError
from academy.ui import navigation, progress_view, session, widgets, words
from academy.ui.navigation import LEARNERS, PageSpec
from academy.ui.text import course as md

URL = "quiz"


def render() -> None:
    user = session.require_role(LEARNERS)
    navigation.title(URL)
    module = widgets.pick_module()
    if module is None:
        return
    bank = session.course().bank_for(module)
    if bank is None:
        st.info("This module has no quiz.", icon=":material/info:")
        return
    store = session.store()
    # Each run reads the open attempt with its answers, else the list of attempts without
    # theirs (only the result shown needs answers): not every answer the learner ever gave.
    open_attempt = store.in_progress_attempt(user.id, module.id)
    if open_attempt is not None:
        _take(open_attempt)
    else:
        _overview(user, module, bank, store.attempts(user.id, module.id, answers=False))


# --- before and after ----------------------------------------------------------------------


def _overview(user: User, module: Module, bank: QuizBank, attempts: list[Attempt]) -> None:
    finished = [attempt for attempt in attempts if attempt.finished]
    if finished:
        chosen = _chosen_attempt(finished)
        _result(module, bank, session.store().attempt_detail(chosen.id) or chosen)
        st.divider()
    st.subheader(md(bank.title), anchor=False)
    questions = min(bank.draw, len(bank.questions))
    used, limit = learning.attempt_allowance(session.store(), session.course(), user.id, module.id)
    st.caption(
        f"{questions} questions drawn from a bank of {len(bank.questions)} · pass mark {module.pass_mark:.0%} · "
        + (f"attempt {min(used + 1, limit)} of {limit}" if limit else "unlimited attempts")
    )
    if limit is not None and used >= limit:
        st.warning(f"You have used all {limit} attempts at this quiz.", icon=":material/block:")
        return
    label = "Start the quiz" if not finished else "Start a new attempt"
    st.button(
        label,
        type="primary",
        icon=":material/quiz:",
        key=f"start-quiz-{module.id}",
        on_click=_start,
        args=(user, module),
    )


def _chosen_attempt(finished: list[Attempt]) -> Attempt:
    if len(finished) == 1:
        return finished[-1]
    numbers = [attempt.number for attempt in reversed(finished)]
    by_number = {attempt.number: attempt for attempt in finished}
    number = st.selectbox(
        "Attempt",
        numbers,
        format_func=lambda n: (
            f"Attempt {n}: {progress_view.percent(learning.attempt_scaled(by_number[n]))}"
            + (" (passed)" if by_number[n].passed else "")
        ),
    )
    return by_number[number]


def _start(user: User, module: Module) -> None:
    """The start button's on_click: the attempt exists before the page runs, so one run shows
    its first question (starting in the page and then calling st.rerun() cost two)."""
    # Another window used the last attempt meanwhile: the page then says so (attempts used up).
    with contextlib.suppress(AttemptLimitError):
        learning.start_quiz(session.store(), session.course(), user.id, module.id)


# --- taking the quiz -----------------------------------------------------------------------


def _take(attempt: Attempt) -> None:
    """The open attempt's next question. Once an answer is saved, the answered question is
    cleared and the next one drawn below it in this same run: a rerun would run the whole
    page again for nothing (an answer is the action a class makes most often). The last
    answer reruns to the result.

    Each question gets a place of its own: drawing the next one into the answered one's
    container would reuse its delta paths, and Streamlit 1.67's message queue can then
    merge the new elements into the old container's, which the replacement wipes."""
    current: Attempt | None = attempt
    while current is not None:
        slot = st.empty()
        with slot.container():
            current = _ask(current)
        if current is not None:
            if current.status != "in_progress":
                st.rerun()
            slot.empty()


def _ask(attempt: Attempt) -> Attempt | None:
    """Draw the attempt's next question; the attempt as it stands once an answer was saved, else None."""
    course = session.course()
    try:
        questions = learning.attempt_questions(course, attempt)
    except learning.ContentChangedError:
        st.error(
            "This quiz changed since you started this attempt, and some of its questions are gone. "
            "Ask your administrator to check the course.",
            icon=":material/error:",
        )
        return None
    question_id = attempt.next_question
    if question_id is None:  # every answer is in but the attempt is open (saved before attempts closed themselves)
        learning.finish_quiz(session.store(), course, attempt)
        st.rerun()
    total = len(questions)
    position = attempt.drawn.index(question_id)
    st.progress(len(attempt.answers) / total, text=f"Question {position + 1} of {total}")
    question, entry = questions[position]
    response = _question_form(question, entry, widget_key(attempt, question_id), last=len(attempt.answers) + 1 == total)
    if response is _NOTHING:
        return None
    try:
        after = learning.answer_question(session.store(), course, attempt, question.id, response)
    except AttemptClosedError:  # finished meanwhile in another window: the rerun shows its result
        st.rerun()
    if after.next_question == question_id:  # not taken (answered elsewhere meanwhile): show the store's state
        st.rerun()
    return after


def widget_key(attempt: Attempt, question_id: str) -> str:
    """The key of a question's widgets: the same in every attempt, so a session holds one set per
    question of the course. Streamlit 1.67 never forgets a widget id a session has drawn (its
    widget_metadata and key map are not pruned), so a key per attempt grew every learner's session
    with each answer. An answered question's widgets leave the page, so the next attempt's start
    empty."""
    return f"{attempt.bank_id}-{question_id}"


_NOTHING = object()
Reader = Callable[[], tuple[Any, str | None]]
"""Reads a submitted question form: the response, and what is wrong with it (None when nothing)."""


def _question_form(question: Question, entry: engine.DrawnQuestion, key: str, *, last: bool) -> object:
    """Draw the question; the learner's response once submitted and well formed, else _NOTHING."""
    with st.form(f"question-{key}"):
        st.markdown(f"**{md(question.prompt)}**")
        collect = WIDGETS[question.type]
        read = collect(question, entry, key)
        label = "Submit and finish" if last else "Submit answer"
        submitted = st.form_submit_button(label, type="primary", icon=":material/send:")
    if not submitted:
        return _NOTHING
    response, problem = read()
    if problem:
        st.error(problem, icon=":material/error:")
        return _NOTHING
    try:
        engine.validate_response(question, response)
    except ValueError:
        st.error("That answer is not complete; please check it.", icon=":material/error:")
        return _NOTHING
    return response


def _single(question: SingleChoice, entry: engine.DrawnQuestion, key: str) -> Reader:
    text = {option.id: option.text for option in question.options}
    chosen = st.radio("Choose one answer", entry.order, index=None, format_func=lambda o: md(text[o]), key=key)
    return lambda: (chosen, None if chosen is not None else "Choose an answer first.")


def _multiple(question: MultipleSelect, entry: engine.DrawnQuestion, key: str) -> Reader:
    text = {option.id: option.text for option in question.options}
    st.caption("Choose every answer that applies.")
    ticked = [option_id for option_id in entry.order if st.checkbox(md(text[option_id]), key=f"{key}-{option_id}")]
    return lambda: (ticked, None)


def _true_false(question: TrueFalse, entry: engine.DrawnQuestion, key: str) -> Reader:
    chosen = st.radio(
        "True or false?",
        [True, False],
        index=None,
        format_func=lambda v: "True" if v else "False",
        key=key,
        horizontal=True,
    )
    return lambda: (chosen, None if chosen is not None else "Choose true or false first.")


# Selectbox options are shown as plain text (no Markdown), so they are not escaped.
def _ordering(question: Ordering, entry: engine.DrawnQuestion, key: str) -> Reader:
    text = {item.id: item.text for item in question.items}
    st.caption("Put the items in order: for each position, choose the item that belongs there. Use each item once.")
    chosen = [
        st.selectbox(
            f"Position {position + 1}",
            entry.order,
            index=position,
            format_func=text.__getitem__,
            key=f"{key}-{position}",
        )
        for position in range(len(entry.order))
    ]

    def read() -> tuple[list[str], str | None]:
        if len(set(chosen)) != len(chosen):
            return chosen, "Each item must appear exactly once; two positions hold the same item."
        return chosen, None

    return read


def _matching(question: Matching, entry: engine.DrawnQuestion, key: str) -> Reader:
    right = {pair.id: pair.right for pair in question.pairs}
    st.caption("Match each item on the left with one answer. Use each answer once.")
    chosen = {
        pair.id: st.selectbox(
            md(pair.left),
            entry.order,
            index=None,
            format_func=right.__getitem__,
            placeholder="Choose a match",
            key=f"{key}-{pair.id}",
        )
        for pair in question.pairs
    }

    def read() -> tuple[dict[str, str], str | None]:
        matched = {left: picked for left, picked in chosen.items() if picked is not None}
        if len(matched) < len(chosen):
            return matched, "Match every item before submitting."
        if len(set(matched.values())) != len(matched):
            return matched, "Each answer can be used once; two items have the same match."
        return matched, None

    return read


def _numeric(question: Numeric, entry: engine.DrawnQuestion, key: str) -> Reader:
    label = f"Your answer ({md(question.unit)})" if question.unit else "Your answer"
    number = st.number_input(label, value=None, step=1.0, format="%g", key=key)
    return lambda: (number, None if number is not None else "Type a number first.")


WIDGETS: dict[str, Callable[..., Reader]] = {
    "single": _single,
    "multiple": _multiple,
    "true_false": _true_false,
    "ordering": _ordering,
    "matching": _matching,
    "numeric": _numeric,
}


# --- the result and the review -------------------------------------------------------------


def _result(module: Module, bank: QuizBank, attempt: Attempt) -> None:
    scaled = learning.attempt_scaled(attempt) or 0.0
    st.subheader(f":material/scoreboard: Attempt {attempt.number}: your result", anchor=False)
    score, verdict = st.columns(2)
    score.metric("Score", f"{scaled:.0%}", help=words.points(attempt.score or 0.0, attempt.max_score or 0.0))
    verdict.metric("Pass mark", f"{module.pass_mark:.0%}")
    if attempt.passed:
        st.success(
            f"You passed: {scaled:.0%} against a pass mark of {module.pass_mark:.0%}.", icon=":material/verified:"
        )
    else:
        st.error(f"Not passed: {scaled:.0%} against a pass mark of {module.pass_mark:.0%}.", icon=":material/cancel:")
    try:
        graded = learning.review(session.course(), attempt)
    except learning.ContentChangedError:
        st.caption("The quiz changed since this attempt, so its review is not available.")
        return
    st.subheader(":material/rate_review: Review", anchor=False)
    questions = {question.id: question for question in bank.questions}
    for number, scored in enumerate(graded.answers, start=1):
        _review(number, questions[scored.question_id], scored)


def _review(number: int, question: Question, scored: engine.ScoredAnswer) -> None:
    mark = (
        ":material/check_circle:"
        if scored.correct
        else (":material/adjust:" if scored.points > 0 else ":material/cancel:")
    )
    with st.expander(f"{mark} {number}. {md(question.prompt)} ({words.points(scored.points, scored.max_points)})"):
        st.markdown(f"**Your answer:** {md(engine.describe_response(question, scored.response))}")
        st.markdown("\n".join(_feedback_line(line) for line in scored.feedback))
        st.info(md(question.explanation), icon=":material/school:")
        sources = ", ".join(widgets.source_title(source) for source in question.sources)
        st.caption(f"Source: {md(sources)}")


RIGHT, WRONG, NEUTRAL = ":green[:material/check:]", ":red[:material/close:]", ":gray[:material/remove:]"


def _feedback_line(line: engine.FeedbackLine) -> str:
    if line.selected is None:  # ordering, matching, numeric: was this part placed or given right
        icon = RIGHT if line.right else WRONG
    elif line.correct:  # a correct option is marked right, picked or not (not picked: "correct answer" says so)
        icon = RIGHT
    else:  # a wrong option is marked wrong only where the learner chose it
        icon = WRONG if line.selected else NEUTRAL
    parts = [f"- {icon} **{md(line.text)}**"]
    if line.selected:
        parts.append("*(your choice)*")
    if line.correct:
        parts.append(":green[correct answer]")
    if line.given is not None or line.expected is not None:
        parts.append(f"· you: {md(line.given or '–')} · correct: {md(line.expected or '–')}")
    parts.append(f"— {md(line.feedback)}")
    return " ".join(parts)


PAGES = [PageSpec(render, "Quizzes", ":material/quiz:", URL, LEARNERS, section="Learn", order=40)]
