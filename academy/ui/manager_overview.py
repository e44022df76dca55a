"""Team overview: who is where in which module, completion per module, quiz scores, last activity."""

from __future__ import annotations

from typing import TYPE_CHECKING

import altair as alt
import streamlit as st

from academy.auth import Role
from academy.reports.overview import STATUS_LABELS, TeamOverview, team_overview
from academy.ui import manager_assign, navigation, session
from academy.ui import manager_widgets as widgets
from academy.ui.navigation import MANAGERS, PageSpec

if TYPE_CHECKING:
    from streamlit.elements.lib.column_types import ColumnConfig

URL = "team"
STATUS_ORDER = ["Passed", "In progress", "Not started"]
STATUS_SCALE = alt.Scale(domain=STATUS_ORDER, range=["#0f766e", "#f59e0b", "#cbd5e1"])


def render() -> None:
    scope = widgets.viewer_scope()
    navigation.title(URL)
    team_column, period_column = st.columns(2)
    with team_column:
        team_ids = widgets.team_filter(scope)
    with period_column:
        period = widgets.period_filter()
    overview = team_overview(session.store(), session.course(), scope, team_ids=team_ids, period=period)
    if overview.learners.empty:
        widgets.nothing_yet(
            "No learners to show for this choice." if period.bounded else "This team has no learners yet."
        )
        return
    _headline(overview)
    st.subheader(":material/grid_on: Progress by learner and module", anchor=False)
    st.caption("Each cell: status today and best quiz score. Pick a row to open the learner.")
    _matrix(overview)
    widgets.csv_download(overview.export_frame, "team-matrix.csv", "Download the matrix (CSV)", key="matrix-csv")
    manager_assign.assignment_section(scope, team_ids)
    st.subheader(":material/task_alt: Completion per module", anchor=False)
    st.altair_chart(_completion_chart(overview), width="stretch")
    st.subheader(":material/bar_chart: Quiz scores", anchor=False)
    _score_chart(overview)
    st.subheader(":material/schedule: Last activity", anchor=False)
    _last_activity(overview)


def _headline(overview: TeamOverview) -> None:
    learners, passed, attempts, mean = st.columns(4)
    learners.metric("Learners", len(overview.learners))
    total = len(overview.learners) * len(overview.modules)
    done = int(overview.completion["passed"].sum())
    passed.metric("Modules passed", f"{done} of {total}")
    attempts.metric("Quiz attempts", len(overview.scores))
    mean.metric("Mean quiz score", f"{overview.scores['scaled'].mean():.0%}" if len(overview.scores) else "–")


def _matrix(overview: TeamOverview) -> None:
    labels = overview.matrix()
    status = overview.matrix_status()
    styled = labels.style.apply(
        lambda _: status.map(lambda code: f"background-color: {widgets.STATUS_COLOURS[code]}"), axis=None
    )
    # Fixed widths so that every module fits beside the names on a laptop screen.
    widths: dict[str, ColumnConfig] = {"_index": st.column_config.TextColumn("Learner", width=210)}
    widths |= {title: st.column_config.TextColumn(title, width=140) for title in labels.columns}
    picked = st.dataframe(
        styled,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="matrix",
        height=min(38 + 35 * len(labels), 600),
        column_config=widths,
    )
    rows = picked.selection.rows if picked is not None else []
    if rows:
        user_id = int(overview.learners["user_id"].iloc[rows[0]])
        navigation.go("learner", learner=str(user_id))


def _completion_chart(overview: TeamOverview) -> alt.Chart:
    counts = overview.completion[["module", "passed", "in_progress", "not_started"]].melt(
        id_vars=["module"], var_name="status", value_name="count"
    )
    counts["status"] = counts["status"].map(STATUS_LABELS)
    rate = overview.completion.set_index("module")["completion_rate"]
    counts["rate"] = counts["module"].map(rate)
    order = list(overview.modules["module"])
    return (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            y=alt.Y("module:N", sort=order, title=None, axis=alt.Axis(labelLimit=240, labelOverlap=False)),
            x=alt.X("count:Q", stack="normalize", title="Share of learners", axis=alt.Axis(format="%")),
            color=alt.Color(
                "status:N",
                scale=STATUS_SCALE,
                sort=STATUS_ORDER,
                title=None,
                legend=alt.Legend(orient="top", labelLimit=200),
            ),
            order=alt.Order("status_order:Q"),
            tooltip=[
                alt.Tooltip("module:N", title="Module"),
                alt.Tooltip("status:N", title="Status"),
                alt.Tooltip("count:Q", title="Learners"),
                alt.Tooltip("rate:Q", title="Passed", format=".0%"),
            ],
        )
        .transform_calculate(status_order=f"indexof({STATUS_ORDER!r}, datum.status)")
        .properties(height=alt.Step(32))
    )


def _score_chart(overview: TeamOverview) -> None:
    scores = overview.scores
    if scores.empty:
        widgets.nothing_yet("No quiz finished in this period.")
        return
    modules = ["All modules", *sorted(scores["module"].unique(), key=list(overview.modules["module"]).index)]
    chosen = st.selectbox("Quiz", modules, key="score-module")
    shown = scores if chosen == modules[0] else scores[scores["module"] == chosen]
    shown = shown.assign(result=shown["passed"].map({True: "Passed", False: "Not passed"}))
    chart = (
        alt.Chart(shown)
        .mark_bar()
        .encode(
            x=alt.X("scaled:Q", bin=alt.Bin(extent=[0, 1], step=0.1), title="Score", axis=alt.Axis(format="%")),
            y=alt.Y("count():Q", title="Attempts"),
            color=alt.Color(
                "result:N",
                scale=alt.Scale(domain=["Passed", "Not passed"], range=["#0f766e", "#e11d48"]),
                title=None,
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[alt.Tooltip("count():Q", title="Attempts"), alt.Tooltip("result:N", title="Result")],
        )
        .properties(height=260)
    )
    st.altair_chart(chart, width="stretch")


def _last_activity(overview: TeamOverview) -> None:
    table = overview.learners.sort_values("last_activity", na_position="first")
    widgets.table(
        table[["display_name", "username", "teams", "modules_passed", "modules_started", "last_activity"]],
        column_config={
            "display_name": "Learner",
            "username": "Username",
            "teams": "Teams",
            "modules_passed": st.column_config.NumberColumn("Modules passed"),
            "modules_started": st.column_config.NumberColumn("Modules started"),
            "last_activity": widgets.when_column("Last activity"),
        },
    )


PAGES = [
    PageSpec(
        render,
        "Team overview",
        ":material/groups:",
        URL,
        MANAGERS,
        section="Manage",
        order=10,
        default_for=frozenset({Role.MANAGER}),
        wide=True,
    ),
]
