"""Learner detail: one learner's modules, timeline, quiz attempts with answers, role-play runs."""

from __future__ import annotations

import streamlit as st

from academy.content.outcomes import outcome_label
from academy.reports.access import AccessDeniedError, Learner, Scope, learner, learners
from academy.reports.learner import LearnerReport, learner_report
from academy.store import Store
from academy.ui import manager_widgets as widgets
from academy.ui import navigation, session
from academy.ui.navigation import MANAGERS, PageSpec
from academy.ui.text import course as md
from academy.ui.text import plain

URL = "learner"


def render() -> None:
    scope = widgets.viewer_scope()
    navigation.title(URL)
    store = session.store()
    team_column, learner_column = st.columns(2)
    with team_column:
        team_ids = widgets.team_filter(scope)
    people = {person.id: person for person in learners(store, scope, team_ids, include_disabled=True)}
    wanted = _wanted(store, scope, people)
    if not people:
        widgets.nothing_yet("No learners in this team yet.")
        return
    ids = list(people)
    with learner_column:
        chosen = st.selectbox(
            "Learner",
            ids,
            index=ids.index(wanted) if wanted in people else 0,
            key="learner-pick",
            format_func=lambda user_id: _label(people[user_id]),
        )
    st.query_params["learner"] = str(chosen)
    _show(learner_report(store, session.course(), scope, chosen))


def _label(person: Learner) -> str:
    return f"{person.display_name} ({person.username})"


def _wanted(store: Store, scope: Scope, people: dict[int, Learner]) -> int | None:
    """The learner named by ``?learner=``, added to ``people`` if the scope allows it; else None."""
    wanted = st.query_params.get("learner")
    if not wanted or not wanted.isdigit():
        return None
    user_id = int(wanted)
    if user_id not in people:
        try:
            people[user_id] = learner(store, scope, user_id)
        except AccessDeniedError:
            st.error("That learner is not in a team you can see.", icon=":material/block:")
            return None
    return user_id


def _show(report: LearnerReport) -> None:
    person = report.learner
    st.subheader(f":material/person: {plain(person.display_name)}", anchor=False)
    st.caption(f"{plain(person.username)} · {plain(person.team_label)}" + (" · disabled" if person.disabled else ""))
    modules, timeline, quizzes, roleplays = st.tabs(
        [
            ":material/view_module: Modules",
            ":material/timeline: Timeline",
            ":material/quiz: Quiz attempts",
            ":material/forum: Role-plays",
        ]
    )
    with modules:
        widgets.table(
            report.modules,
            percent=("best_quiz", "best_scenario"),
            column_config={
                "module": "Module",
                "status": "Status",
                "best_quiz": widgets.percent_column("Best quiz"),
                "best_scenario": widgets.percent_column("Best role-play"),
                "quiz_attempts": "Quiz attempts",
                "quiz_failures": "Failed",
                "lessons_done": "Lessons done",
                "lessons_total": "Lessons",
                "last_activity": widgets.when_column("Last activity"),
            },
        )
    with timeline:
        if report.timeline.empty:
            widgets.nothing_yet("No activity yet.")
        else:
            widgets.table(
                report.timeline,
                column_config={
                    "at": widgets.when_column("When"),
                    "module": "Module",
                    "action": "Action",
                    "detail": st.column_config.TextColumn("What", width="large"),
                },
            )
    with quizzes:
        _attempts(report)
    with roleplays:
        _runs(report)


def _attempts(report: LearnerReport) -> None:
    if report.attempts.empty:
        widgets.nothing_yet("No quiz attempt yet.")
        return
    for attempt in report.attempts.iloc[::-1].itertuples():
        result = "in progress" if attempt.status == "in_progress" else "passed" if attempt.passed else "not passed"
        score = widgets.percent(attempt.score)
        with st.expander(f"{md(attempt.module)} · attempt {attempt.number} · {score} · {result}"):
            answers = report.answers[report.answers["attempt_id"] == attempt.attempt_id]
            widgets.table(
                answers.drop(columns=["attempt_id"]),
                column_config={
                    "position": "#",
                    "question": st.column_config.TextColumn("Question", width=380),
                    "answer": st.column_config.TextColumn("Answer", width=380),
                    "points": st.column_config.NumberColumn("Points", format="%.2f"),
                    "max_points": st.column_config.NumberColumn("Out of", format="%g"),
                    "correct": st.column_config.CheckboxColumn("Right"),
                },
            )


def _runs(report: LearnerReport) -> None:
    if report.runs.empty:
        widgets.nothing_yet("No role-play yet.")
        return
    for run in report.runs.iloc[::-1].itertuples():
        ending = run.ending or run.status.replace("_", " ")
        with st.expander(f"{md(run.scenario)} · {md(ending)} · {widgets.percent(run.scaled)}"):
            if run.outcome:
                st.caption(outcome_label(run.outcome))
            steps = report.steps[report.steps["run_id"] == run.run_id]
            widgets.table(
                steps.drop(columns=["run_id"]),
                column_config={
                    "step": "#",
                    "customer": st.column_config.TextColumn("Customer said", width=320),
                    "choice": st.column_config.TextColumn("Learner chose", width=320),
                    "cost": st.column_config.NumberColumn("Cost", help="Trust lost against the best choice (0 = best)"),
                    "made_at": widgets.when_column("When"),
                },
            )


PAGES = [
    PageSpec(render, "Learner detail", ":material/person_search:", URL, MANAGERS, section="Manage", order=30, wide=True)
]
