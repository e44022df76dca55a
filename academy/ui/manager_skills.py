"""Skills: how each learner and each team does per skill tag, from quiz answers and role-play decisions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import altair as alt
import streamlit as st

from academy.reports.skills import SkillReport, skill_report
from academy.ui import manager_widgets as widgets
from academy.ui import navigation, session
from academy.ui.navigation import MANAGERS, PageSpec

if TYPE_CHECKING:
    from streamlit.elements.lib.column_types import ColumnConfig

URL = "skills"
PERCENT = ("quiz_score", "decision_score", "score")
SCORE_SCALE = alt.Scale(domain=[0, 0.5, 1], range=["#e11d48", "#fde68a", "#0f766e"])


def render() -> None:
    scope = widgets.viewer_scope()
    navigation.title(URL)
    team_ids = widgets.team_filter(scope)
    report = skill_report(session.store(), session.course(), scope, team_ids=team_ids)
    if report.per_learner.empty:
        widgets.nothing_yet("No quiz answer or role-play decision yet in this team.")
        return
    st.caption(
        "A skill's score is the mean over its evidence: the share of points of each question tagged with it, "
        "and 1 or 0 for each role-play decision tagged with it (the best choice at that moment, or not)."
    )
    teams, people = st.tabs([":material/groups: Per team", ":material/person: Per learner"])
    with teams:
        _per_team(report)
    with people:
        _per_learner(report)


def _per_team(report: SkillReport) -> None:
    table = report.per_team
    chart = (
        alt.Chart(table)
        .mark_bar()
        .encode(
            y=alt.Y("skill:N", sort="x", title=None, axis=alt.Axis(labelOverlap=False)),
            x=alt.X("score:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"), title="Score"),
            color=alt.Color("score:Q", scale=SCORE_SCALE, legend=None),
            row=alt.Row("team:N", title=None, header=alt.Header(labelOrient="top", labelAnchor="start")),
            tooltip=[
                alt.Tooltip("team:N", title="Team"),
                alt.Tooltip("skill:N", title="Skill"),
                alt.Tooltip("score:Q", title="Score", format=".0%"),
                alt.Tooltip("evidence:Q", title="Evidence"),
                alt.Tooltip("learners:Q", title="Learners"),
            ],
        )
        .properties(height=alt.Step(18), width=520)
    )
    st.altair_chart(chart)
    widgets.table(table, _columns(team=True), percent=PERCENT)


def _per_learner(report: SkillReport) -> None:
    table = report.per_learner
    heat = (
        alt.Chart(table)
        .mark_rect()
        .encode(
            x=alt.X("skill:N", title=None, axis=alt.Axis(labelAngle=-40, labelOverlap=False)),
            y=alt.Y("display_name:N", title=None, axis=alt.Axis(labelOverlap=False)),
            color=alt.Color("score:Q", scale=SCORE_SCALE, title="Score", legend=alt.Legend(format="%")),
            tooltip=[
                alt.Tooltip("display_name:N", title="Learner"),
                alt.Tooltip("skill:N", title="Skill"),
                alt.Tooltip("score:Q", title="Score", format=".0%"),
                alt.Tooltip("evidence:Q", title="Evidence"),
            ],
        )
        .properties(height=alt.Step(22))
    )
    st.altair_chart(heat, width="stretch")
    widgets.table(table.drop(columns=["user_id"]), _columns(team=False), percent=PERCENT)


def _columns(*, team: bool) -> widgets.Columns:
    columns: dict[str, ColumnConfig | str] = {
        "skill": "Skill",
        "quiz_answers": st.column_config.NumberColumn("Answers"),
        "quiz_score": widgets.percent_column("Quiz score"),
        "decisions": st.column_config.NumberColumn("Decisions"),
        "decision_score": widgets.percent_column("Best decisions"),
        "evidence": st.column_config.NumberColumn("Evidence"),
        "score": widgets.progress_column("Score"),
    }
    if team:
        columns |= {"team": "Team", "learners": st.column_config.NumberColumn("Learners")}
    else:
        columns |= {"username": "Username", "display_name": "Learner", "teams": "Teams"}
    return columns


PAGES = [PageSpec(render, "Skills", ":material/psychology:", URL, MANAGERS, section="Manage", order=40, wide=True)]
