"""Assignments (modules or a learning path, to a team or chosen learners), their history,
certificates, the learners' time zones and the reminders already sent.

The store keeps facts; the rules (who is covered since when, due dates, cycles, when a
certificate is earned) live in ``academy.programme``. Every change to an assignment
writes an ``assignment_events`` row in the same transaction: the history is never lost.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update

from academy.store.base import StoreBase, chunks, ids_list
from academy.store.model import InvalidActionError, NotFoundError
from academy.store.tables import (
    assignment_events,
    assignment_learners,
    assignments,
    certificates,
    learner_contacts,
    learner_settings,
    memberships,
    module_summaries,
    quiz_attempts,
    reminders_sent,
    teams,
    users,
)

CERTIFICATE_PER_ASSIGNMENT = "assignment"
CERTIFICATE_PER_MODULE = "module"
CERTIFICATE_KINDS = (CERTIFICATE_PER_ASSIGNMENT, CERTIFICATE_PER_MODULE)
# Crockford's base 32: no I, L, O or U, so a code read aloud or typed from paper survives.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12
MAX_TITLE = 200


@dataclass(frozen=True, slots=True)
class Assignment:
    id: int
    title: str
    path_id: str | None
    modules: tuple[str, ...]
    """Module ids in the order the learner should take them."""
    certificate: str
    """``assignment`` (one certificate once every module is passed) or ``module`` (one per module)."""
    team_id: int | None
    """The team assigned (members who join later are covered too); None: chosen learners."""
    learner_ids: tuple[int, ...]
    """The chosen learners (empty for a team assignment)."""
    due_on: date
    days_allowed: int
    """Days a later joiner, or a learner starting a new cycle, has from that day."""
    recert_months: int | None
    created_by: int | None
    created_at: datetime
    updated_at: datetime
    withdrawn_at: datetime | None

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


@dataclass(frozen=True, slots=True)
class AssignmentEvent:
    id: int
    assignment_id: int
    actor_id: int | None
    action: str
    """``created``, ``changed``, ``learners_added``, ``learners_removed`` or ``withdrawn``."""
    detail: dict[str, Any]
    at: datetime


@dataclass(frozen=True, slots=True)
class Coverage:
    """One learner covered by one active assignment, since when."""

    assignment_id: int
    user_id: int
    since: datetime
    """When the learner joined the team (or was added); the assignment's creation if earlier."""


@dataclass(frozen=True, slots=True)
class Certificate:
    id: int
    code: str
    user_id: int
    assignment_id: int
    unit: str
    """"" for the whole assignment, else the module id."""
    cycle: int
    title: str
    learner_name: str
    score: float | None
    """Mean best quiz score over the certificate's modules, 0..1 (None: no quiz)."""
    issued_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    revoke_reason: str | None

    def state(self, now: datetime) -> str:
        """``valid``, ``expired`` or ``revoked``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and now >= self.expires_at:
            return "expired"
        return "valid"


@dataclass(frozen=True, slots=True)
class NewCertificate:
    """What ``academy.programme`` decided a learner earned (the store adds the code)."""

    user_id: int
    assignment_id: int
    unit: str
    cycle: int
    title: str
    learner_name: str
    score: float | None
    issued_at: datetime
    expires_at: datetime | None


# Letters a reader may type for the digits they look like.
_LOOKALIKES = str.maketrans("OIL", "011")


def normalise_code(code: str) -> str:
    """A code as typed (any case, dashes, spaces, O for 0) → as stored."""
    cleaned = "".join(code.split()).replace("-", "").upper()
    return cleaned.translate(_LOOKALIKES)


def format_code(code: str) -> str:
    """``K7QM4XRT9PZA`` → ``K7QM-4XRT-9PZA`` for print."""
    return "-".join(code[start : start + 4] for start in range(0, len(code), 4))


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _assignment_from(row: Any, learner_ids: Sequence[int]) -> Assignment:
    return Assignment(
        id=row["id"],
        title=row["title"],
        path_id=row["path_id"],
        modules=tuple(row["modules"]),
        certificate=row["certificate"],
        team_id=row["team_id"],
        learner_ids=tuple(sorted(learner_ids)),
        due_on=row["due_on"],
        days_allowed=row["days_allowed"],
        recert_months=row["recert_months"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        withdrawn_at=row["withdrawn_at"],
    )


def _certificate_from(row: Any) -> Certificate:
    return Certificate(
        id=row["id"],
        code=row["code"],
        user_id=row["user_id"],
        assignment_id=row["assignment_id"],
        unit=row["unit"],
        cycle=row["cycle"],
        title=row["title"],
        learner_name=row["learner_name"],
        score=row["score"],
        issued_at=row["issued_at"],
        expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
        revoke_reason=row["revoke_reason"],
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


# The fields ``change_assignment`` may change, and how each is checked.
_CHANGEABLE = ("title", "due_on", "days_allowed", "recert_months")


class ProgrammeMixin(StoreBase):
    def now(self) -> datetime:
        """The store's clock (UTC): what the programme's rules take as "now" by default."""
        return self._now()

    # --- assignments ------------------------------------------------------------------

    def create_assignment(
        self,
        *,
        actor_id: int | None,
        title: str,
        modules: Sequence[str],
        due_on: date,
        days_allowed: int,
        team_id: int | None = None,
        learner_ids: Iterable[int] = (),
        path_id: str | None = None,
        certificate: str = CERTIFICATE_PER_ASSIGNMENT,
        recert_months: int | None = None,
    ) -> Assignment:
        """Assign ``modules`` (in order) to a team or to chosen learners; one ``created`` event."""
        chosen = ids_list(learner_ids)
        module_ids = list(dict.fromkeys(modules))
        if not module_ids:
            raise InvalidActionError("an assignment needs at least one module")
        if (team_id is None) == (not chosen):
            raise InvalidActionError("assign either a team or chosen learners")
        if certificate not in CERTIFICATE_KINDS:
            raise InvalidActionError(f"certificate must be one of {', '.join(CERTIFICATE_KINDS)}")
        values = _checked_changes(
            {"title": title, "due_on": due_on, "days_allowed": days_allowed, "recert_months": recert_months}
        )

        def work(connection: Connection) -> Assignment:
            now = self._now()
            team = select(teams.c.id).where(teams.c.id == team_id)
            if team_id is not None and connection.execute(team).first() is None:
                raise NotFoundError(f"no team {team_id}")
            self._check_users(connection, chosen)
            assignment_id = connection.execute(
                assignments.insert()
                .values(
                    **values,
                    path_id=path_id,
                    modules=module_ids,
                    certificate=certificate,
                    team_id=team_id,
                    created_by=actor_id,
                    created_at=now,
                    updated_at=now,
                )
                .returning(assignments.c.id)
            ).scalar_one()
            if chosen:
                connection.execute(
                    insert(assignment_learners),
                    [{"assignment_id": assignment_id, "user_id": user_id, "added_at": now} for user_id in chosen],
                )
            detail = {
                **{key: _jsonable(value) for key, value in values.items()},
                "modules": module_ids,
                "path_id": path_id,
                "certificate": certificate,
                "team_id": team_id,
                "learner_ids": chosen,
            }
            self._event(connection, assignment_id, actor_id, "created", detail, now)
            return self._assignment(connection, assignment_id)

        return self._write(work)

    def change_assignment(self, assignment_id: int, *, actor_id: int | None, **changes: Any) -> Assignment:
        """Change the title, due date, days allowed or recertification; the old values are kept in the history."""
        unknown = set(changes) - set(_CHANGEABLE)
        if unknown:
            raise InvalidActionError(f"cannot change {', '.join(sorted(unknown))}")
        checked = _checked_changes(changes)

        def work(connection: Connection) -> Assignment:
            row = self._assignment_row(connection, assignment_id, for_update=True)
            if row["withdrawn_at"] is not None:
                raise InvalidActionError("this assignment was withdrawn")
            before = {key: row[key] for key in checked if row[key] != checked[key]}
            if not before:
                return self._assignment(connection, assignment_id)
            now = self._now()
            after = {key: checked[key] for key in before}
            connection.execute(
                update(assignments).where(assignments.c.id == assignment_id).values(**after, updated_at=now)
            )
            detail = {
                "before": {key: _jsonable(value) for key, value in before.items()},
                "after": {key: _jsonable(value) for key, value in after.items()},
            }
            self._event(connection, assignment_id, actor_id, "changed", detail, now)
            return self._assignment(connection, assignment_id)

        return self._write(work)

    def add_assignment_learners(
        self, assignment_id: int, learner_ids: Iterable[int], *, actor_id: int | None
    ) -> Assignment:
        """Add chosen learners to a learner assignment; their due date counts from today."""
        chosen = ids_list(learner_ids)

        def work(connection: Connection) -> Assignment:
            row = self._assignment_row(connection, assignment_id, for_update=True)
            if row["withdrawn_at"] is not None:
                raise InvalidActionError("this assignment was withdrawn")
            if row["team_id"] is not None:
                raise InvalidActionError("a team assignment covers the team's members: add them to the team")
            self._check_users(connection, chosen)
            now = self._now()
            statement = self._insert(connection, assignment_learners)
            added = []
            for user_id in chosen:
                inserted = connection.execute(
                    statement.values(assignment_id=assignment_id, user_id=user_id, added_at=now)
                    .on_conflict_do_nothing()
                    .returning(assignment_learners.c.user_id)
                ).first()
                if inserted is not None:
                    added.append(user_id)
            if added:
                self._event(connection, assignment_id, actor_id, "learners_added", {"learner_ids": added}, now)
            return self._assignment(connection, assignment_id)

        return self._write(work)

    def remove_assignment_learners(
        self, assignment_id: int, learner_ids: Iterable[int], *, actor_id: int | None
    ) -> Assignment:
        chosen = ids_list(learner_ids)

        def work(connection: Connection) -> Assignment:
            self._assignment_row(connection, assignment_id, for_update=True)
            removed: list[int] = []
            for part in chunks(chosen):
                removed += connection.execute(
                    assignment_learners.delete()
                    .where(assignment_learners.c.assignment_id == assignment_id)
                    .where(assignment_learners.c.user_id.in_(part))
                    .returning(assignment_learners.c.user_id)
                ).scalars()
            if removed:
                detail = {"learner_ids": sorted(removed)}
                self._event(connection, assignment_id, actor_id, "learners_removed", detail, self._now())
            return self._assignment(connection, assignment_id)

        return self._write(work)

    def withdraw_assignment(self, assignment_id: int, *, actor_id: int | None, reason: str = "") -> Assignment:
        """Stop an assignment: it no longer asks anything of anyone; its history and certificates stay."""

        def work(connection: Connection) -> Assignment:
            row = self._assignment_row(connection, assignment_id, for_update=True)
            if row["withdrawn_at"] is None:
                now = self._now()
                connection.execute(
                    update(assignments)
                    .where(assignments.c.id == assignment_id)
                    .values(withdrawn_at=now, updated_at=now)
                )
                self._event(connection, assignment_id, actor_id, "withdrawn", {"reason": reason.strip()[:500]}, now)
            return self._assignment(connection, assignment_id)

        return self._write(work)

    def get_assignment(self, assignment_id: int) -> Assignment | None:
        def read(connection: Connection) -> Assignment | None:
            try:
                return self._assignment(connection, assignment_id)
            except NotFoundError:
                return None

        return self._read(read)

    def list_assignments(
        self, *, team_ids: Iterable[int] | None = None, include_withdrawn: bool = False
    ) -> list[Assignment]:
        """Assignments, newest first; ``team_ids``: only those to these teams or to their members."""
        query = select(assignments).order_by(assignments.c.id.desc())
        if not include_withdrawn:
            query = query.where(assignments.c.withdrawn_at.is_(None))
        if team_ids is not None:
            wanted = ids_list(team_ids)
            members = select(memberships.c.user_id).where(
                memberships.c.team_id.in_(wanted), memberships.c.kind == "member"
            )
            to_members = select(assignment_learners.c.assignment_id).where(assignment_learners.c.user_id.in_(members))
            query = query.where(assignments.c.team_id.in_(wanted) | assignments.c.id.in_(to_members))

        def read(connection: Connection) -> list[Assignment]:
            rows = connection.execute(query).mappings().all()
            learners = self._learners_of(connection, [row["id"] for row in rows])
            return [_assignment_from(row, learners.get(row["id"], ())) for row in rows]

        return self._read(read)

    def assignment_history(self, assignment_id: int) -> list[AssignmentEvent]:
        query = (
            select(assignment_events)
            .where(assignment_events.c.assignment_id == assignment_id)
            .order_by(assignment_events.c.id)
        )
        rows = self._read(lambda connection: connection.execute(query).mappings().all())
        return [
            AssignmentEvent(
                id=row["id"],
                assignment_id=row["assignment_id"],
                actor_id=row["actor_id"],
                action=row["action"],
                detail=dict(row["detail"]),
                at=row["at"],
            )
            for row in rows
        ]

    def coverage(self, user_ids: Iterable[int]) -> list[Coverage]:
        """Every active assignment covering each of these learners, with the moment it began to.

        A team assignment covers the team's current members; one who joined after it was
        made is covered from the day they joined.
        """
        ids = ids_list(user_ids)

        def read(connection: Connection) -> list[Coverage]:
            found: list[Coverage] = []
            for part in chunks(ids):
                by_team = (
                    select(assignments.c.id, memberships.c.user_id, assignments.c.created_at, memberships.c.created_at)
                    .join(
                        memberships,
                        and_(memberships.c.team_id == assignments.c.team_id, memberships.c.kind == "member"),
                    )
                    .where(assignments.c.withdrawn_at.is_(None), memberships.c.user_id.in_(part))
                )
                by_name = (
                    select(
                        assignments.c.id,
                        assignment_learners.c.user_id,
                        assignments.c.created_at,
                        assignment_learners.c.added_at,
                    )
                    .join(assignment_learners, assignment_learners.c.assignment_id == assignments.c.id)
                    .where(assignments.c.withdrawn_at.is_(None), assignment_learners.c.user_id.in_(part))
                )
                for query in (by_team, by_name):
                    for assignment_id, user_id, created_at, joined_at in connection.execute(query):
                        found.append(Coverage(assignment_id, user_id, max(_aware(created_at), _aware(joined_at))))
            return sorted(found, key=lambda item: (item.user_id, item.assignment_id))

        return self._read(read)

    def assignments_by_id(self, assignment_ids: Iterable[int]) -> dict[int, Assignment]:
        ids = ids_list(assignment_ids)

        def read(connection: Connection) -> dict[int, Assignment]:
            found: dict[int, Assignment] = {}
            for part in chunks(ids):
                rows = connection.execute(select(assignments).where(assignments.c.id.in_(part))).mappings().all()
                learners = self._learners_of(connection, [row["id"] for row in rows])
                found |= {row["id"]: _assignment_from(row, learners.get(row["id"], ())) for row in rows}
            return found

        return self._read(read)

    # --- what the rules need ----------------------------------------------------------

    def latest_passes(self, user_ids: Iterable[int]) -> dict[tuple[int, str], datetime]:
        """(learner, module) → the last time the learner passed the module (a passing quiz
        attempt, or the module completed without a quiz)."""
        ids = ids_list(user_ids)

        def read(connection: Connection) -> dict[tuple[int, str], datetime]:
            latest: dict[tuple[int, str], datetime] = {}
            for part in chunks(ids):
                attempts = (
                    select(quiz_attempts.c.user_id, quiz_attempts.c.module_id, func.max(quiz_attempts.c.finished_at))
                    .where(quiz_attempts.c.user_id.in_(part), quiz_attempts.c.passed.is_(True))
                    .group_by(quiz_attempts.c.user_id, quiz_attempts.c.module_id)
                )
                completed = select(
                    module_summaries.c.user_id, module_summaries.c.module_id, module_summaries.c.completed_at
                ).where(module_summaries.c.user_id.in_(part), module_summaries.c.completed_at.is_not(None))
                for query in (attempts, completed):
                    for user_id, module_id, moment in connection.execute(query):
                        if moment is None:
                            continue
                        moment = _aware(moment)
                        key = (user_id, module_id)
                        if key not in latest or moment > latest[key]:
                            latest[key] = moment
            return latest

        return self._read(read)

    # --- time zones -------------------------------------------------------------------

    def set_timezone(self, user_id: int, timezone: str) -> None:
        """Save the zone a learner's due dates end in (checked by the caller: ``academy.programme``)."""

        def work(connection: Connection) -> None:
            now = self._now()
            statement = self._insert(connection, learner_settings).values(
                user_id=user_id, timezone=timezone, updated_at=now
            )
            connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[learner_settings.c.user_id], set_={"timezone": timezone, "updated_at": now}
                )
            )

        self._write(work)

    def timezones(self, user_ids: Iterable[int]) -> dict[int, str]:
        """The zone each learner chose; learners who chose none are left out."""
        ids = ids_list(user_ids)

        def read(connection: Connection) -> dict[int, str]:
            found: dict[int, str] = {}
            for part in chunks(ids):
                query = select(learner_settings.c.user_id, learner_settings.c.timezone).where(
                    learner_settings.c.user_id.in_(part)
                )
                found |= {user_id: zone for user_id, zone in connection.execute(query)}
            return found

        return self._read(read)

    # --- e-mail addresses --------------------------------------------------------------

    def set_email(self, user_id: int, email: str | None) -> None:
        """Save (or with None/"" remove) where a person's reminders go; checked by the caller."""

        def work(connection: Connection) -> None:
            connection.execute(learner_contacts.delete().where(learner_contacts.c.user_id == user_id))
            if email:
                connection.execute(
                    learner_contacts.insert().values(user_id=user_id, email=email, updated_at=self._now())
                )

        self._write(work)

    def emails(self, user_ids: Iterable[int]) -> dict[int, str]:
        ids = ids_list(user_ids)

        def read(connection: Connection) -> dict[int, str]:
            found: dict[int, str] = {}
            for part in chunks(ids):
                query = select(learner_contacts.c.user_id, learner_contacts.c.email).where(
                    learner_contacts.c.user_id.in_(part)
                )
                found |= {user_id: email for user_id, email in connection.execute(query)}
            return found

        return self._read(read)

    # --- certificates -----------------------------------------------------------------

    def issue_certificates(self, earned: Sequence[NewCertificate]) -> list[Certificate]:
        """Store the certificates earned; one already issued for the same cycle is left as it is.

        Returns the certificates created now.
        """

        def work(connection: Connection) -> list[Certificate]:
            created = []
            statement = self._insert(connection, certificates)
            for item in earned:
                row = (
                    connection.execute(
                        statement.values(
                            code=_new_code(),
                            user_id=item.user_id,
                            assignment_id=item.assignment_id,
                            unit=item.unit,
                            cycle=item.cycle,
                            title=item.title[:MAX_TITLE],
                            learner_name=item.learner_name[:MAX_TITLE],
                            score=item.score,
                            issued_at=item.issued_at,
                            expires_at=item.expires_at,
                        )
                        .on_conflict_do_nothing(
                            index_elements=[
                                certificates.c.assignment_id,
                                certificates.c.user_id,
                                certificates.c.unit,
                                certificates.c.cycle,
                            ]
                        )
                        .returning(*certificates.c)
                    )
                    .mappings()
                    .first()
                )
                if row is not None:
                    created.append(_certificate_from(row))
            return created

        return self._write(work)

    def certificates_for(self, user_ids: Iterable[int]) -> list[Certificate]:
        """Every certificate of these learners (revoked and expired ones too), oldest first."""
        ids = ids_list(user_ids)

        def read(connection: Connection) -> list[Certificate]:
            found: list[Certificate] = []
            for part in chunks(ids):
                query = select(certificates).where(certificates.c.user_id.in_(part))
                found += [_certificate_from(row) for row in connection.execute(query).mappings()]
            return sorted(found, key=lambda item: (item.issued_at, item.id))

        return self._read(read)

    def list_certificates(self, *, search: str | None = None, limit: int = 200) -> list[Certificate]:
        """The newest certificates, for the administrators' page; ``search``: part of a name, title or code."""
        query = select(certificates).order_by(certificates.c.issued_at.desc(), certificates.c.id.desc()).limit(limit)
        if search:
            text = search.strip()
            pattern = "%" + text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            query = query.where(
                func.lower(certificates.c.learner_name).like(pattern, escape="\\")
                | func.lower(certificates.c.title).like(pattern, escape="\\")
                | (certificates.c.code == normalise_code(text))
            )
        rows = self._read(lambda connection: connection.execute(query).mappings().all())
        return [_certificate_from(row) for row in rows]

    def certificate_by_code(self, code: str) -> Certificate | None:
        wanted = normalise_code(code)
        if len(wanted) != CODE_LENGTH or any(char not in CODE_ALPHABET for char in wanted):
            return None
        query = select(certificates).where(certificates.c.code == wanted)
        row = self._read(lambda connection: connection.execute(query).mappings().first())
        return _certificate_from(row) if row else None

    def revoke_certificate(self, code: str, *, actor_id: int | None, reason: str) -> Certificate:
        """Revoke a certificate (it then verifies as revoked); the learner's cycle re-opens."""
        why = " ".join(reason.split())
        if not why:
            raise InvalidActionError("give the reason for revoking")
        wanted = normalise_code(code)

        def work(connection: Connection) -> Certificate:
            row = (
                connection.execute(select(certificates).where(certificates.c.code == wanted).with_for_update())
                .mappings()
                .first()
            )
            if row is None:
                raise NotFoundError(f"no certificate {code}")
            if row["revoked_at"] is None:
                now = self._now()
                connection.execute(
                    update(certificates)
                    .where(certificates.c.id == row["id"])
                    .values(revoked_at=now, revoked_by=actor_id, revoke_reason=why[:500])
                )
                detail = {"code": row["code"], "user_id": row["user_id"], "cycle": row["cycle"], "reason": why[:500]}
                self._event(connection, row["assignment_id"], actor_id, "certificate_revoked", detail, now)
            fresh = connection.execute(select(certificates).where(certificates.c.id == row["id"])).mappings().one()
            return _certificate_from(fresh)

        return self._write(work)

    # --- reminders --------------------------------------------------------------------

    def reminder_sent(self, recipient_id: int, item: str, day: date) -> bool:
        """True if ``item`` was already sent to this person on ``day``."""
        query = select(reminders_sent.c.item).where(
            reminders_sent.c.recipient_id == recipient_id,
            reminders_sent.c.item == item,
            reminders_sent.c.sent_on == day,
        )
        return self._read(lambda connection: connection.execute(query).first()) is not None

    def sent_reminders(self, days: dict[int, date]) -> set[tuple[int, str]]:
        """(recipient, item) already sent on the recipient's day (each recipient has their own date)."""

        def read(connection: Connection) -> set[tuple[int, str]]:
            found: set[tuple[int, str]] = set()
            for day in set(days.values()):
                recipients = sorted(user_id for user_id, wanted in days.items() if wanted == day)
                for part in chunks(recipients):
                    query = select(reminders_sent.c.recipient_id, reminders_sent.c.item).where(
                        reminders_sent.c.sent_on == day, reminders_sent.c.recipient_id.in_(part)
                    )
                    found |= {(recipient, item) for recipient, item in connection.execute(query)}
            return found

        return self._read(read)

    def record_reminders(self, recipient_id: int, items: Iterable[str], day: date) -> list[str]:
        """Record that these items were sent today; returns the ones not recorded before."""
        wanted = list(dict.fromkeys(items))

        def work(connection: Connection) -> list[str]:
            now = self._now()
            statement = self._insert(connection, reminders_sent)
            fresh = []
            for item in wanted:
                inserted = connection.execute(
                    statement.values(recipient_id=recipient_id, item=item, sent_on=day, sent_at=now)
                    .on_conflict_do_nothing()
                    .returning(reminders_sent.c.item)
                ).first()
                if inserted is not None:
                    fresh.append(item)
            return fresh

        return self._write(work)

    # --- helpers ----------------------------------------------------------------------

    def _event(
        self, connection: Connection, assignment_id: int, actor_id: int | None, action: str, detail: dict, at: datetime
    ) -> None:
        connection.execute(
            assignment_events.insert().values(
                assignment_id=assignment_id, actor_id=actor_id, action=action, detail=detail, at=at
            )
        )

    @staticmethod
    def _assignment_row(connection: Connection, assignment_id: int, *, for_update: bool = False) -> Any:
        query = select(assignments).where(assignments.c.id == assignment_id)
        if for_update:
            query = query.with_for_update()
        row = connection.execute(query).mappings().first()
        if row is None:
            raise NotFoundError(f"no assignment {assignment_id}")
        return row

    def _assignment(self, connection: Connection, assignment_id: int) -> Assignment:
        row = self._assignment_row(connection, assignment_id)
        return _assignment_from(row, self._learners_of(connection, [assignment_id]).get(assignment_id, ()))

    @staticmethod
    def _learners_of(connection: Connection, assignment_ids: Sequence[int]) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {}
        for part in chunks(list(assignment_ids)):
            query = select(assignment_learners.c.assignment_id, assignment_learners.c.user_id).where(
                assignment_learners.c.assignment_id.in_(part)
            )
            for assignment_id, user_id in connection.execute(query):
                found.setdefault(assignment_id, []).append(user_id)
        return found

    @staticmethod
    def _check_users(connection: Connection, user_ids: Sequence[int]) -> None:
        for part in chunks(list(user_ids)):
            known = set(connection.execute(select(users.c.id).where(users.c.id.in_(part))).scalars())
            missing = sorted(set(part) - known)
            if missing:
                raise NotFoundError(f"no user {missing[0]}")


def _checked_changes(changes: dict[str, Any]) -> dict[str, Any]:
    checked: dict[str, Any] = {}
    if "title" in changes:
        title = " ".join(str(changes["title"]).split())
        if not title:
            raise InvalidActionError("an assignment needs a title")
        if len(title) > MAX_TITLE:
            raise InvalidActionError(f"the title is longer than {MAX_TITLE} characters")
        checked["title"] = title
    if "due_on" in changes:
        if not isinstance(changes["due_on"], date) or isinstance(changes["due_on"], datetime):
            raise InvalidActionError("the due date must be a date")
        checked["due_on"] = changes["due_on"]
    if "days_allowed" in changes:
        days = changes["days_allowed"]
        if not isinstance(days, int) or not 0 <= days <= 3650:
            raise InvalidActionError("days allowed must be a whole number from 0 to 3650")
        checked["days_allowed"] = days
    if "recert_months" in changes:
        months = changes["recert_months"]
        if months is not None and (not isinstance(months, int) or not 1 <= months <= 120):
            raise InvalidActionError("recertification must be every 1 to 120 months, or never")
        checked["recert_months"] = months
    return checked


def _aware(moment: datetime) -> datetime:
    """Raw column reads on SQLite come back naive (they are UTC)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
