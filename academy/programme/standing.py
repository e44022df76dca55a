"""Where learners stand in their assignments, and the certificates they have earned.

Reads a few indexed rows per learner (what covers them, their latest passes, summaries,
certificates, time zone) and applies ``academy.programme.rules``. Used by the catalog,
My progress, the manager's assignment view, at-risk, exports and ``remind``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from academy import settings
from academy.content.schema import Course
from academy.programme import rules
from academy.programme.rules import Cycle, DueState
from academy.store import Assignment, Certificate, Coverage, ModuleSummary, NewCertificate, Store


def default_timezone() -> str:
    """The organisation's zone ($ACADEMY_TIMEZONE, else UTC) for learners who chose none."""
    configured = settings.timezone_name()
    try:
        return rules.check_timezone(configured) if configured else rules.DEFAULT_TIMEZONE
    except rules.TimezoneError:
        return rules.DEFAULT_TIMEZONE


@dataclass(frozen=True, slots=True)
class ModuleDue:
    module_id: str
    due: date
    state: DueState
    days_late: int
    started: bool
    """Touched in the current cycle (a lesson opened, a quiz started...)."""


@dataclass(frozen=True, slots=True)
class Standing:
    """One learner in one assignment, today."""

    assignment: Assignment
    user_id: int
    today: date
    """The learner's own date (their time zone)."""
    timezone: str
    cycles: tuple[Cycle, ...]
    modules: tuple[ModuleDue, ...]
    """In the assignment's order."""

    @property
    def done(self) -> bool:
        return all(cycle.done for cycle in self.cycles)

    @property
    def open_modules(self) -> list[ModuleDue]:
        return [module for module in self.modules if module.state is not DueState.DONE]

    @property
    def due(self) -> date:
        """The nearest due date of what is still open (else the latest one met)."""
        waiting = self.open_modules
        return min(m.due for m in waiting) if waiting else max(m.due for m in self.modules)

    @property
    def state(self) -> DueState:
        if self.done:
            return DueState.DONE
        return rules.due_state(self.due, self.today, done=False)

    @property
    def days_late(self) -> int:
        return rules.days_late(self.due, self.today) if not self.done else 0

    @property
    def started(self) -> bool:
        return any(module.started or module.state is DueState.DONE for module in self.modules)

    @property
    def cycle(self) -> int:
        return max(cycle.number for cycle in self.cycles)

    @property
    def passed_count(self) -> int:
        return sum(module.state is DueState.DONE for module in self.modules)

    @property
    def progress_label(self) -> str:
        """``done``, ``in progress``, ``not started`` or ``overdue``: the manager's word for it."""
        if self.done:
            return "done"
        if self.state is DueState.OVERDUE:
            return "overdue"
        return "in progress" if self.started else "not started"


@dataclass(frozen=True)
class Facts:
    """Everything the rules need about a group of learners, read in one go."""

    assignments: Mapping[int, Assignment]
    coverage: Sequence[Coverage]
    passes: Mapping[tuple[int, str], datetime]
    summaries: Mapping[tuple[int, str], ModuleSummary]
    certificates: Sequence[Certificate]
    timezones: Mapping[int, str]


def read_facts(store: Store, user_ids: Iterable[int]) -> Facts:
    ids = sorted(set(user_ids))
    coverage = store.coverage(ids)
    return Facts(
        assignments=store.assignments_by_id({item.assignment_id for item in coverage}),
        coverage=coverage,
        passes=store.latest_passes(ids),
        summaries={(s.user_id, s.module_id): s for s in store.summaries_for(ids)},
        certificates=store.certificates_for(ids),
        timezones=store.timezones(ids),
    )


def standings(facts: Facts, now: datetime, *, fallback_zone: str | None = None) -> list[Standing]:
    """Every (learner, active assignment) standing, learners in id order, assignments by due date."""
    fallback = fallback_zone or default_timezone()
    certificates: dict[tuple[int, int, str], list[Certificate]] = {}
    for certificate in facts.certificates:
        certificates.setdefault((certificate.user_id, certificate.assignment_id, certificate.unit), []).append(
            certificate
        )
    found = []
    for item in facts.coverage:
        assignment = facts.assignments.get(item.assignment_id)
        if assignment is None or not assignment.active:
            continue
        zone_name = facts.timezones.get(item.user_id) or fallback
        try:
            tz = rules.zone(zone_name)
        except rules.TimezoneError:  # a zone this machine no longer knows: the organisation's
            zone_name, tz = fallback, rules.zone(fallback)
        found.append(_standing(facts, assignment, item, certificates, tz, zone_name, now))
    return sorted(found, key=lambda s: (s.user_id, s.state is DueState.DONE, s.due, s.assignment.id))


def _standing(
    facts: Facts,
    assignment: Assignment,
    item: Coverage,
    certificates: Mapping[tuple[int, int, str], list[Certificate]],
    tz: rules.ZoneInfo,
    zone_name: str,
    now: datetime,
) -> Standing:
    user_id = item.user_id
    today = rules.local_date(now, tz)
    first = rules.first_due(assignment, item.since, tz)
    passes = {m: facts.passes[(user_id, m)] for m in assignment.modules if (user_id, m) in facts.passes}
    cycles = [
        rules.current_cycle(
            unit,
            modules,
            first,
            assignment.days_allowed,
            tz,
            passes,
            certificates.get((user_id, assignment.id, unit), []),
            now,
        )
        for unit, modules in rules.units(assignment)
    ]
    modules = []
    for cycle in cycles:
        for module in cycle.modules:
            summary = facts.summaries.get((user_id, module))
            started = summary is not None and (cycle.opened_at is None or summary.last_activity_at >= cycle.opened_at)
            done = module in cycle.passed or cycle.certificate is not None
            state = rules.due_state(cycle.due, today, done=done)
            late = 0 if done else rules.days_late(cycle.due, today)
            modules.append(ModuleDue(module, cycle.due, state, late, started))
    return Standing(assignment, user_id, today, zone_name, tuple(cycles), tuple(modules))


def learner_standings(store: Store, user_id: int, now: datetime | None = None) -> list[Standing]:
    return standings(read_facts(store, [user_id]), now or store.now())


# --- certificates ----------------------------------------------------------------------


def earned(
    facts: Facts, found: Sequence[Standing], names: Mapping[int, str], course: Course | None
) -> list[NewCertificate]:
    """The certificates these standings have earned and not been given yet."""
    titles = {module.id: module.title for module in course.modules} if course else {}
    new = []
    for standing in found:
        for cycle in standing.cycles:
            if not cycle.done or cycle.certificate is not None or cycle.completed_at is None:
                continue
            assignment = standing.assignment
            best = {
                module: summary.best_quiz_scaled
                for module in cycle.modules
                if (summary := facts.summaries.get((standing.user_id, module))) is not None
            }
            new.append(
                NewCertificate(
                    user_id=standing.user_id,
                    assignment_id=assignment.id,
                    unit=cycle.unit,
                    cycle=cycle.number,
                    title=titles.get(cycle.unit, cycle.unit) if cycle.unit else assignment.title,
                    learner_name=names.get(standing.user_id, ""),
                    score=rules.mean_score(cycle.modules, best),
                    issued_at=cycle.completed_at,
                    expires_at=rules.expiry(assignment, cycle.completed_at),
                )
            )
    return new


def sync_certificates(
    store: Store, user_ids: Iterable[int], course: Course | None, now: datetime | None = None
) -> list[Certificate]:
    """Issue every certificate these learners have earned (idempotent); returns the new ones.

    A certificate that is already expired when issued (the modules were passed long ago)
    opens the next cycle at once, so this repeats until nothing new is earned.
    """
    moment = now or store.now()
    ids = sorted(set(user_ids))
    names = {user.id: user.display_name for user_id in ids if (user := store.get_user(user_id)) is not None}
    issued: list[Certificate] = []
    for _ in range(10):  # a handful of cycles at most; the bound only guards against a loop
        facts = read_facts(store, ids)
        new = earned(facts, standings(facts, moment), names, course)
        if not new:
            break
        issued += store.issue_certificates(new)
    return issued


def upcoming_recertifications(
    certificates: Sequence[Certificate], now: datetime, *, within_days: int = 90
) -> list[Certificate]:
    """Valid certificates that expire within ``within_days``, soonest first."""
    horizon = now.timestamp() + within_days * 86_400
    soon = [
        certificate
        for certificate in certificates
        if certificate.state(now) == "valid"
        and certificate.expires_at is not None
        and certificate.expires_at.timestamp() <= horizon
    ]
    return sorted(soon, key=lambda certificate: certificate.expires_at or now)


def after_module_passed(store: Store, course: Course, user_id: int, module_id: str) -> list[Certificate]:
    """The rule that follows a module being passed: issue the certificates that completes.

    Called by ``academy.learning`` after an action that may have passed ``module_id``; it
    does nothing unless the module is passed and some assignment of the learner asks for it.
    """
    summary = store.module_summaries(user_id).get(module_id)
    if summary is None or summary.status != "passed":
        return []
    return sync_certificates(store, [user_id], course)


def cycle_opened(store: Store, user_id: int, module_id: str, now: datetime | None = None) -> datetime | None:
    """When the learner's current recertification cycle for ``module_id`` opened (None: first cycle).

    Quiz attempts made before it do not count against the quiz's attempt limit in the new cycle.
    """
    opened = [
        cycle.opened_at
        for item in learner_standings(store, user_id, now)
        for cycle in item.cycles
        if module_id in cycle.modules and cycle.opened_at is not None
    ]
    return max(opened, default=None)
