"""The assignment view: per learner and assignment, done / in progress / not started / overdue.

Reads O(team) rows through ``academy.programme.standing`` (what covers each learner, their
latest passes, summaries, certificates, time zone); never the learning-record log.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

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


# --- xAPI ------------------------------------------------------------------------------------

CERTIFICATE_NAMESPACE = uuid.UUID("6f1c8e0a-5d43-4c55-9a55-0d6c2f3b8a11")


@dataclass(frozen=True, slots=True)
class _Who:
    """What ``StatementBuilder.actor`` reads of a learning record."""

    user_id: int
    username: str


def certificate_statements(
    builder: Any,
    store: Store,
    people: Sequence[Learner],
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Iterator[dict[str, Any]]:
    """One xAPI ``completed`` statement per certificate of these learners: the assignment as the
    activity, the score, and the due date, cycle, code and expiry as context extensions."""
    from academy.reports.xapi import LANGUAGE, PLATFORM, XAPI_VERSION, activity_type, utc_timestamp, verb_iri

    names = {person.id: person.username for person in people}
    certificates = store.certificates_for(names)
    assignments = store.assignments_by_id({certificate.assignment_id for certificate in certificates})
    for certificate in certificates:
        if (since and certificate.issued_at < since) or (until and certificate.issued_at >= until):
            continue
        assignment = assignments.get(certificate.assignment_id)
        extensions: dict[str, Any] = {
            builder._extension("certificate-code"): certificate.code,
            builder._extension("cycle"): certificate.cycle,
        }
        if assignment is not None:
            extensions[builder._extension("due-date")] = assignment.due_on.isoformat()
        if certificate.expires_at is not None:
            extensions[builder._extension("expires")] = utc_timestamp(certificate.expires_at)
        if certificate.revoked_at is not None:
            extensions[builder._extension("revoked")] = utc_timestamp(certificate.revoked_at)
        unit = f"/modules/{certificate.unit}" if certificate.unit else ""
        result: dict[str, Any] = {"completion": True, "success": certificate.revoked_at is None}
        if certificate.score is not None:
            result["score"] = {"scaled": round(certificate.score, 4)}
        yield {
            "id": str(uuid.uuid5(CERTIFICATE_NAMESPACE, certificate.code)),
            "actor": builder.actor(_Who(certificate.user_id, names[certificate.user_id])),
            "verb": {"id": verb_iri("completed"), "display": {LANGUAGE: "completed"}},
            "object": {
                "objectType": "Activity",
                "id": f"{builder.settings.base}/assignments/{certificate.assignment_id}{unit}",
                "definition": {"type": activity_type("course"), "name": {LANGUAGE: certificate.title}},
            },
            "result": result,
            "context": {
                "contextActivities": {"grouping": [builder.course()]},
                "platform": PLATFORM,
                "language": LANGUAGE,
                "extensions": extensions,
            },
            "timestamp": utc_timestamp(certificate.issued_at),
            "version": XAPI_VERSION,
        }
