"""Catalog: every module with its objectives, time, progress, status and a way back in."""

from __future__ import annotations

import streamlit as st

from academy.auth import Role
from academy.content.schema import Module
from academy.learning import progress as learning_progress
from academy.store import Attempt, ModuleSummary, Run
from academy.ui import navigation, programme_view, progress_view, session, words
from academy.ui.navigation import LEARNERS, PageSpec
from academy.ui.text import course as md
from academy.ui.widgets import BadgeColour

URL = "catalog"


def render() -> None:
    user = session.require_role(LEARNERS)
    navigation.title(URL)
    store = session.store()
    summaries = store.module_summaries(user.id)
    modules = session.modules()
    if not modules:
        st.info("No modules are available yet.", icon=":material/info:")
        return
    open_attempts = learning_progress.open_attempts_by_module(store.attempts(user.id, status="in_progress"))
    open_runs = learning_progress.open_runs_by_module(store.runs(user.id))
    programme_view.assigned_to_you(
        user,
        modules,
        lambda module: _open(
            module, summaries.get(module.id), open_attempts.get(module.id), open_runs.get(module.id, [])
        ),
    )
    minutes = sum(module.estimated_minutes for module in modules)
    st.caption(f"{words.count(len(modules), 'module')} · about {minutes} minutes in all")
    for module in modules:
        module_card(module, summaries.get(module.id), open_attempts.get(module.id), open_runs.get(module.id, []))


def module_card(
    module: Module, summary: ModuleSummary | None, open_attempt: Attempt | None, open_runs: list[Run]
) -> None:
    has_quiz = session.course().bank_for(module) is not None
    standing = learning_progress.standing(module, summary, has_quiz)
    with st.container(border=True):
        heading, badge = st.columns([4, 1], vertical_alignment="center")
        heading.subheader(md(module.title), anchor=False)
        status = progress_view.STATUS_LABELS[standing.status]
        badge.badge(status, icon=progress_view.STATUS_ICONS[standing.status], color=_status_colour(standing.status))
        st.markdown(md(module.summary))
        st.caption(
            f":material/schedule: about {module.estimated_minutes} min · "
            f"{words.count(len(module.lessons), 'lesson')} · {words.count(len(module.scenarios), 'role-play')}"
            + (" · quiz" if has_quiz else "")
        )
        st.progress(standing.fraction, text=f"{standing.steps_done} of {standing.steps_total} steps done")
        with st.expander("What you will learn"):
            st.markdown("\n".join(f"- {md(objective)}" for objective in module.objectives))
        label = "Start" if summary is None else "Continue where you left off"
        if st.button(label, key=f"continue-{module.id}", type="primary", icon=":material/play_arrow:"):
            _open(module, summary, open_attempt, open_runs)


def _open(module: Module, summary: ModuleSummary | None, open_attempt: Attempt | None, open_runs: list[Run]) -> None:
    has_quiz = session.course().bank_for(module) is not None
    target = _target(module, summary, open_attempt, open_runs, has_quiz)
    navigation.go(target.page, **target.params)


def _target(
    module: Module, summary: ModuleSummary | None, open_attempt: Attempt | None, open_runs: list[Run], has_quiz: bool
) -> learning_progress.Target:
    # Which lessons are done is only needed once the button is pressed.
    user = session.require_role(LEARNERS)
    completed = session.store().completed_lessons(user.id, module.id) if summary else frozenset()
    return learning_progress.resume_target(module, summary, completed, open_attempt, open_runs, has_quiz)


def _status_colour(status: object) -> BadgeColour:
    colours: dict[str, BadgeColour] = {"passed": "green", "in_progress": "orange"}
    return colours.get(str(status), "gray")


PAGES = [
    PageSpec(
        render,
        "Catalog",
        ":material/school:",
        URL,
        LEARNERS,
        section="Learn",
        order=10,
        default_for=frozenset({Role.LEARNER}),
    )
]
