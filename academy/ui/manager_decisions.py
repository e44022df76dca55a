"""Decision analysis per role-play: who reached each decision point, what they chose, where runs ended."""

from __future__ import annotations

import altair as alt
import streamlit as st

from academy.content.outcomes import OUTCOME_LABELS
from academy.reports.decisions import DecisionAnalysis, decision_analysis
from academy.ui import manager_widgets as widgets
from academy.ui import navigation, session, words
from academy.ui.navigation import MANAGERS, PageSpec
from academy.ui.text import course as md
from academy.ui.widgets import query_choice

URL = "decisions"
OUTCOME_COLOURS = alt.Scale(
    domain=list(OUTCOME_LABELS.values()),
    range=["#0f766e", "#14b8a6", "#f59e0b", "#f97316", "#e11d48"],
)


def render() -> None:
    scope = widgets.viewer_scope()
    navigation.title(URL)
    scenarios = {scenario.id: (module, scenario) for module in session.modules() for scenario in module.scenarios}
    if not scenarios:
        widgets.nothing_yet("No module has a role-play yet.")
        return
    ids = list(scenarios)
    current = query_choice("scenario", ids)
    scenario_column, team_column = st.columns(2)
    with scenario_column:
        scenario_id = st.selectbox(
            "Role-play",
            ids,
            index=ids.index(current),
            key="scenario-pick",
            format_func=lambda key: f"{scenarios[key][1].title} ({scenarios[key][0].title})",
        )
    st.query_params["scenario"] = scenario_id
    with team_column:
        team_ids = widgets.team_filter(scope)
    analysis = decision_analysis(session.store(), session.course(), scope, scenario_id, team_ids=team_ids)
    if not analysis.runs:
        widgets.nothing_yet("Nobody has played this role-play yet.")
        return
    runs, finished, learners = st.columns(3)
    runs.metric("Runs", analysis.runs)
    finished.metric("Played to an ending", analysis.finished_runs)
    learners.metric("Learners", analysis.learners)
    _endings(analysis)
    _nodes(analysis)


def _endings(analysis: DecisionAnalysis) -> None:
    st.subheader(":material/flag: Endings reached", anchor=False)
    endings = analysis.endings.assign(outcome_label=analysis.endings["outcome"].map(OUTCOME_LABELS))
    chart = (
        alt.Chart(endings)
        .mark_bar()
        .encode(
            y=alt.Y("title:N", sort=None, title=None, axis=alt.Axis(labelLimit=360, labelOverlap=False)),
            x=alt.X("runs:Q", title="Runs", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "outcome_label:N", scale=OUTCOME_COLOURS, title="Outcome", legend=alt.Legend(labelLimit=260)
            ),
            tooltip=[
                alt.Tooltip("title:N", title="Ending"),
                alt.Tooltip("outcome_label:N", title="Outcome"),
                alt.Tooltip("runs:Q", title="Runs"),
                alt.Tooltip("learners:Q", title="Learners"),
                alt.Tooltip("share:Q", title="Share", format=".0%"),
            ],
        )
        .properties(height=alt.Step(26))
    )
    st.altair_chart(chart, width="stretch")


def _nodes(analysis: DecisionAnalysis) -> None:
    st.subheader(":material/alt_route: Decision points", anchor=False)
    st.caption(
        "Best choice: the one that keeps the best reachable score at that moment (a cost of 0). "
        "Cost: trust lost against the best choice, on average."
    )
    # Points are numbered in scenario order: their ids ("call", "annoyed") are the author's, not a manager's.
    nodes = analysis.nodes.reset_index(drop=True)
    numbered = nodes.assign(point=range(1, len(nodes) + 1))
    widgets.table(
        numbered[["point", "customer", "reached_learners", "reached_runs", "decisions", "best_share"]],
        percent=("best_share",),
        column_config={
            "point": st.column_config.NumberColumn("Point", width="small"),
            "customer": st.column_config.TextColumn("Customer says", width="large"),
            "reached_learners": st.column_config.NumberColumn("Learners"),
            "reached_runs": st.column_config.NumberColumn("Runs"),
            "decisions": st.column_config.NumberColumn("Decisions"),
            "best_share": widgets.progress_column("Best choice taken"),
        },
    )
    for node in numbered.itertuples():
        if not node.decisions:
            continue
        label = (
            f"Point {node.point} · “{md(_short(node.customer))}” · {words.count(node.decisions, 'decision')} · "
            f"best taken {widgets.percent(node.best_share)}"
        )
        with st.expander(label):
            choices = analysis.choices[analysis.choices["node_id"] == node.node_id]
            widgets.table(
                choices[["text", "count", "share", "learners", "mean_cost", "can_be_best"]],
                percent=("share",),
                column_config={
                    "text": st.column_config.TextColumn("Choice", width="large"),
                    "count": st.column_config.NumberColumn("Chosen"),
                    "share": widgets.percent_column("Share"),
                    "learners": st.column_config.NumberColumn("Learners"),
                    "mean_cost": st.column_config.NumberColumn("Mean cost", format="%.1f"),
                    "can_be_best": st.column_config.CheckboxColumn("Can be best"),
                },
            )


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


PAGES = [
    PageSpec(render, "Decision analysis", ":material/alt_route:", URL, MANAGERS, section="Manage", order=60, wide=True)
]
