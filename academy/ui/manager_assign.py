"""Assignments: give a team or chosen learners a learning path or modules, with a due date;
change the date, withdraw, and read each assignment's history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd
import streamlit as st

from academy.auth import User
from academy.content.schema import Module
from academy.programme import assign
from academy.programme.assign import AssignError
from academy.reports.access import Scope, learners
from academy.reports.assignments import assignment_summary, assignment_view
from academy.store import Assignment, StoreError
from academy.ui import manager_widgets as widgets
from academy.ui import navigation, programme_view, session
from academy.ui.navigation import MANAGERS, PageSpec
from academy.ui.text import plain

URL = "assign"
RECERTIFY = {"Never": None, "Every 6 months": 6, "Every year": 12, "Every 2 years": 24}
PATH, MODULES = "A learning path", "Modules"
TEAM, PEOPLE = "A team", "Chosen learners"


def render() -> None:
    scope = widgets.viewer_scope()
    navigation.title(URL)
    user = session.require_role(MANAGERS)
    if not scope.teams and not scope.everyone:
        widgets.nothing_yet("You do not manage any team yet. An administrator can add you to one under Teams.")
        return
    with st.container(border=True):
        st.subheader(":material/add_task: New assignment", anchor=False)
        _new_assignment(scope, user)
    # The page title already says "Assignments"; a second heading of the same name confuses screen readers.
    st.subheader(":material/assignment: Current assignments", anchor=False)
    shown = session.store().list_assignments(team_ids=None if scope.everyone else scope.team_ids)
    if not shown:
        widgets.nothing_yet("Nothing assigned yet.")
        return
    view = assignment_view(session.store(), session.course(), scope)
    counts = assignment_summary(view).set_index("assignment_id") if not view.empty else None
    for assignment in shown:
        _assignment_panel(assignment, counts, scope)


def _new_assignment(scope: Scope, user: User) -> None:
    store, course = session.store(), session.course()
    paths = programme_view.learning_paths().paths
    modules: list[Module] = session.modules()
    what_column, who_column = st.columns(2)
    what = what_column.radio("Assign", [PATH, MODULES] if paths else [MODULES], horizontal=True, key="assign-what")
    who = who_column.radio("To", [TEAM, PEOPLE], horizontal=True, key="assign-who")
    with st.form("assign-form", clear_on_submit=False, enter_to_submit=False):
        path_id, module_ids = None, []
        if what == PATH:
            path_id = st.selectbox(
                "Learning path",
                [path.id for path in paths],
                format_func=lambda pid: _path_label(pid),
                key="assign-path",
            )
        else:
            titles = {module.id: module.title for module in modules}
            module_ids = st.multiselect(
                "Modules (in the order to take them)",
                list(titles),
                format_func=lambda mid: titles[mid],
                key="assign-modules",
            )
        team_id, learner_ids = None, []
        if who == TEAM:
            names = {team.id: team.name for team in scope.teams}
            team_id = st.selectbox("Team", list(names), format_func=lambda tid: names[tid], key="assign-team")
            st.caption("People who join the team later are covered too.")
        else:
            people = {person.id: f"{person.display_name} ({person.username})" for person in learners(store, scope)}
            learner_ids = st.multiselect(
                "Learners", list(people), format_func=lambda uid: people[uid], key="assign-learners"
            )
        today = datetime.now(UTC).date()
        due_column, days_column, recert_column = st.columns(3)
        due_on = due_column.date_input(
            "Due date", value=today + timedelta(days=30), min_value=today, format="YYYY-MM-DD", key="assign-due"
        )
        days = days_column.number_input(
            "Days for later joiners",
            min_value=0,
            max_value=3650,
            value=None,
            step=1,
            help="Someone who joins the team later has this many days from the day they join. "
            "Empty: as many days as everyone has now. A new cycle after recertification gets the same.",
            key="assign-days",
        )
        recert = recert_column.selectbox("Recertify", list(RECERTIFY), key="assign-recert")
        title = st.text_input("Title (optional)", max_chars=200, key="assign-title")
        submitted = st.form_submit_button("Assign", type="primary", icon=":material/send:")
    if not submitted:
        return
    path = programme_view.learning_paths().get(path_id) if path_id else None
    try:
        made = assign.assign(
            store,
            course,
            user,
            path=path,
            modules=module_ids,
            team_id=team_id,
            learner_ids=learner_ids,
            due_on=due_on if isinstance(due_on, date) else today,
            days_allowed=int(days) if days is not None else None,
            recert_months=RECERTIFY[recert],
            title=title,
            today=today,
        )
    except AssignError as error:
        st.error(f"Not assigned: {error}.", icon=":material/error:")
        return
    st.success(f"Assigned **{plain(made.title)}**, due {made.due_on.isoformat()}.", icon=":material/check_circle:")


def _path_label(path_id: str) -> str:
    path = programme_view.learning_paths().get(path_id)
    if path is None:
        return path_id
    return f"{path.title} ({len(path.modules)} modules)"


def _assignment_panel(assignment: Assignment, counts: pd.DataFrame | None, scope: Scope) -> None:
    store = session.store()
    row = counts.loc[assignment.id] if counts is not None and assignment.id in counts.index else None
    figures = (
        f"{int(row['done'])} done · {int(row['in progress'])} in progress · {int(row['not started'])} not started"
        f" · {int(row['overdue'])} overdue"
        if row is not None
        else "nobody covered yet"
    )
    target = _target_label(assignment, scope)
    with st.expander(f"{plain(assignment.title)} · {target} · due {assignment.due_on.isoformat()} · {figures}"):
        titles = {module.id: module.title for module in session.course().modules}
        st.markdown(
            "Modules: "
            + ", ".join(plain(titles.get(module, module)) for module in assignment.modules)
            + f"  \nLater joiners: {assignment.days_allowed} days · Recertify: "
            + (f"every {assignment.recert_months} months" if assignment.recert_months else "never")
            + f" · Certificate: {'one per module' if assignment.certificate == 'module' else 'one for all'}"
        )
        user = session.require_role(MANAGERS)
        if assign.may_change(store, user, assignment):
            _change_form(assignment, user.id)
        history = store.assignment_history(assignment.id)
        st.caption("History")
        st.dataframe(
            pd.DataFrame(
                [
                    {"When": event.at, "What": event.action.replace("_", " "), "Detail": _detail(event.detail)}
                    for event in history
                ]
            ),
            hide_index=True,
            width="stretch",
            column_config={"When": widgets.when_column("When")},
        )


def _target_label(assignment: Assignment, scope: Scope) -> str:
    if assignment.team_id is not None:
        names = {team.id: team.name for team in scope.teams}
        return f"team {plain(names.get(assignment.team_id, str(assignment.team_id)))}"
    count = len(assignment.learner_ids)
    return f"{count} learner{'s' if count != 1 else ''}"


def _detail(detail: dict) -> str:
    if "before" in detail:
        return "; ".join(f"{key}: {detail['before'][key]} → {detail['after'][key]}" for key in detail["after"])
    return ", ".join(f"{key}: {value}" for key, value in detail.items() if value not in (None, [], ""))


def _change_form(assignment: Assignment, actor_id: int) -> None:
    store = session.store()
    with st.form(f"change-{assignment.id}", enter_to_submit=False):
        due_column, reason_column = st.columns(2)
        due_on = due_column.date_input("Due date", value=assignment.due_on, format="YYYY-MM-DD")
        reason = reason_column.text_input("Reason to withdraw (kept in the history)", max_chars=300)
        change, withdraw = st.columns(2)
        changed = change.form_submit_button("Change the due date", icon=":material/event:")
        withdrawn = withdraw.form_submit_button("Withdraw", icon=":material/cancel:")
    try:
        if changed and isinstance(due_on, date):
            store.change_assignment(assignment.id, actor_id=actor_id, due_on=due_on)
            st.rerun()
        if withdrawn:
            store.withdraw_assignment(assignment.id, actor_id=actor_id, reason=reason)
            st.rerun()
    except StoreError as error:
        st.error(f"Not changed: {error}.", icon=":material/error:")


def assignment_section(scope: Scope, team_ids: list[int] | None) -> None:
    """The team overview's assignment view: per learner and assignment, status, due date, days late."""
    view = assignment_view(session.store(), session.course(), scope, team_ids=team_ids)
    st.subheader(":material/assignment: Assignments", anchor=False)
    if view.empty:
        st.caption("Nothing is assigned to these learners.")
        navigation.link(URL, "Assign modules or a learning path")
        return
    overdue = int((view["status"] == "overdue").sum())
    done = int((view["status"] == "done").sum())
    st.caption(
        f"{len(view)} assigned · {done} done · {overdue} overdue. Due dates end at midnight in each learner's zone."
    )
    widgets.table(
        view[["display_name", "assignment", "status", "due", "days_late", "modules_done", "modules_total", "cycle"]],
        column_config={
            "display_name": st.column_config.TextColumn("Learner", width=200),
            "assignment": st.column_config.TextColumn("Assignment", width=240),
            "status": "Status",
            "due": st.column_config.DateColumn("Due", format="YYYY-MM-DD"),
            "days_late": st.column_config.NumberColumn("Days late"),
            "modules_done": st.column_config.NumberColumn("Modules done"),
            "modules_total": st.column_config.NumberColumn("of"),
            "cycle": st.column_config.NumberColumn("Cycle", help="2 and up: a recertification"),
        },
        key="assignment-view",
        height=min(38 + 35 * len(view), 420),
    )
    widgets.csv_download(lambda: view.drop(columns=["user_id"]), "assignments.csv", "Download (CSV)", key="assign-csv")
    navigation.link(URL, "Assign, change or withdraw")


PAGES = [PageSpec(render, "Assignments", ":material/assignment:", URL, MANAGERS, section="Manage", order=15, wide=True)]
