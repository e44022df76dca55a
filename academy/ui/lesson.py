"""Lesson reader: the text, key points, a step to try, facts with their sources; mark complete."""

from __future__ import annotations

import streamlit as st

from academy import learning
from academy.auth import User
from academy.content.schema import Lesson, Module
from academy.ui import navigation, session, widgets
from academy.ui.navigation import LEARNERS, PageSpec
from academy.ui.text import course as md

URL = "lesson"
_VIEWING = "lesson:viewing"


def render() -> None:
    user = session.require_role(LEARNERS)
    navigation.title(URL)
    module = widgets.pick_module(keep=("lesson",))
    if module is None:
        return
    store = session.store()
    completed = store.completed_lessons(user.id, module.id)
    lesson_ids = [lesson.id for lesson in module.lessons]
    lesson_id = widgets.query_choice("lesson", lesson_ids)
    lesson = module.lessons[lesson_ids.index(lesson_id)]
    _record_view(user, module, lesson)
    _module_progress(module, completed)
    _lesson_body(lesson)
    _completion(user, module, lesson, lesson_id in completed)
    _previous_next(module, lesson_ids.index(lesson_id))


def _record_view(user: User, module: Module, lesson: Lesson) -> None:
    # One write per lesson opened, not one per rerun (every click reruns the page).
    here = (user.id, module.id, lesson.id)
    if st.session_state.get(_VIEWING) != here:
        learning.view_lesson(session.store(), session.course(), user.id, module.id, lesson.id)
        st.session_state[_VIEWING] = here


def _module_progress(module: Module, completed: frozenset[str]) -> None:
    done = sum(lesson.id in completed for lesson in module.lessons)
    st.progress(done / len(module.lessons), text=f"{done} of {len(module.lessons)} lessons complete in this module")


def _lesson_body(lesson: Lesson) -> None:
    numbers = widgets.citations([*lesson.sources, *(fact.source for fact in lesson.facts)])
    st.header(md(lesson.title), anchor=False)
    st.markdown(md(lesson.body))
    st.subheader(":material/checklist: Key points", anchor=False)
    st.markdown("\n".join(f"- {md(point)}" for point in lesson.key_points))
    st.info(f"**Try this:** {md(lesson.try_this)}", icon=":material/lightbulb:")
    if lesson.facts:
        st.subheader(":material/fact_check: Facts and figures", anchor=False)
        st.markdown("\n".join(_fact_line(fact.text, fact.reported_by, numbers[fact.source]) for fact in lesson.facts))
    st.subheader(":material/menu_book: Sources", anchor=False)
    widgets.source_list(numbers)


def _fact_line(text: str, reported_by: str | None, number: int) -> str:
    reported = f" *Reported by {md(reported_by)}.*" if reported_by else ""
    return f"- {md(text)}{reported} [{number}]"


def _completion(user: User, module: Module, lesson: Lesson, done: bool) -> None:
    if done:
        st.success("You completed this lesson.", icon=":material/task_alt:")
        return
    if st.button("Mark complete", type="primary", icon=":material/done:", key=f"complete-{module.id}-{lesson.id}"):
        learning.complete_lesson(session.store(), session.course(), user.id, module.id, lesson.id)
        st.rerun()


def _previous_next(module: Module, index: int) -> None:
    previous_column, next_column = st.columns(2)
    if index > 0:
        earlier = module.lessons[index - 1]
        if previous_column.button(f"Previous: {md(earlier.title)}", icon=":material/arrow_back:", key="previous"):
            st.query_params["lesson"] = earlier.id
            st.rerun()
    if index + 1 < len(module.lessons):
        later = module.lessons[index + 1]
        if next_column.button(f"Next: {md(later.title)}", icon=":material/arrow_forward:", key="next"):
            st.query_params["lesson"] = later.id
            st.rerun()
    elif module.scenarios:
        with next_column:
            navigation.link("roleplay", "On to the role-plays", module=module.id)


PAGES = [PageSpec(render, "Lessons", ":material/menu_book:", URL, LEARNERS, section="Learn", order=20)]
