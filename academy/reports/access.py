"""Who may see whom: every report goes through a ``Scope``.

A manager sees the members of the teams they manage; an administrator sees every team and
every learner (also those in no team); a learner sees no report at all. The rule is
enforced here, in the figures, not only by hiding pages: a page that asks for a team or
a learner outside the viewer's scope gets ``AccessDeniedError``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from academy.auth import Role, Team, User
from academy.store import Store


class AccessDeniedError(PermissionError):
    """The viewer may not see this team or learner (or any report at all)."""


@dataclass(frozen=True, slots=True)
class Scope:
    """What one viewer may see."""

    viewer: User | None
    """``None`` for the operator at the command line, who sees everything."""
    teams: tuple[Team, ...]
    """The teams the viewer may pick, by name."""
    everyone: bool
    """True for administrators and the operator: every learner, in a team or not."""

    @property
    def team_ids(self) -> frozenset[int]:
        return frozenset(team.id for team in self.teams)

    def pick(self, team_ids: Iterable[int] | None) -> tuple[Team, ...] | None:
        """The chosen teams (all the viewer's teams when ``None``, or everything for an admin).

        Returns ``None`` when the choice is "every learner" (admin or operator, no team given).
        Raises AccessDeniedError for a team outside the scope.
        """
        if team_ids is None:
            return None if self.everyone else self.teams
        wanted = set(team_ids)
        outside = wanted - self.team_ids
        if outside:
            raise AccessDeniedError(f"not allowed to see team(s) {sorted(outside)}")
        return tuple(team for team in self.teams if team.id in wanted)


@dataclass(frozen=True, slots=True)
class Learner:
    id: int
    username: str
    display_name: str
    teams: tuple[str, ...]
    created_at: datetime
    disabled: bool

    @property
    def team_label(self) -> str:
        return ", ".join(self.teams) or "(no team)"


def scope_for(store: Store, viewer: User) -> Scope:
    """The scope of a signed-in user; AccessDeniedError for learners and disabled accounts."""
    if viewer.disabled:
        raise AccessDeniedError("this account is disabled")
    if viewer.role is Role.ADMIN:
        return Scope(viewer=viewer, teams=tuple(store.list_teams()), everyone=True)
    if viewer.role is Role.MANAGER:
        return Scope(viewer=viewer, teams=tuple(store.teams_managed_by(viewer.id)), everyone=False)
    raise AccessDeniedError("reports are for managers and administrators")


def operator_scope(store: Store) -> Scope:
    """Everything: for the command line, run by whoever holds the database."""
    return Scope(viewer=None, teams=tuple(store.list_teams()), everyone=True)


def learners(
    store: Store, scope: Scope, team_ids: Iterable[int] | None = None, *, include_disabled: bool = False
) -> list[Learner]:
    """The learners the scope shows for the chosen teams, by username.

    A manager's "all teams" is the members of the teams they manage; an administrator's is
    every account with the learner role plus every team member, whatever their role.
    """
    chosen = scope.pick(team_ids)
    if chosen is None:
        found = _everyone(store)
    else:
        found = {}
        for team in chosen:
            for user in store.team_members(team.id):
                entry = found.setdefault(user.id, (user, []))
                entry[1].append(team.name)
    people = [
        Learner(user.id, user.username, user.display_name, tuple(sorted(names)), user.created_at, user.disabled)
        for user, names in found.values()
        if include_disabled or not user.disabled
    ]
    return sorted(people, key=lambda learner: learner.username)


def _everyone(store: Store) -> dict[int, tuple[User, list[str]]]:
    found: dict[int, tuple[User, list[str]]] = {
        user.id: (user, []) for user in store.list_users(role=Role.LEARNER.value)
    }
    for user, team in store.team_memberships():
        entry = found.setdefault(user.id, (user, []))
        entry[1].append(team.name)
    return found


def learner(store: Store, scope: Scope, user_id: int) -> Learner:
    """One learner the scope may see; AccessDeniedError otherwise (also for unknown ids, to say nothing)."""
    user = store.get_user(int(user_id))
    if user is None:
        raise AccessDeniedError("not allowed to see this learner")
    teams = store.teams_of(user.id)
    if not scope.everyone:
        teams = [team for team in teams if team.id in scope.team_ids]
        if not teams:
            raise AccessDeniedError("not allowed to see this learner")
    return Learner(
        user.id,
        user.username,
        user.display_name,
        tuple(sorted(team.name for team in teams)),
        user.created_at,
        user.disabled,
    )
