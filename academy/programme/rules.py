"""The programme's rules, as pure functions (no store, no clock, no Streamlit).

* **Due dates** are calendar days in the learner's time zone: work due on 14 March is on
  time until midnight at the end of 14 March where the learner is, and overdue from then.
* **Who is due when**: a learner covered when the assignment was made is due on its
  date; one who joined the team (or was added) later has ``days_allowed`` days from the
  day they joined.
* **Cycles**: the first cycle counts any pass of a module, even one from before the
  assignment. A certificate that expires (recertification) or is revoked ends its cycle;
  the next cycle opens at that moment, is due ``days_allowed`` days later, and counts
  only passes from then on. Old records and certificates are never erased.
* **Certificates**: earned when every module of the unit (the whole assignment, or one
  module when the path says so) is passed within the cycle; issued at the last of those
  passes, expiring ``recert_months`` later when recertification applies.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from academy.store import Assignment, Certificate

DUE_SOON_DAYS = 7
"""Work due within this many days (and not done) is "due soon"."""
AT_RISK_DUE_DAYS = 3
"""At-risk flags work due within this many days that the learner has not started."""
DEFAULT_TIMEZONE = "UTC"


class DueState(StrEnum):
    DONE = "done"
    ON_TRACK = "on_track"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


DUE_STATE_LABELS: dict[DueState, str] = {
    DueState.DONE: "Done",
    DueState.ON_TRACK: "On track",
    DueState.DUE_SOON: "Due soon",
    DueState.OVERDUE: "Overdue",
}


class TimezoneError(ValueError):
    """Not a time zone this machine knows."""


def zone(name: str | None) -> ZoneInfo:
    """The zone called ``name`` (an IANA name such as ``Europe/Lisbon``); UTC for None or ""."""
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        raise TimezoneError(f"unknown time zone {name!r} (use a name such as Europe/Lisbon)") from None


def check_timezone(name: str) -> str:
    cleaned = name.strip()
    zone(cleaned)
    return cleaned


def timezone_names() -> list[str]:
    return sorted(available_timezones())


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def end_of_day(day: date, tz: ZoneInfo) -> datetime:
    """The first instant after ``day`` in ``tz``, in UTC: when work due that day becomes overdue."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz).astimezone(UTC)


def due_state(due: date, today: date, *, done: bool) -> DueState:
    if done:
        return DueState.DONE
    if today > due:
        return DueState.OVERDUE
    if (due - today).days <= DUE_SOON_DAYS:
        return DueState.DUE_SOON
    return DueState.ON_TRACK


def days_late(due: date, today: date) -> int:
    return max(0, (today - due).days)


def add_months(moment: datetime, months: int) -> datetime:
    """The same time ``months`` later; the 31st becomes the month's last day when it has fewer."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def first_due(assignment: Assignment, since: datetime, tz: ZoneInfo) -> date:
    """The due date of a learner's first cycle: the assignment's date, or ``days_allowed``
    days from the day a later joiner joined."""
    if since <= assignment.created_at:
        return assignment.due_on
    return local_date(since, tz) + timedelta(days=assignment.days_allowed)


def units(assignment: Assignment) -> list[tuple[str, tuple[str, ...]]]:
    """What certificates are earned for: ``("", every module)`` or one ``(module, (module,))`` each."""
    if assignment.certificate == "module":
        return [(module, (module,)) for module in assignment.modules]
    return [("", assignment.modules)]


@dataclass(frozen=True, slots=True)
class Cycle:
    """Where one learner stands in one unit of an assignment now."""

    unit: str
    modules: tuple[str, ...]
    number: int
    opened_at: datetime | None
    """None for the first cycle (any pass counts), else when the previous certificate ended."""
    due: date
    passed: frozenset[str]
    """The unit's modules passed within this cycle."""
    completed_at: datetime | None
    """When the last module was passed, once all are."""
    certificate: Certificate | None
    """The certificate issued for this cycle, if any."""

    @property
    def done(self) -> bool:
        return self.completed_at is not None


def current_cycle(
    unit: str,
    modules: Sequence[str],
    due: date,
    days_allowed: int,
    tz: ZoneInfo,
    passes: Mapping[str, datetime],
    certificates: Sequence[Certificate],
    now: datetime,
) -> Cycle:
    """The learner's cycle of this unit as of ``now``, walking through its certificates.

    ``passes``: module id → the learner's latest pass; ``certificates``: this learner's
    certificates of this unit (any order).
    """
    number, opened_at = 1, None
    by_cycle = {certificate.cycle: certificate for certificate in certificates}
    while (certificate := by_cycle.get(number)) is not None:
        ended = _ended_at(certificate, now)
        if ended is None:
            return _cycle(unit, modules, number, opened_at, due, passes, certificate)
        number, opened_at = number + 1, ended
        due = local_date(ended, tz) + timedelta(days=days_allowed)
    return _cycle(unit, modules, number, opened_at, due, passes, None)


def _ended_at(certificate: Certificate, now: datetime) -> datetime | None:
    if certificate.revoked_at is not None:
        return certificate.revoked_at
    if certificate.expires_at is not None and now >= certificate.expires_at:
        return certificate.expires_at
    return None


def _cycle(
    unit: str,
    modules: Sequence[str],
    number: int,
    opened_at: datetime | None,
    due: date,
    passes: Mapping[str, datetime],
    certificate: Certificate | None,
) -> Cycle:
    counted = {
        module: passes[module]
        for module in modules
        if module in passes and (opened_at is None or passes[module] >= opened_at)
    }
    completed = max(counted.values()) if len(counted) == len(modules) and counted else None
    if certificate is not None and completed is None:
        completed = certificate.issued_at  # the certificate proves it, even if the records moved on
    return Cycle(unit, tuple(modules), number, opened_at, due, frozenset(counted), completed, certificate)


def expiry(assignment: Assignment, issued_at: datetime) -> datetime | None:
    return add_months(issued_at, assignment.recert_months) if assignment.recert_months else None


def mean_score(modules: Sequence[str], best_scores: Mapping[str, float | None]) -> float | None:
    scores = [best_scores[module] for module in modules if best_scores.get(module) is not None]
    return sum(scores) / len(scores) if scores else None  # type: ignore[arg-type]
