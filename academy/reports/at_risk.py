"""Learners at risk, each with the reasons why, from the module summaries (O(team) rows).

Three rules, each configurable (``RiskRules``):

* inactive: no action anywhere for ``inactive_days`` (someone who passed every module is
  done, not at risk); an account that never started anything counts from its creation;
* failing: ``failed_quizzes`` or more failed attempts at a module's quiz not yet passed;
* stalled: a module started but not passed, untouched for ``stalled_days``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from academy.content.schema import Course
from academy.reports.access import Learner, Scope, learners
from academy.reports.overview import build_cells, modules_frame
from academy.store import Status, Store

AT_RISK_COLUMNS = [
    "user_id", "username", "display_name", "teams", "reasons", "reason_count", "days_inactive", "last_activity",
    "most_failures", "stalled_modules",
]


@dataclass(frozen=True, slots=True)
class RiskRules:
    inactive_days: int = 14
    failed_quizzes: int = 2
    stalled_days: int = 7

    def __post_init__(self) -> None:
        if self.inactive_days < 1 or self.failed_quizzes < 1 or self.stalled_days < 1:
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
    """One row per learner at risk (``AT_RISK_COLUMNS``), most reasons first, then longest inactive."""
    people = learners(store, scope, team_ids)
    summaries = store.summaries_for([person.id for person in people]) if people else []
    return risk_table(people, build_cells(people, summaries, modules_frame(course)), rules,
                      now or datetime.now(UTC))


def risk_table(people: Sequence[Learner], cells: pd.DataFrame, rules: RiskRules, now: datetime) -> pd.DataFrame:
    by_user = {user_id: group for user_id, group in cells.groupby("user_id")} if len(cells) else {}
    rows = []
    for person in people:
        group = by_user.get(person.id)
        if group is None:
            continue
        reasons, stalled = _reasons(person, group, rules, now)
        if not reasons:
            continue
        last = group["last_activity"].dropna()
        last_activity = last.max() if len(last) else None
        since = last_activity if last_activity is not None else person.created_at
        rows.append((
            person.id, person.username, person.display_name, person.team_label, "; ".join(reasons), len(reasons),
            _days(now - since), last_activity, int(group["quiz_failures"].max()), stalled,
        ))
    table = pd.DataFrame(rows, columns=AT_RISK_COLUMNS)
    return table.sort_values(["reason_count", "days_inactive", "username"], ascending=[False, False, True],
                             ignore_index=True)


def _reasons(person: Learner, cells: pd.DataFrame, rules: RiskRules, now: datetime) -> tuple[list[str], int]:
    reasons: list[str] = []
    status = cells["status"]
    last = cells["last_activity"].dropna()
    if not (status == Status.PASSED.value).all():
        if last.empty:
            idle = _days(now - person.created_at)
            if idle >= rules.inactive_days:
                reasons.append(f"never started (account {idle} days old)")
        else:
            idle = _days(now - last.max())
            if idle >= rules.inactive_days:
                reasons.append(f"inactive for {idle} days")
    for row in cells.itertuples():
        if row.status != Status.PASSED.value and row.quiz_failures >= rules.failed_quizzes:
            reasons.append(f"failed the {row.module} quiz {row.quiz_failures} times")
    stalled = 0
    for row in cells.itertuples():
        if row.status == Status.IN_PROGRESS.value and pd.notna(row.last_activity):
            idle = _days(now - row.last_activity)
            if idle >= rules.stalled_days:
                stalled += 1
                reasons.append(f"stalled in {row.module} for {idle} days "
                               f"({row.lessons_done}/{row.lessons_total} lessons)")
    return reasons, stalled


def _days(span: pd.Timedelta | object) -> int:
    return int(pd.Timedelta(span).total_seconds() // 86_400)
