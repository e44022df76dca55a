"""Question analysis per quiz bank: Moodle's classical statistics, doubtful items, chosen options."""

from __future__ import annotations

import math

import altair as alt
import streamlit as st

from academy.reports.items import DOUBTFUL_EFFICIENCY, BankAnalysis, question_analysis
from academy.ui import manager_widgets as widgets
from academy.ui import navigation, session, words
from academy.ui.navigation import MANAGERS, PageSpec
from academy.ui.widgets import query_choice

URL = "questions"


def render() -> None:
    scope = widgets.viewer_scope()
    navigation.title(URL)
    banks = {module.quiz: module for module in session.modules() if module.quiz in session.course().banks}
    if not banks:
        widgets.nothing_yet("No module has a quiz yet.")
        return
    bank_column, team_column, first_column = st.columns([2, 2, 1], vertical_alignment="bottom")
    ids = list(banks)
    current = query_choice("bank", ids)
    with bank_column:
        bank_id = st.selectbox(
            "Quiz", ids, index=ids.index(current), key="bank-pick", format_func=lambda key: banks[key].title
        )
    st.query_params["bank"] = bank_id
    with team_column:
        team_ids = widgets.team_filter(scope)
    first_only = first_column.toggle("First attempts only", key="first-only")
    analysis = question_analysis(
        session.store(), session.course(), scope, bank_id, team_ids=team_ids, first_attempts_only=first_only
    )
    if not analysis.attempts:
        widgets.nothing_yet("No finished attempt at this quiz yet.")
        return
    _headline(analysis)
    _items(analysis)
    _options(analysis)


def _headline(analysis: BankAnalysis) -> None:
    attempts, learners, mean, alpha = st.columns(4)
    attempts.metric("Finished attempts", analysis.attempts)
    learners.metric("Learners", analysis.learners)
    mean.metric("Mean score", widgets.percent(analysis.mean_scaled))
    alpha.metric(
        "Cronbach's alpha",
        "–" if math.isnan(analysis.alpha) else f"{analysis.alpha:.2f}",
        help="Internal consistency of the test: how far its questions measure the same thing "
        "(0.7 and above is usually taken as good). Computed pairwise because each attempt draws "
        "its own questions.",
    )
    doubtful = analysis.doubtful
    if len(doubtful):
        st.warning(
            f"{words.count(len(doubtful), 'question')} with a discriminative efficiency under "
            f"{DOUBTFUL_EFFICIENCY:.0%}: worth a second look.",
            icon=":material/flag:",
        )


def _items(analysis: BankAnalysis) -> None:
    st.subheader(":material/table_chart: Questions", anchor=False)
    st.caption(
        "As Moodle computes them, on the attempts that were given each question. Facility: mean score "
        "as a share of the maximum. Discrimination: correlation of the question's score with the rest of "
        "the test. Efficiency: that correlation against the best the score spreads allow."
    )
    table = analysis.items.assign(
        flag=analysis.items["doubtful"].map({True: "⚑ doubtful", False: ""}),
        type=analysis.items["type"].map(words.question_type),
    )
    # The figures a manager acts on come first, so a narrow window shows them without scrolling sideways.
    widgets.table(
        table[["flag", "prompt", "facility", "discrimination", "efficiency", "attempts", "sd", "type"]],
        percent=("facility", "sd", "discrimination", "efficiency"),
        column_config={
            "flag": st.column_config.TextColumn("", width="small"),
            "prompt": st.column_config.TextColumn("Question", width=360),
            "type": "Type",
            "attempts": st.column_config.NumberColumn("Attempts"),
            "facility": widgets.percent_column("Facility", "Mean score / maximum"),
            "sd": widgets.percent_column("SD", "Standard deviation of the score, as a share of the maximum"),
            "discrimination": widgets.percent_column(
                "Discrimination", "Correlation with the rest of the test (Moodle shows x100)"
            ),
            "efficiency": widgets.percent_column("Efficiency", "Discriminative efficiency; under 15% is doubtful"),
        },
    )


def _options(analysis: BankAnalysis) -> None:
    st.subheader(":material/ballot: What learners chose", anchor=False)
    items = analysis.items[analysis.items["attempts"] > 0]
    prompts = dict(zip(items["question_id"], items["prompt"], strict=True))
    question_id = st.selectbox(
        "Question", list(prompts), key="option-question", format_func=lambda key: _short(prompts[key])
    )
    options = analysis.options[analysis.options["question_id"] == question_id]
    if options.empty:
        widgets.nothing_yet("No answer recorded for this question.")
        return
    shown = options.assign(right=options["correct"].map({True: "Right", False: "Wrong"}))
    chart = (
        alt.Chart(shown)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=420, labelOverlap=False)),
            x=alt.X("share:Q", axis=alt.Axis(format="%"), title="Share of answers"),
            color=alt.Color(
                "right:N",
                scale=alt.Scale(domain=["Right", "Wrong"], range=["#0f766e", "#94a3b8"]),
                title=None,
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Answer"),
                alt.Tooltip("count:Q", title="Chosen"),
                alt.Tooltip("share:Q", title="Share", format=".0%"),
            ],
        )
        .properties(height=alt.Step(28))
    )
    st.altair_chart(chart, width="stretch")


def _short(text: str, limit: int = 110) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


PAGES = [
    PageSpec(
        render, "Question analysis", ":material/query_stats:", URL, MANAGERS, section="Manage", order=50, wide=True
    )
]
