"""Signing in: the throttle that counts before it hashes, and the sessions behind the cookie.

The rules (free tries, delays, lifetimes, the cap on concurrent hashes) are in
``academy.auth``; this module keeps their state in the database, so every app server
on one database throttles and recognises sessions alike, and a restart forgets nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, RowMapping, case, delete, func, select, update

from academy import auth
from academy.auth import AuthResult, SessionInfo, SessionPolicy, SignedIn
from academy.store.accounts import ADDRESS_SCOPE, USER_COLUMNS, USER_SCOPE, AccountsMixin, user_from
from academy.store.tables import session_handovers, sessions, sign_in_throttle, users

USER_AGENT_LENGTH = 300
ADDRESS_LENGTH = 64
# Expired throttle rows and sessions are swept at most this often per process.
SWEEP_INTERVAL = timedelta(minutes=1)


class _RefusedError(Exception):
    """Raised inside the reservation transaction to roll it back: the try is not even checked."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class _Reservation:
    name: str | None
    address: str | None
    retry_after: float
    """The wait this try's failure imposes on its client, should the password turn out wrong."""


class SignInMixin(AccountsMixin):
    _last_sweep: datetime | None = None
    _session_policy: SessionPolicy | None = None

    @property
    def session_policy(self) -> SessionPolicy:
        """Session lifetimes: $ACADEMY_SESSION_IDLE_HOURS and $ACADEMY_SESSION_MAX_DAYS, else 12 h and 14 days."""
        if self._session_policy is None:
            self._session_policy = SessionPolicy.from_env()
        return self._session_policy

    def set_session_policy(self, policy: SessionPolicy) -> None:
        self._session_policy = policy

    # --- sign-in ----------------------------------------------------------------------

    def authenticate(self, username: str, password: str, *, address: str | None = None) -> AuthResult:
        """Sign in. Failures never say whether the username exists.

        In this order: a hash slot (none free within a short wait: "busy", nothing counted); the failure
        is reserved in one transaction with the throttle check (a locked try is refused
        unchecked); only then the password is hashed; a success gives the reservation back.
        ``address`` is the client's IP address (None from the CLI and tests: no address
        throttle, and the username's lock always applies).
        """
        name = auth.normalise_username(username)
        valid_name = name if auth.USERNAME_PATTERN.fullmatch(name) else None
        with auth.sign_in_hashes.slot() as acquired:
            if not acquired:
                return AuthResult(user=None, busy=True)
            try:
                reservation = self._write(lambda connection: self._reserve_failure(connection, valid_name, address))
            except _RefusedError as refused:
                return AuthResult(user=None, retry_after=refused.retry_after)
            row = self._password_row(valid_name) if valid_name else None
            password_ok = auth.verify_password(row["password_hash"] if row else None, password)
            if row is None or not password_ok or row["disabled"]:
                return AuthResult(user=None, retry_after=reservation.retry_after)
            new_hash = auth.hash_password(password) if auth.needs_rehash(row["password_hash"]) else None
        self._write(lambda connection: self._release(connection, reservation, row["id"], new_hash))
        return AuthResult(user=user_from(row))

    def throttle_rows(self) -> int:
        """How many throttle counters are kept (names and addresses with recent failures)."""
        query = select(func.count()).select_from(sign_in_throttle)
        return int(self._read(lambda connection: connection.execute(query).scalar_one()))

    def _password_row(self, name: str) -> RowMapping | None:
        query = select(*USER_COLUMNS, users.c.password_hash).where(users.c.username == name)
        return self._read(lambda connection: connection.execute(query).mappings().first())

    def _reserve_failure(self, connection: Connection, name: str | None, address: str | None) -> _Reservation:
        """Count this try as a failure before its password is checked, or refuse it (raise _RefusedError)."""
        now = self._now()
        self._sweep(connection, now)
        address = address[:ADDRESS_LENGTH] if address else None
        by_address = self._add_failure(connection, ADDRESS_SCOPE, address, now) if address else None
        by_user = self._add_failure(connection, USER_SCOPE, name, now) if name else None
        # The upserts above hold the rows (PostgreSQL row locks; SQLite's write lock), so
        # concurrent tries are counted one after the other and each sees the others' count.
        address_failures_before = by_address[0] - 1 if by_address else None
        waits = []
        if by_address and by_address[1] is not None and by_address[1] > now:
            waits.append((by_address[1] - now).total_seconds())
        # A username's lock does not stop an address with no failures of its own.
        clean_address = address_failures_before == 0
        if by_user and by_user[1] is not None and by_user[1] > now and not clean_address:
            waits.append((by_user[1] - now).total_seconds())
        if waits:
            raise _RefusedError(max(waits))
        retry_after = 0.0
        if by_address:
            retry_after = max(retry_after, self._lock(connection, ADDRESS_SCOPE, address, by_address[0], now))
        if by_user:
            retry_after = max(retry_after, self._lock(connection, USER_SCOPE, name, by_user[0], now))
        return _Reservation(name=name, address=address, retry_after=retry_after)

    def _add_failure(
        self, connection: Connection, scope: str, key: str | None, now: datetime
    ) -> tuple[int, datetime | None]:
        """One more failure for (scope, key): the new count and the lock in force before it."""
        forgotten = now - auth.THROTTLE_MEMORY
        statement = self._insert(connection, sign_in_throttle).values(
            scope=scope, key=key, failures=1, locked_until=None, last_failure_at=now
        )
        statement = statement.on_conflict_do_update(
            index_elements=[sign_in_throttle.c.scope, sign_in_throttle.c.key],
            set_={
                "failures": case(
                    (sign_in_throttle.c.last_failure_at < forgotten, 1), else_=sign_in_throttle.c.failures + 1
                ),
                "last_failure_at": now,
            },
        ).returning(sign_in_throttle.c.failures, sign_in_throttle.c.locked_until)
        failures, locked_until = connection.execute(statement).one()
        return int(failures), locked_until

    @staticmethod
    def _lock(connection: Connection, scope: str, key: str | None, failures: int, now: datetime) -> float:
        free = auth.ADDRESS_FREE_FAILURES if scope == ADDRESS_SCOPE else auth.FREE_FAILURES
        seconds = auth.lock_seconds(failures, free)
        if seconds:
            connection.execute(
                update(sign_in_throttle)
                .where(sign_in_throttle.c.scope == scope, sign_in_throttle.c.key == key)
                .values(locked_until=now + timedelta(seconds=seconds))
            )
        return seconds

    def _release(self, connection: Connection, reservation: _Reservation, user_id: int, new_hash: str | None) -> None:
        """The password was right: the name's count goes; the address gets its reserved try back.

        Rows are touched in the reservation's order (address, then name), so a release and a
        reservation running at once on PostgreSQL never wait for each other in a circle.
        """
        if reservation.address:
            # Only the one reserved try: signing in to one's own account must not wipe the
            # failures an address ran up against other names.
            failures = sign_in_throttle.c.failures - 1
            connection.execute(
                update(sign_in_throttle)
                .where(
                    sign_in_throttle.c.scope == ADDRESS_SCOPE,
                    sign_in_throttle.c.key == reservation.address,
                    sign_in_throttle.c.failures > 0,
                )
                .values(
                    failures=failures,
                    locked_until=case(
                        (failures < auth.ADDRESS_FREE_FAILURES, None), else_=sign_in_throttle.c.locked_until
                    ),
                )
            )
        if reservation.name:
            connection.execute(
                delete(sign_in_throttle).where(
                    sign_in_throttle.c.scope == USER_SCOPE, sign_in_throttle.c.key == reservation.name
                )
            )
        if new_hash is not None:  # argon2 parameters were raised since this hash was made
            connection.execute(update(users).where(users.c.id == user_id).values(password_hash=new_hash))

    def _sweep(self, connection: Connection, now: datetime) -> None:
        """Delete forgotten throttle rows and expired sessions, at most once a minute per process."""
        if self._last_sweep is not None and now - self._last_sweep < SWEEP_INTERVAL:
            return
        self._last_sweep = now
        forgotten = now - auth.THROTTLE_MEMORY
        connection.execute(delete(sign_in_throttle).where(sign_in_throttle.c.last_failure_at < forgotten))
        policy = self.session_policy
        connection.execute(delete(session_handovers).where(session_handovers.c.expires_at <= now))
        connection.execute(
            delete(sessions).where((sessions.c.expires_at <= now) | (sessions.c.last_seen_at <= now - policy.idle))
        )

    # --- sessions ---------------------------------------------------------------------

    def start_session(self, user_id: int, *, user_agent: str = "", address: str = "") -> tuple[int, str]:
        """A new signed-in session for ``user_id``: its id, and a one-time code for its cookie.

        The page that signed in keeps the id (server-side, in its session state) and posts the
        code to ``/auth/session``, which answers with the cookie (``claim_handover``). Until
        then the session has a random token nobody holds, so nothing but the page can use it.
        """
        code = auth.new_session_token()
        now = self._now()
        policy = self.session_policy

        def work(connection: Connection) -> int:
            self._sweep(connection, now)
            session_id = connection.execute(
                sessions.insert()
                .values(
                    token_hash=auth.token_digest(auth.new_session_token()),
                    user_id=user_id,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + policy.absolute,
                    user_agent=user_agent[:USER_AGENT_LENGTH],
                    address=address[:ADDRESS_LENGTH],
                )
                .returning(sessions.c.id)
            ).scalar_one()
            connection.execute(
                session_handovers.insert().values(
                    code_hash=auth.token_digest(code), session_id=session_id, expires_at=now + auth.HANDOVER_LIFETIME
                )
            )
            return int(session_id)

        return self._write(work), code

    def claim_handover(self, code: str) -> str | None:
        """Trade a one-time code for its session's cookie token (once, within a minute); None otherwise.

        A fresh token replaces the session's, so only the cookie set now signs it in.
        """
        if not code:
            return None
        token = auth.new_session_token()
        now = self._now()

        def work(connection: Connection) -> bool:
            session_id = connection.execute(
                delete(session_handovers)
                .where(session_handovers.c.code_hash == auth.token_digest(code), session_handovers.c.expires_at > now)
                .returning(session_handovers.c.session_id)
            ).scalar()
            if session_id is None:
                return False
            changed = connection.execute(
                update(sessions)
                .where(sessions.c.id == session_id, sessions.c.expires_at > now)
                .values(token_hash=auth.token_digest(token))
            ).rowcount
            return bool(changed)

        return token if self._write(work) else None

    def session_user(self, token: str) -> SignedIn | None:
        """Who the cookie's token signs in, or None (unknown, ended, idle too long, expired, account disabled)."""
        if not token:
            return None
        return self._live_session(sessions.c.token_hash == auth.token_digest(token))

    def session_by_id(self, session_id: int) -> SignedIn | None:
        """The same check for a page that holds its session's id (it signed in, or resolved its cookie)."""
        return self._live_session(sessions.c.id == session_id)

    def _live_session(self, which: Any) -> SignedIn | None:
        """The live session matching ``which`` and its user; marks it used (at most once a minute)."""
        now = self._now()
        policy = self.session_policy
        query = (
            select(sessions.c.id.label("session_id"), sessions.c.last_seen_at, *USER_COLUMNS)
            .join(users, users.c.id == sessions.c.user_id)
            .where(
                which,
                sessions.c.expires_at > now,
                sessions.c.last_seen_at > now - policy.idle,
                users.c.disabled.is_(False),
            )
        )
        row = self._read(lambda connection: connection.execute(query).mappings().first())
        if row is None:
            return None
        if now - row["last_seen_at"] >= auth.SESSION_TOUCH_INTERVAL:
            statement = update(sessions).where(sessions.c.id == row["session_id"]).values(last_seen_at=now)
            self._write(lambda connection: connection.execute(statement))
        return SignedIn(session_id=row["session_id"], user=user_from(row))

    def end_session(self, session_id: int) -> None:
        """Sign out: this session only (the account's others stay)."""
        self._write(lambda connection: connection.execute(delete(sessions).where(sessions.c.id == session_id)))

    def end_session_by_id(self, user_id: int, session_id: int) -> bool:
        """An administrator ends one session of ``user_id``; False when it had ended already."""
        statement = delete(sessions).where(sessions.c.id == session_id, sessions.c.user_id == user_id)
        return bool(self._write(lambda connection: connection.execute(statement).rowcount))

    def end_sessions(self, user_id: int) -> int:
        """End every session of an account; how many there were."""
        statement = delete(sessions).where(sessions.c.user_id == user_id)
        return int(self._write(lambda connection: connection.execute(statement).rowcount))

    def active_sessions(self, user_id: int) -> list[SessionInfo]:
        """An account's live sessions, the most recently used first."""
        now = self._now()
        query = (
            select(sessions)
            .where(
                sessions.c.user_id == user_id,
                sessions.c.expires_at > now,
                sessions.c.last_seen_at > now - self.session_policy.idle,
            )
            .order_by(sessions.c.last_seen_at.desc(), sessions.c.id.desc())
        )
        rows = self._read(lambda connection: connection.execute(query).mappings().all())
        return [
            SessionInfo(
                id=row["id"],
                user_id=row["user_id"],
                created_at=row["created_at"],
                last_seen_at=row["last_seen_at"],
                expires_at=row["expires_at"],
                user_agent=row["user_agent"],
                address=row["address"],
            )
            for row in rows
        ]
