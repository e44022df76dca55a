"""At risk: learners inactive for a while, failing a quiz, or stalled in a module; each says why."""

from __future__ import annotations

import streamlit as st

from academy.reports.at_risk import RiskRules, at_risk
from academy.ui import manager_widgets as widgets
from academy.ui import navigation, session, words
from academy.ui.navigation import MANAGERS, PageSpec

URL = "at-risk"
DEFAULTS = RiskRules()
SORTS = {
    "Most reasons first": (["reason_count", "days_inactive"], [False, False]),
    "Longest inactive first": (["days_inactive", "reason_count"], [False, False]),
    "Most failed attempts first": (["most_failures", "reason_count"], [False, False]),
    "By name": (["display_name"], [True]),
}


def render() -> None:
    scope = widgets.viewer_scope()
    navigation.title(URL)
    team_column, inactive_column, failed_column, stalled_column = st.columns([2, 1, 1, 1])
    with team_column:
        team_ids = widgets.team_filter(scope)
    inactive = inactive_column.number_input(
        "Inactive for (days)", min_value=1, max_value=365, value=DEFAULTS.inactive_days, step=1
    )
    failed = failed_column.number_input(
        "Failed a quiz (times)", min_value=1, max_value=20, value=DEFAULTS.failed_quizzes, step=1
    )
    stalled = stalled_column.number_input(
        "Module untouched (days)", min_value=1, max_value=365, value=DEFAULTS.stalled_days, step=1
    )
    rules = RiskRules(int(inactive), int(failed), int(stalled))
    table = at_risk(session.store(), session.course(), scope, team_ids=team_ids, rules=rules)
    if table.empty:
        st.success("Nobody is at risk by these rules.", icon=":material/sentiment_satisfied:")
        return
    st.caption(
        f"{words.count(len(table), 'learner')} at risk. Pick a row to open the learner; click a column title to sort."
    )
    first = next(iter(SORTS))
    order = st.segmented_control("Sort", list(SORTS), default=first, key="at-risk-sort")
    columns, ascending = SORTS[order or first]
    table = table.sort_values(columns, ascending=ascending, ignore_index=True)
    picked = widgets.row_picker(
        table.assign(learner=table["display_name"] + " (" + table["username"] + ")")[
            ["learner", "reasons", "days_inactive", "most_failures", "last_activity", "teams"]
        ],
        key="at-risk-table",
        column_config={
            "learner": st.column_config.TextColumn("Learner", width=220),
            "teams": "Teams",
            "reasons": st.column_config.TextColumn("Why", width=500),
            "days_inactive": st.column_config.NumberColumn("Days inactive"),
            "last_activity": widgets.when_column("Last activity"),
            "most_failures": st.column_config.NumberColumn("Failed attempts", help="Most failed attempts at one quiz"),
        },
    )
    rows = picked.selection.rows
    if rows:
        navigation.go("learner", learner=str(int(table["user_id"].iloc[rows[0]])))
    widgets.csv_download(
        lambda: table.drop(columns=["user_id"]), "at-risk.csv", "Download the list (CSV)", key="risk-csv"
    )


PAGES = [PageSpec(render, "At risk", ":material/warning:", URL, MANAGERS, section="Manage", order=20, wide=True)]
