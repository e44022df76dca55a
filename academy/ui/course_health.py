"""Course health (administrators only): what failed validation, and what the review finds weak.

Learners never see a broken module: the loader leaves it out of the course. Here an
administrator sees why, and can reload the course after a trainer fixes the files. Below,
the findings of ``python -m academy review`` sit beside the live item statistics of the same
questions ("flawed by rule" next to "flawed by data") and the test-wise players' figures.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
import streamlit as st

from academy.auth import User
from academy.course.loader import LoadResult
from academy.reports.access import scope_for
from academy.reports.course_review import bank_findings, findings_table, health_table
from academy.reports.items import DOUBTFUL_EFFICIENCY, question_analysis
from academy.review import PLAYERS, Finding, PlayerFigures, ScenarioKey, course_players, review_course
from academy.review.located import finding_records
from academy.ui import manager_widgets as widgets
from academy.ui import navigation, session, words
from academy.ui.navigation import ADMINS, PageSpec
from academy.ui.text import course as md
from academy.ui.widgets import query_choice

Review = tuple[list[Finding], dict[ScenarioKey, list[PlayerFigures]], list[dict[str, object]]]

URL = "course-health"


def render() -> None:
    user = session.require_role(ADMINS)
    navigation.title(URL)
    result = session.course_result()
    course = result.course
    loaded, banks, broken = st.columns(3)
    loaded.metric("Modules available", len(course.modules))
    banks.metric("Quiz banks", len(course.banks))
    broken.metric("Files with errors", len(result.broken))
    if st.button("Reload the course files", icon=":material/refresh:"):
        session.reload_course()
        st.rerun()
    if result.ok:
        st.success("Every course file validated.", icon=":material/verified:")
    else:
        _problems(result)
    st.subheader(":material/library_books: Available modules", anchor=False)
    st.markdown(
        "\n".join(
            f"- **{md(module.title)}** (`{module.id}`, version `{course.versions.get(module.id, '?')[:12]}`)"
            for module in session.modules()
        )
    )
    _review(result, user)


def _problems(result: LoadResult) -> None:
    by_file: dict[str, list[str]] = defaultdict(list)
    for problem in result.problems:
        by_file[str(problem.path)].append(str(problem))
    left_out = {str(name) for name in result.broken}
    st.error(
        f"{words.count(len(left_out), 'file')} left out of the course; learners do not see them.",
        icon=":material/report:",
    )
    for path, lines in sorted(by_file.items()):
        status = "left out" if path in left_out else "loaded"
        problems = words.count(len(lines), "problem")
        with st.expander(f":material/description: {path} ({problems}, {status})", expanded=True):
            st.code("\n".join(lines), language=None, wrap_lines=True)


# --- review ----------------------------------------------------------------------------------


@st.cache_resource(show_spinner="Reviewing the course…", max_entries=4)
def _reviewed(_result: LoadResult, versions: tuple[tuple[str, str], ...]) -> Review:
    """The review of a loaded course, once per content (``versions``); a second or so of work."""
    players = course_players(_result.course)
    findings = review_course(_result.course, players)
    return findings, players, finding_records(_result, findings)


def _review(result: LoadResult, user: User) -> None:
    findings, players, records = _reviewed(result, tuple(sorted(result.course.versions.items())))
    st.subheader(":material/rule: Review: weak, not broken", anchor=False)
    st.caption(
        "What `python -m academy review` finds: item-writing flaws and shortcuts that let a learner score "
        "without knowing the subject. Each rule, why it matters and how to fix it: docs/authoring.md."
    )
    errors = sum(f.severity == "error" for f in findings)
    error_column, warning_column = st.columns(2)
    error_column.metric("Review errors", errors, help="Flaws that make a score mean less than it says")
    warning_column.metric("Review warnings", len(findings) - errors, help="Weaknesses worth a look")
    questions, roleplays, everything = st.tabs(["Quiz questions", "Role-plays", "All findings"])
    with questions:
        _questions(result, findings, user)
    with roleplays:
        _roleplays(result, findings, players)
    with everything:
        if records:
            widgets.table(findings_table(records), _FINDING_COLUMNS)
        else:
            st.success("The review has nothing to report.", icon=":material/verified:")


_FINDING_COLUMNS: widgets.Columns = {
    "severity": st.column_config.TextColumn("Severity", width="small"),
    "rule": st.column_config.TextColumn("Rule"),
    "file": st.column_config.TextColumn("File"),
    "line": st.column_config.NumberColumn("Line", format="%d"),
    "subject": st.column_config.TextColumn("Item or node"),
    "message": st.column_config.TextColumn("Finding", width="large"),
}


def _questions(result: LoadResult, findings: list[Finding], user: User) -> None:
    course = result.course
    banks = {module.quiz: module for module in course.modules if module.quiz in course.banks}
    if not banks:
        widgets.nothing_yet("No module has a quiz bank.")
        return
    ids = list(banks)
    current = query_choice("health-bank", ids)
    bank_id = st.selectbox(
        "Quiz bank", ids, index=ids.index(current), key="health-bank", format_func=lambda key: banks[key].title
    )
    bank = course.banks[bank_id]
    for finding in bank_findings(bank, findings):
        show = st.error if finding.severity == "error" else st.warning
        show(f"**{finding.rule}** ({md(finding.subject)}): {md(finding.message)}", icon=":material/rule:")
    analysis = question_analysis(session.store(), course, scope_for(session.store(), user), bank_id)
    table = health_table(bank, findings, analysis)
    both = int((table["verdict"] == "flawed by rule and by data").sum())
    st.caption(
        f"Rules: the review's findings on each question. Statistics: Moodle's, over "
        f"{words.count(analysis.attempts, 'finished attempt')}; a discriminative efficiency under "
        f"{DOUBTFUL_EFFICIENCY:.0%} is doubtful. {words.count(both, 'question')} flawed by rule and by data."
    )
    widgets.table(
        table[
            [
                "verdict",
                "question_id",
                "prompt",
                "level",
                "rules",
                "attempts",
                "facility",
                "discrimination",
                "efficiency",
            ]
        ],
        {
            "verdict": st.column_config.TextColumn("Verdict"),
            "question_id": st.column_config.TextColumn("Question id"),
            "prompt": st.column_config.TextColumn("Question", width="large"),
            "level": st.column_config.TextColumn("Level", width="small"),
            "rules": st.column_config.TextColumn("Review rules"),
            "attempts": st.column_config.NumberColumn("Attempts"),
            "facility": widgets.percent_column("Facility", "Mean score / maximum"),
            "discrimination": widgets.percent_column("Discrimination", "Correlation with the rest of the test"),
            "efficiency": widgets.percent_column("Efficiency", "Discriminative efficiency; under 15% is doubtful"),
        },
        percent=("facility", "discrimination", "efficiency"),
    )


def _roleplays(result: LoadResult, findings: list[Finding], players: dict[ScenarioKey, list[PlayerFigures]]) -> None:
    if not players:
        widgets.nothing_yet("No module has a role-play.")
        return
    st.caption(
        "Test-wise players never read the replies: each cell is the score as a share of the best, then the "
        "share of runs reaching the best ending. Near 100 % means the score rewards a habit, not the skill."
    )
    titles = {(m.id, s.id): s.title for m in result.course.modules for s in m.scenarios}
    rows = [
        {
            "module": module_id,
            "scenario": titles[module_id, scenario_id],
            **{f.player: f"{f.share_of_best:.0%} / {f.best_ending_share:.0%}" for f in figures},
        }
        for (module_id, scenario_id), figures in players.items()
    ]
    widgets.table(
        pd.DataFrame(rows),
        {
            "module": st.column_config.TextColumn("Module"),
            "scenario": st.column_config.TextColumn("Role-play", width="medium"),
            **{name: st.column_config.TextColumn(label.capitalize()) for name, (label, _, _) in PLAYERS.items()},
        },
    )
    for (module_id, scenario_id), _ in players.items():
        own = [
            f
            for f in findings
            if f.kind == "module" and f.owner == module_id and f.subject.split(",")[0] == f"scenario {scenario_id}"
        ]
        if not own:
            continue
        errors = sum(f.severity == "error" for f in own)
        label = (
            f"{md(titles[module_id, scenario_id])}: {words.count(errors, 'error')}, "
            f"{words.count(len(own) - errors, 'warning')}"
        )
        with st.expander(label):
            st.markdown(
                "\n".join(
                    f"- {':red' if f.severity == 'error' else ':orange'}[{f.severity}] **{f.rule}** "
                    f"({md(f.subject)}): {md(f.message)}"
                    for f in own
                )
            )


PAGES = [
    PageSpec(
        render, "Course health", ":material/health_and_safety:", URL, ADMINS, section="Administer", order=30, wide=True
    )
]
