"""Accounts, teams, memberships and sign-in (the rules live in ``academy.auth``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, RowMapping, Select, delete, exists, func, select, text, update
from sqlalchemy.exc import IntegrityError

from academy import auth
from academy.auth import (
    AccountError,
    AlreadySetUpError,
    LastAdminError,
    Role,
    Team,
    UnknownUserError,
    User,
    UserExistsError,
)
from academy.store.base import StoreBase
from academy.store.model import NotFoundError
from academy.store.tables import memberships, sessions, sign_in_throttle, teams, users

MEMBER = "member"
MANAGER = "manager"
USER_SCOPE = "user"
ADDRESS_SCOPE = "address"
# Every transaction that could leave no enabled administrator (disable, demote, delete, first
# set-up) takes this PostgreSQL advisory lock first, so two of them run one after the other and
# the second sees the first's result. SQLite needs none: its write transactions (BEGIN
# IMMEDIATE) already run one at a time.
_ADMIN_GUARD_LOCK = 0x4143_4144_4D49_4E  # "ACADMIN"


@dataclass(frozen=True, slots=True)
class NewAccount:
    """One account to create with ``Store.create_users`` (a roster line, already checked)."""

    username: str
    password: str
    display_name: str = ""
    role: str = Role.LEARNER.value
    teams: tuple[str, ...] = field(default=())
    """Teams the account belongs to (created when missing)."""
    manages: tuple[str, ...] = field(default=())
    """Teams the account manages (created when missing)."""


def user_from(row: RowMapping) -> User:
    return User(
        id=row["id"],
        username=row["username"],
        display_name=row["display_name"],
        role=Role(row["role"]),
        disabled=bool(row["disabled"]),
        created_at=row["created_at"],
    )


def team_from(row: RowMapping) -> Team:
    return Team(id=row["id"], name=row["name"])


USER_COLUMNS = [users.c.id, users.c.username, users.c.display_name, users.c.role, users.c.disabled, users.c.created_at]


class AccountsMixin(StoreBase):
    # --- users ------------------------------------------------------------------------

    def has_any_admin(self) -> bool:
        """True once an enabled administrator exists (the app asks for one on first run)."""
        query = select(exists().where(*_ENABLED_ADMIN))
        return bool(self._read(lambda connection: connection.execute(query).scalar()))

    def create_user(
        self, username: str, password: str, *, display_name: str = "", role: str = Role.LEARNER.value
    ) -> User:
        """Create an account; raises AccountError (bad name, role or password) or UserExistsError."""
        account = _checked(NewAccount(username, password, display_name, role))
        password_hash = auth.hash_password(account.password)  # slow on purpose: outside the transaction
        return self._write(lambda connection: self._insert_user(connection, account, password_hash))

    def create_first_admin(self, username: str, password: str, *, display_name: str = "") -> User:
        """First-run set-up: the administrator, only while no enabled one exists.

        Atomic: of many set-up forms submitted at once exactly one creates its account; the
        others get AlreadySetUpError (and the slow hash is done before the lock, not under it).
        """
        account = _checked(NewAccount(username, password, display_name, Role.ADMIN.value))
        password_hash = auth.hash_password(account.password)

        def work(connection: Connection) -> User:
            self._lock_admin_guard(connection)
            if connection.execute(select(exists().where(*_ENABLED_ADMIN))).scalar():
                raise AlreadySetUpError("the academy is set up already: sign in")
            return self._insert_user(connection, account, password_hash)

        return self._write(work)

    def create_users(
        self, accounts: Sequence[NewAccount], progress: auth.Progress | None = None, *, workers: int | None = None
    ) -> list[User]:
        """Create many accounts, their teams and memberships: all of them, or none.

        The passwords are hashed first, on ``workers`` threads (default: every core) and
        outside the transaction; ``progress`` hears (hashed, total) after each one.
        """
        checked = [_checked(account) for account in accounts]
        names = [account.username for account in checked]
        if len(set(names)) != len(names):
            raise AccountError("the same username appears twice")
        hashes = auth.hash_passwords([account.password for account in checked], progress, workers=workers)

        def work(connection: Connection) -> list[User]:
            created = [self._insert_user(connection, a, h) for a, h in zip(checked, hashes, strict=True)]
            for account, user in zip(checked, created, strict=True):
                for team_name in account.teams:
                    self._add_membership(connection, self._team_id(connection, team_name), user.id, MEMBER)
                for team_name in account.manages:
                    self._add_membership(connection, self._team_id(connection, team_name), user.id, MANAGER)
            return created

        return self._write(work)

    def get_user(self, user_id: int) -> User | None:
        query = select(*USER_COLUMNS).where(users.c.id == user_id)
        row = self._read(lambda connection: connection.execute(query).mappings().first())
        return user_from(row) if row else None

    def user_by_name(self, username: str) -> User | None:
        query = select(*USER_COLUMNS).where(users.c.username == auth.normalise_username(username))
        row = self._read(lambda connection: connection.execute(query).mappings().first())
        return user_from(row) if row else None

    def list_users(
        self,
        *,
        role: str | None = None,
        include_disabled: bool = True,
        search: str | None = None,
        limit: int | None = None,
    ) -> list[User]:
        """Accounts in username order; ``search`` matches part of the username or display name."""
        query = self._user_filter(select(*USER_COLUMNS), role, include_disabled, search).order_by(users.c.username)
        if limit is not None:
            query = query.limit(limit)
        rows = self._read(lambda connection: connection.execute(query).mappings().all())
        return [user_from(row) for row in rows]

    def count_users(self, *, role: str | None = None, include_disabled: bool = True, search: str | None = None) -> int:
        query = self._user_filter(select(func.count()).select_from(users), role, include_disabled, search)
        return int(self._read(lambda connection: connection.execute(query).scalar_one()))

    @staticmethod
    def _user_filter(query: Select, role: str | None, include_disabled: bool, search: str | None) -> Select:
        if role is not None:
            query = query.where(users.c.role == auth.check_role(role).value)
        if not include_disabled:
            query = query.where(users.c.disabled.is_(False))
        if search:
            # The user's text is a LIKE pattern only after its wildcards are escaped.
            pattern = "%" + search.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            query = query.where(
                users.c.username.like(pattern, escape="\\")
                | func.lower(users.c.display_name).like(pattern, escape="\\")
            )
        return query

    def set_password(self, username: str, password: str) -> None:
        """Replace a password, end every session of the account and lift any sign-in lock on it."""
        password_hash = auth.hash_password(password)
        name = auth.normalise_username(username)

        def work(connection: Connection) -> None:
            user_id = connection.execute(
                update(users)
                .where(users.c.username == name)
                .values(password_hash=password_hash, password_changed_at=self._now())
                .returning(users.c.id)
            ).scalar()
            if user_id is None:
                raise UnknownUserError(username)
            connection.execute(delete(sessions).where(sessions.c.user_id == user_id))
            connection.execute(
                delete(sign_in_throttle).where(sign_in_throttle.c.scope == USER_SCOPE, sign_in_throttle.c.key == name)
            )

        self._write(work)

    def disable_user(self, username: str, *, disabled: bool = True) -> User:
        """Disable (or with ``disabled=False`` enable) an account; its progress is kept, its sessions end.

        Raises LastAdminError rather than disable the last enabled administrator.
        """
        return self._update_user(username, disabled=disabled)

    def set_role(self, username: str, role: str) -> User:
        """Change a role; the account's sessions end (it signs in again with its new pages).

        Raises LastAdminError rather than demote the last enabled administrator.
        """
        return self._update_user(username, role=auth.check_role(role).value)

    def may_view_learner(self, viewer: User, learner_id: int) -> bool:
        """Admins see everyone, managers the members of teams they manage, learners themselves."""
        if viewer.disabled:
            return False
        if viewer.role is Role.ADMIN or viewer.id == learner_id:
            return True
        if viewer.role is not Role.MANAGER:
            return False
        managed = memberships.alias("managed")
        member = memberships.alias("member")
        query = select(
            exists()
            .where(managed.c.user_id == viewer.id, managed.c.kind == MANAGER)
            .where(member.c.team_id == managed.c.team_id, member.c.user_id == learner_id, member.c.kind == MEMBER)
        )
        return bool(self._read(lambda connection: connection.execute(query).scalar()))

    # --- teams ------------------------------------------------------------------------

    def create_team(self, name: str) -> Team:
        team_name = auth.check_team_name(name)

        def work(connection: Connection) -> Team:
            try:
                with connection.begin_nested():
                    team_id = connection.execute(
                        teams.insert().values(name=team_name, created_at=self._now()).returning(teams.c.id)
                    ).scalar_one()
            except IntegrityError:
                raise AccountError(f"team {team_name!r} exists already") from None
            return Team(id=team_id, name=team_name)

        return self._write(work)

    def get_team(self, team_id: int) -> Team | None:
        row = self._read(lambda c: c.execute(select(teams).where(teams.c.id == team_id)).mappings().first())
        return team_from(row) if row else None

    def team_by_name(self, name: str) -> Team | None:
        try:
            team_name = auth.check_team_name(name)
        except AccountError:
            return None  # no team can have a name the rules refuse
        query = select(teams).where(teams.c.name == team_name)
        row = self._read(lambda connection: connection.execute(query).mappings().first())
        return team_from(row) if row else None

    def list_teams(self) -> list[Team]:
        rows = self._read(lambda c: c.execute(select(teams).order_by(teams.c.name)).mappings().all())
        return [team_from(row) for row in rows]

    def add_member(self, team_id: int, user_id: int, *, manager: bool = False) -> None:
        """Put a user in a team (``manager=True``: make them one of its managers). Idempotent."""
        kind = MANAGER if manager else MEMBER

        def work(connection: Connection) -> None:
            if not connection.execute(select(exists().where(teams.c.id == team_id))).scalar():
                raise NotFoundError(f"no team {team_id}")
            if not connection.execute(select(exists().where(users.c.id == user_id))).scalar():
                raise NotFoundError(f"no user {user_id}")
            self._add_membership(connection, team_id, user_id, kind)

        self._write(work)

    def remove_member(self, team_id: int, user_id: int, *, manager: bool = False) -> None:
        kind = MANAGER if manager else MEMBER
        self._write(
            lambda connection: connection.execute(
                delete(memberships).where(
                    memberships.c.team_id == team_id, memberships.c.user_id == user_id, memberships.c.kind == kind
                )
            )
        )

    def teams_managed_by(self, user_id: int) -> list[Team]:
        return self._teams_of(user_id, MANAGER)

    def teams_of(self, user_id: int) -> list[Team]:
        """The teams a user belongs to as a member."""
        return self._teams_of(user_id, MEMBER)

    def team_members(self, team_id: int) -> list[User]:
        """The team's members (not its managers), by username."""
        return self._team_users(team_id, MEMBER)

    def team_managers(self, team_id: int) -> list[User]:
        return self._team_users(team_id, MANAGER)

    # --- helpers ----------------------------------------------------------------------

    def _insert_user(self, connection: Connection, account: NewAccount, password_hash: str) -> User:
        now = self._now()
        try:
            with connection.begin_nested():
                row = (
                    connection.execute(
                        users.insert()
                        .values(
                            username=account.username,
                            display_name=account.display_name,
                            role=account.role,
                            password_hash=password_hash,
                            disabled=False,
                            created_at=now,
                            password_changed_at=now,
                        )
                        .returning(*USER_COLUMNS)
                    )
                    .mappings()
                    .one()
                )
        except IntegrityError:
            raise UserExistsError(f"username {account.username!r} is taken") from None
        return user_from(row)

    def _update_user(self, username: str, **values: Any) -> User:
        name = auth.normalise_username(username)

        def work(connection: Connection) -> User:
            self._lock_admin_guard(connection)
            before = connection.execute(select(*USER_COLUMNS).where(users.c.username == name)).mappings().first()
            if before is None:
                raise UnknownUserError(username)
            statement = update(users).where(users.c.id == before["id"]).values(**values)
            row = connection.execute(statement.returning(*USER_COLUMNS)).mappings().one()
            was, now = user_from(before), user_from(row)
            if _is_enabled_admin(was) and not _is_enabled_admin(now):
                self._ensure_an_admin_remains(connection)
            if (was.role, was.disabled) != (now.role, now.disabled):
                connection.execute(delete(sessions).where(sessions.c.user_id == now.id))
            return now

        return self._write(work)

    @staticmethod
    def _lock_admin_guard(connection: Connection) -> None:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADMIN_GUARD_LOCK})

    @staticmethod
    def _ensure_an_admin_remains(connection: Connection) -> None:
        """Inside the transaction that took the admin guard: refuse (roll back) a change that left none."""
        if not connection.execute(select(exists().where(*_ENABLED_ADMIN))).scalar():
            raise LastAdminError("this is the last enabled administrator: make another account an administrator first")

    def _team_id(self, connection: Connection, name: str) -> int:
        """The id of the team with this name, created if missing."""
        team_name = auth.check_team_name(name)
        statement = self._insert(connection, teams).values(name=team_name, created_at=self._now())
        connection.execute(statement.on_conflict_do_nothing())
        return connection.execute(select(teams.c.id).where(teams.c.name == team_name)).scalar_one()

    def _add_membership(self, connection: Connection, team_id: int, user_id: int, kind: str) -> None:
        statement = self._insert(connection, memberships).values(
            team_id=team_id, user_id=user_id, kind=kind, created_at=self._now()
        )
        connection.execute(statement.on_conflict_do_nothing())

    def _teams_of(self, user_id: int, kind: str) -> list[Team]:
        query = (
            select(teams)
            .join(memberships, memberships.c.team_id == teams.c.id)
            .where(memberships.c.user_id == user_id, memberships.c.kind == kind)
            .order_by(teams.c.name)
        )
        rows = self._read(lambda connection: connection.execute(query).mappings().all())
        return [team_from(row) for row in rows]

    def _team_users(self, team_id: int, kind: str) -> list[User]:
        query = (
            select(*USER_COLUMNS)
            .join(memberships, memberships.c.user_id == users.c.id)
            .where(memberships.c.team_id == team_id, memberships.c.kind == kind)
            .order_by(users.c.username)
        )
        rows = self._read(lambda connection: connection.execute(query).mappings().all())
        return [user_from(row) for row in rows]

    @staticmethod
    def _count(connection: Connection, query: Any) -> int:
        return int(connection.execute(select(func.count()).select_from(query.subquery())).scalar_one())


_ENABLED_ADMIN = (users.c.role == Role.ADMIN.value, users.c.disabled.is_(False))


def _is_enabled_admin(user: User) -> bool:
    return user.role is Role.ADMIN and not user.disabled


def _checked(account: NewAccount) -> NewAccount:
    username = auth.check_username(account.username)
    return NewAccount(
        username=username,
        password=auth.check_password(account.password),
        display_name=auth.check_display_name(account.display_name) or username,
        role=auth.check_role(account.role).value,
        teams=tuple(auth.check_team_name(team) for team in account.teams),
        manages=tuple(auth.check_team_name(team) for team in account.manages),
    )
