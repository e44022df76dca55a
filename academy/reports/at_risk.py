"""Learners at risk, each with the reasons why, from the module summaries (O(team) rows).

Due dates come first: a learner with overdue assigned work, or work due within
``due_days`` not yet started, is at risk whatever else they do (``academy.programme``).
Then three rules, each configurable (``RiskRules``):

* inactive: no action anywhere for ``inactive_days`` (someone who passed every module is
  done, not at risk); an account that never started anything counts from its creation;
* failing: ``failed_quizzes`` or more failed attempts at a module's quiz not yet passed;
* stalled: a module started but not passed, untouched for ``stalled_days``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd

from academy.content.schema import Course, Module
from academy.programme import standing
from academy.programme.rules import AT_RISK_DUE_DAYS, DueState
from academy.programme.standing import Standing
from academy.reports.access import Learner, Scope, learners
from academy.store import ModuleSummary, Status, Store

AT_RISK_COLUMNS = [
    "user_id",
    "username",
    "display_name",
    "teams",
    "reasons",
    "reason_count",
    "due_reasons",
    "days_late",
    "days_inactive",
    "last_activity",
    "most_failures",
    "stalled_modules",
]


@dataclass(frozen=True, slots=True)
class RiskRules:
    inactive_days: int = 14
    failed_quizzes: int = 2
    stalled_days: int = 7
    due_days: int = AT_RISK_DUE_DAYS
    """Assigned work due within this many days and not started puts a learner at risk."""

    def __post_init__(self) -> None:
        if self.inactive_days < 1 or self.failed_quizzes < 1 or self.stalled_days < 1 or self.due_days < 0:
            raise ValueError("every at-risk threshold must be at least 1")


def at_risk(
    store: Store,
    course: Course,
    scope: Scope,
    *,
    team_ids: Iterable[int] | None = None,
    rules: RiskRules = RiskRules(),
    now: datetime | None = None,
) -> pd.DataFrame:
    """One row per learner at risk (``AT_RISK_COLUMNS``): due dates first, then most reasons, then longest inactive."""
    people = learners(store, scope, team_ids)
    moment = now or datetime.now(UTC)
    ids = [person.id for person in people]
    summaries = store.summaries_for(ids) if people else []
    assigned = standing.standings(standing.read_facts(store, ids), moment) if people else []
    modules = sorted(course.modules, key=lambda module: (module.order, module.id))
    return risk_table(people, summaries, modules, rules, moment, assigned)


def risk_table(
    people: Sequence[Learner],
    summaries: Sequence[ModuleSummary],
    modules: Sequence[Module],
    rules: RiskRules,
    now: datetime,
    assigned: Sequence[Standing] = (),
) -> pd.DataFrame:
    """The at-risk rows from the learners' module summaries and assignment standings (plain loops)."""
    by_user: dict[int, dict[str, ModuleSummary]] = {}
    for summary in summaries:
        by_user.setdefault(summary.user_id, {})[summary.module_id] = summary
    standings_of: dict[int, list[Standing]] = {}
    for item in assigned:
        standings_of.setdefault(item.user_id, []).append(item)
    rows = []
    for person in people:
        own = by_user.get(person.id, {})
        due_reasons, late = _due_reasons(standings_of.get(person.id, []), rules)
        reasons, stalled = _reasons(person, own, modules, rules, now)
        reasons = due_reasons + reasons
        if not reasons:
            continue
        moments = [own[module.id].last_activity_at for module in modules if module.id in own]
        last_activity = max(moments) if moments else None
        rows.append(
            (
                person.id,
                person.username,
                person.display_name,
                person.team_label,
                "; ".join(reasons),
                len(reasons),
                len(due_reasons),
                late,
                _days(now - (last_activity or person.created_at)),
                last_activity,
                max((summary.quiz_failures for summary in own.values()), default=0),
                stalled,
            )
        )
    table = pd.DataFrame(rows, columns=AT_RISK_COLUMNS)
    return table.sort_values(
        ["due_reasons", "days_late", "reason_count", "days_inactive", "username"],
        ascending=[False, False, False, False, True],
        ignore_index=True,
    )


def _due_reasons(assigned: Sequence[Standing], rules: RiskRules) -> tuple[list[str], int]:
    """Overdue assignments, and assignments due within ``rules.due_days`` not started; the most days late."""
    reasons = []
    late = 0
    for item in assigned:
        if item.state is DueState.OVERDUE:
            late = max(late, item.days_late)
            days = "1 day" if item.days_late == 1 else f"{item.days_late} days"
            reasons.append(f"overdue: {item.assignment.title} ({days} late)")
        elif not item.done and not item.started and (item.due - item.today).days <= rules.due_days:
            left = (item.due - item.today).days
            when = "today" if left == 0 else ("tomorrow" if left == 1 else f"in {left} days")
            reasons.append(f"{item.assignment.title} due {when}, not started")
    return reasons, late


def _reasons(
    person: Learner, own: dict[str, ModuleSummary], modules: Sequence[Module], rules: RiskRules, now: datetime
) -> tuple[list[str], int]:
    reasons: list[str] = []
    touched = [own[module.id] for module in modules if module.id in own]
    finished = len(touched) == len(modules) and all(summary.status is Status.PASSED for summary in touched)
    if not finished:
        if not touched:
            idle = _days(now - person.created_at)
            if idle >= rules.inactive_days:
                reasons.append(f"never started (account {idle} days old)")
        else:
            idle = _days(now - max(summary.last_activity_at for summary in touched))
            if idle >= rules.inactive_days:
                reasons.append(f"inactive for {idle} days")
    for module in modules:
        summary = own.get(module.id)
        if summary and summary.status is not Status.PASSED and summary.quiz_failures >= rules.failed_quizzes:
            reasons.append(f"failed the {module.title} quiz {summary.quiz_failures} times")
    stalled = 0
    for module in modules:
        summary = own.get(module.id)
        if summary and summary.status is Status.IN_PROGRESS:
            idle = _days(now - summary.last_activity_at)
            if idle >= rules.stalled_days:
                stalled += 1
                reasons.append(
                    f"stalled in {module.title} for {idle} days "
                    f"({min(summary.lessons_done, len(module.lessons))}/{len(module.lessons)} lessons)"
                )
    return reasons, stalled


def _days(span: timedelta) -> int:
    return int(span.total_seconds() // 86_400)
