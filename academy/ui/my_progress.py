"""My progress: each module's status, best scores, attempts and time spent, and the history behind them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from academy import learning
from academy.content.outcomes import outcome_label
from academy.learning import progress as learning_progress
from academy.store import Attempt, ModuleSummary, Run
from academy.ui import navigation, programme_view, progress_view, session
from academy.ui.navigation import LEARNERS, PageSpec

URL = "progress"
_STARTED = {"Started": st.column_config.DatetimeColumn("Started", format="YYYY-MM-DD HH:mm")}


def render() -> None:
    user = session.require_role(LEARNERS)
    navigation.title(URL)
    store = session.store()
    modules = session.modules()
    summaries = learning_progress.summaries_for_modules(store.module_summaries(user.id), modules)
    attempts = store.attempts(user.id)
    runs = store.runs(user.id)
    passed = sum(summary.status == "passed" for summary in summaries.values())
    spent = sum(summary.time_spent_s for summary in summaries.values())
    done, started, time = st.columns(3)
    done.metric("Modules passed", f"{passed} of {len(modules)}")
    started.metric("Modules started", len(summaries))
    time.metric("Time spent", progress_view.duration(spent))
    st.dataframe(
        _module_table(modules, summaries, attempts),
        hide_index=True,
        width="stretch",
        placeholder="–",  # a module never opened has no last activity: a dash, not "None"
        # Short headings with the detail in their help, so every column fits a laptop screen (the
        # overall progress bar is the catalog's; here the parts it is made of).
        column_config={
            "Module": st.column_config.TextColumn("Module", width=235),
            "Quiz": st.column_config.TextColumn("Quiz", help="Your best quiz score"),
            "Tries": st.column_config.TextColumn("Tries", help="Quiz attempts used (of those allowed)"),
            "Role-plays": st.column_config.TextColumn("Role-plays", help="Role-plays played to an ending"),
            "Best play": st.column_config.TextColumn(
                "Best play", help="Your best role-play score, as a share of the best possible"
            ),
            "Time": st.column_config.TextColumn("Time", help="Time spent on the module"),
            "Last active": st.column_config.DatetimeColumn("Last active", format="YYYY-MM-DD"),
        },
    )
    programme_view.certificates_section(user)
    programme_view.timezone_setting(user)
    if attempts:
        st.subheader(":material/quiz: Quiz attempts", anchor=False)
        st.dataframe(_attempt_table(attempts, modules), hide_index=True, width="stretch", column_config=_STARTED)
    if runs:
        st.subheader(":material/forum: Role-play runs", anchor=False)
        st.dataframe(_run_table(runs, modules), hide_index=True, width="stretch", column_config=_STARTED)


def _module_table(modules: list, summaries: dict[str, ModuleSummary], attempts: list[Attempt]) -> pd.DataFrame:
    course = session.course()
    rows = []
    for module in modules:
        summary = summaries.get(module.id)
        bank = course.bank_for(module)
        standing = learning_progress.standing(module, summary, bank is not None)
        used = sum(attempt.module_id == module.id for attempt in attempts)
        lessons_done = min(summary.lessons_done, len(module.lessons)) if summary else 0
        rows.append(
            {
                "Module": module.title,
                "Status": progress_view.STATUS_LABELS[standing.status],
                "Lessons": f"{lessons_done} / {len(module.lessons)}",
                "Quiz": progress_view.percent(summary.best_quiz_scaled if summary else None),
                "Tries": _tries(used, bank.attempts) if bank else "–",
                "Role-plays": f"{summary.scenarios_completed if summary else 0} / {len(module.scenarios)}",
                "Best play": progress_view.percent(summary.best_scenario_scaled if summary else None),
                "Time": progress_view.duration(summary.time_spent_s) if summary else "–",
                "Last active": summary.last_activity_at if summary else None,
            }
        )
    return pd.DataFrame(rows)


def _tries(used: int, limit: int | None) -> str:
    return f"{used} / {limit}" if limit else str(used)


def _titles(modules: list) -> dict[str, str]:
    return {module.id: module.title for module in modules}


def _attempt_table(attempts: list[Attempt], modules: list) -> pd.DataFrame:
    titles = _titles(modules)
    return pd.DataFrame(
        [
            {
                "Module": titles.get(attempt.module_id, attempt.module_id),
                "Attempt": attempt.number,
                "Started": attempt.started_at,
                "Answered": f"{len(attempt.answers)} / {len(attempt.drawn)}",
                "Score": progress_view.percent(learning.attempt_scaled(attempt)),
                "Result": "in progress" if not attempt.finished else ("passed" if attempt.passed else "not passed"),
            }
            for attempt in reversed(attempts)
        ]
    )


def _run_table(runs: list[Run], modules: list) -> pd.DataFrame:
    titles = _titles(modules)
    scenarios = {scenario.id: scenario.title for module in session.course().modules for scenario in module.scenarios}
    return pd.DataFrame(
        [
            {
                "Module": titles.get(run.module_id, run.module_id),
                "Role-play": scenarios.get(run.scenario_id, run.scenario_id),
                "Started": run.started_at,
                "Decisions": len(run.path),
                "Outcome": outcome_label(run.outcome) if run.outcome else run.status.replace("_", " "),
                "Score": f"{run.score:g} of {run.best:g}" if run.score is not None and run.best is not None else "–",
            }
            for run in reversed(runs)
        ]
    )


PAGES = [PageSpec(render, "My progress", ":material/insights:", URL, LEARNERS, section="Learn", order=50, wide=True)]
