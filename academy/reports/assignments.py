"""The assignment view: per learner and assignment, done / in progress / not started / overdue.

Reads O(team) rows through ``academy.programme.standing`` (what covers each learner, their
latest passes, summaries, certificates, time zone); never the learning-record log.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import pandas as pd

from academy.content.schema import Course
from academy.programme import standing
from academy.programme.rules import DUE_STATE_LABELS
from academy.reports.access import Learner, Scope, learners
from academy.store import Store

ASSIGNMENT_COLUMNS = [
    "user_id",
    "username",
    "display_name",
    "teams",
    "assignment_id",
    "assignment",
    "due",
    "state",
    "status",
    "days_late",
    "modules_done",
    "modules_total",
    "cycle",
    "timezone",
]
STATUS_ORDER = ["overdue", "not started", "in progress", "done"]


def assignment_view(
    store: Store,
    course: Course,
    scope: Scope,
    *,
    team_ids: Iterable[int] | None = None,
    now: datetime | None = None,
) -> pd.DataFrame:
    """One row per (learner, active assignment) in the scope: overdue first, then by due date."""
    people = learners(store, scope, team_ids)
    found = standing.standings(standing.read_facts(store, [p.id for p in people]), now or datetime.now(UTC))
    return assignment_table(people, found)


def assignment_table(people: Sequence[Learner], found: Sequence[standing.Standing]) -> pd.DataFrame:
    by_id = {person.id: person for person in people}
    rows = []
    for item in found:
        person = by_id.get(item.user_id)
        if person is None:
            continue
        rows.append(
            (
                person.id,
                person.username,
                person.display_name,
                person.team_label,
                item.assignment.id,
                item.assignment.title,
                item.due,
                DUE_STATE_LABELS[item.state],
                item.progress_label,
                item.days_late,
                item.passed_count,
                len(item.modules),
                item.cycle,
                item.timezone,
            )
        )
    table = pd.DataFrame(rows, columns=ASSIGNMENT_COLUMNS)
    if table.empty:
        return table
    order = table["status"].map(STATUS_ORDER.index)
    return (
        table.assign(_order=order)
        .sort_values(["_order", "days_late", "due", "username"], ascending=[True, False, True, True])
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def assignment_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per assignment: how many learners are done, in progress, not started and overdue."""
    if table.empty:
        return pd.DataFrame(columns=["assignment_id", "assignment", "due", *STATUS_ORDER, "learners"])
    counts = table.pivot_table(
        index=["assignment_id", "assignment"], columns="status", values="user_id", aggfunc="count", fill_value=0
    )
    for status in STATUS_ORDER:
        if status not in counts.columns:
            counts[status] = 0
    counts = counts[STATUS_ORDER].reset_index()
    counts.columns.name = None
    counts["learners"] = counts[STATUS_ORDER].sum(axis=1)
    due = table.groupby("assignment_id")["due"].min()
    counts.insert(2, "due", counts["assignment_id"].map(due))
    return counts.sort_values(["overdue", "due"], ascending=[False, True], ignore_index=True)
