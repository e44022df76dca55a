"""Accounts, roles and teams: the rules, kept apart from where they are stored.

This module decides what a valid username and password are, how passwords are
hashed (argon2id), how hard a username and a client address are throttled after
failed sign-ins, how many hashes may run at once, and how long a signed-in session
lives. ``academy.store`` keeps the accounts, sessions and throttle counters in the
database and calls these rules; the sign-in route calls ``Store.authenticate``.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import threading
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from academy import settings


class Role(StrEnum):
    LEARNER = "learner"
    MANAGER = "manager"
    ADMIN = "admin"


ROLES: tuple[str, ...] = tuple(role.value for role in Role)

# Usernames are compared case-insensitively: "Ana" and "ana" are one account.
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@+-]{0,63}$")
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # argon2 copes with more, but nobody types this; it bounds the work per try
# Display and team names: room for any real name, and within the columns (VARCHAR 200 / 100) on
# PostgreSQL, which refuses longer text where SQLite would quietly keep it.
MAX_DISPLAY_NAME_LENGTH = 100
MAX_TEAM_NAME_LENGTH = 100
# Bidirectional embeddings, overrides and isolates: they make "ana" display as another name.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Control characters (NUL, line breaks, tabs...), line and paragraph separators, surrogates.
_REFUSED_CATEGORIES = frozenset({"Cc", "Zl", "Zp", "Cs"})

# Throttling, per username and per client address: the first failures cost nothing; from
# then on every failure locks the key for a delay that doubles each time, up to
# MAX_LOCK_SECONDS. An address is shared by whole offices (NAT), so it gets more free tries.
# A username's lock holds only against addresses that have failed recently themselves: a
# correct password from a clean address still signs in, so strangers cannot lock anyone out.
FREE_FAILURES = 5
ADDRESS_FREE_FAILURES = 20
FIRST_LOCK_SECONDS = 5.0
MAX_LOCK_SECONDS = 15 * 60.0
# Failures older than this are forgotten and their rows deleted (most are for names that
# do not exist: an attacker spraying random usernames must not grow the table for ever).
THROTTLE_MEMORY = timedelta(hours=1)

SIGN_IN_FAILED_MESSAGE = "Username or password is incorrect."
BUSY_MESSAGE = "The server is busy signing other people in: try again in a moment."


class AccountError(ValueError):
    """A username, password, role or team name that the rules refuse."""


class UserExistsError(AccountError):
    """The username is taken."""


class LastAdminError(AccountError):
    """The change would leave the platform without an enabled administrator."""


class AlreadySetUpError(AccountError):
    """First-run set-up was asked for, but an administrator exists already."""


class UnknownUserError(LookupError):
    """No account has this username (raised to administrators' tools, never to sign-in)."""


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    display_name: str
    role: Role
    disabled: bool
    created_at: datetime

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_manager(self) -> bool:
        return self.role is Role.MANAGER


@dataclass(frozen=True, slots=True)
class Team:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class AuthResult:
    """The outcome of a sign-in.

    ``user`` is set on success. On failure ``user`` is None and ``retry_after`` tells how
    many seconds to wait before the next try is even considered (0 when none). The result
    is identical whether the username exists or not; show ``message`` as is.
    """

    user: User | None
    retry_after: float = 0.0
    busy: bool = False
    """Refused unchecked because the server already hashes as many passwords as it may."""

    @property
    def ok(self) -> bool:
        return self.user is not None

    @property
    def message(self) -> str:
        if self.user is not None:
            return ""
        if self.busy:
            return BUSY_MESSAGE
        if self.retry_after > 0:
            return f"{SIGN_IN_FAILED_MESSAGE} Too many failed tries: wait {self.retry_after:.0f} s."
        return SIGN_IN_FAILED_MESSAGE


def normalise_username(username: str) -> str:
    return username.strip().casefold()


def check_username(username: str) -> str:
    """Return the normalised username, or raise AccountError saying what is wrong."""
    name = normalise_username(username)
    if not USERNAME_PATTERN.fullmatch(name):
        raise AccountError(
            f"username {username!r} is not valid: use 1-64 letters, digits, '.', '_', '@', '+' or '-',"
            " starting with a letter or digit"
        )
    return name


def check_role(role: str) -> Role:
    try:
        return Role(role.strip().lower())
    except ValueError:
        raise AccountError(f"role {role!r} is not one of {', '.join(ROLES)}") from None


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password too short: at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"password too long: at most {MAX_PASSWORD_LENGTH} characters")
    return password


def clean_name(text: str, what: str, *, max_length: int) -> str:
    """The name everyone sees (NFC, single spaces), or AccountError naming the refused character.

    The one rule for display and team names, checked before anything is written, so SQLite
    and PostgreSQL give the same answer (PostgreSQL alone would refuse NUL and long text).
    """
    for character in text:
        if unicodedata.category(character) in _REFUSED_CATEGORIES or character in _BIDI_CONTROLS:
            raise AccountError(
                f"{what} may not contain the control character U+{ord(character):04X}"
                " (line breaks, tabs and direction overrides are refused)"
            )
    cleaned = " ".join(unicodedata.normalize("NFC", text).split())
    if len(cleaned) > max_length:
        raise AccountError(f"{what} is too long: at most {max_length} characters (it has {len(cleaned)})")
    return cleaned


def check_display_name(name: str) -> str:
    """The cleaned display name; empty when none was given (the store then uses the username)."""
    return clean_name(name, "display name", max_length=MAX_DISPLAY_NAME_LENGTH)


def check_team_name(name: str) -> str:
    cleaned = clean_name(name, "team name", max_length=MAX_TEAM_NAME_LENGTH)
    if not cleaned:
        raise AccountError("a team name may not be empty")
    return cleaned


# --- password hashing ------------------------------------------------------------------

_hasher = PasswordHasher()  # argon2id with the RFC 9106 low-memory profile


def configure_hasher(hasher: PasswordHasher) -> None:
    """Swap the argon2 parameters (tests use a cheap profile; production keeps the default)."""
    global _hasher
    _hasher = hasher
    _dummy_hash.cache_clear()


def hash_password(password: str) -> str:
    return _hasher.hash(check_password(password))


# Each argon2 hash takes 64 MiB; more threads than cores would only queue behind each other.
MAX_HASH_THREADS = 8

Progress = Callable[[int, int], None]
"""Called with (done, total) as slow work proceeds."""


def hash_passwords(
    passwords: Sequence[str], progress: Progress | None = None, *, workers: int | None = None
) -> list[str]:
    """Hash many passwords on ``workers`` threads (default: one per core; argon2 releases the GIL), in order."""
    checked = [check_password(password) for password in passwords]
    wanted = workers if workers is not None else (os.cpu_count() or 1)
    workers = max(1, min(wanted, MAX_HASH_THREADS, len(checked)))
    hashes: list[str] = []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="academy-hash") as pool:
        for password_hash in pool.map(_hasher.hash, checked):
            hashes.append(password_hash)
            if progress is not None:
                progress(len(hashes), len(checked))
    return hashes


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash (unknown user) spend the same work and say no."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        if password_hash is None:
            _hasher.verify(_dummy_hash(), password)
            return False
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Verifying against this keeps an unknown username as slow as a known one.
    return _hasher.hash("not-a-real-password-only-for-timing")


# --- throttling ------------------------------------------------------------------------


def lock_seconds(consecutive_failures: int, free: int = FREE_FAILURES) -> float:
    """How long a key (username or address) is locked after this many consecutive failed sign-ins."""
    if consecutive_failures < free:
        return 0.0
    doublings = min(consecutive_failures - free, 32)
    return min(FIRST_LOCK_SECONDS * 2.0**doublings, MAX_LOCK_SECONDS)


# --- the cap on concurrent password hashes ----------------------------------------------

HASH_SLOTS_ENV = "ACADEMY_SIGN_IN_HASHES"


def default_hash_slots() -> int:
    """Half the cores (at least one): each hash takes a core and 64 MiB, and learners need the rest."""
    configured = settings.value(HASH_SLOTS_ENV).strip()
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, (os.cpu_count() or 2) // 2)


# A class signing in at the start of a session: 50 people within a second. Each hash takes
# ~0.12 s of a core, so the last of them waits ~6 s for a slot. Up to SIGN_IN_WAIT_S in a
# queue of at most SIGN_IN_QUEUE people per process they wait instead of being told "busy"
# and pressing again (bench/load.py --burst 50: 281 refusals for 50 people, before); a waiter
# holds a thread but neither a core nor the hash's 64 MiB.
SIGN_IN_WAIT_S = 8.0
SIGN_IN_QUEUE = 100


class HashSlots:
    """How many unauthenticated password checks may run at once in this process, and who may wait.

    Over the cap a sign-in waits for a slot up to ``wait_s`` in a queue of at most
    ``queue`` people; a full queue or a longer wait is answered "busy". Either way a burst
    of tries costs neither memory (each argon2 hash holds 64 MiB) nor the learners' CPU.
    """

    def __init__(self, slots: int, *, wait_s: float = SIGN_IN_WAIT_S, queue: int = SIGN_IN_QUEUE) -> None:
        self.slots = slots
        self.wait_s = wait_s
        self.queue = queue
        self._semaphore = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self._waiting = 0

    @contextmanager
    def slot(self) -> Iterator[bool]:
        """Yields True with a slot held, or False when none came free in time (or the queue is full)."""
        acquired = self._acquire()
        try:
            yield acquired
        finally:
            if acquired:
                self._semaphore.release()

    def _acquire(self) -> bool:
        if self._semaphore.acquire(blocking=False):
            return True
        with self._lock:
            if self._waiting >= self.queue:
                return False
            self._waiting += 1
        try:
            return self._semaphore.acquire(timeout=self.wait_s)
        finally:
            with self._lock:
                self._waiting -= 1


sign_in_hashes = HashSlots(default_hash_slots())


def configure_hash_slots(slots: int, *, wait_s: float = SIGN_IN_WAIT_S, queue: int = SIGN_IN_QUEUE) -> None:
    global sign_in_hashes
    sign_in_hashes = HashSlots(slots, wait_s=wait_s, queue=queue)


# --- sessions --------------------------------------------------------------------------

SESSION_IDLE_ENV = "ACADEMY_SESSION_IDLE_HOURS"
SESSION_MAX_ENV = "ACADEMY_SESSION_MAX_DAYS"
# How long the one-time code that trades a signed-in page for its cookie stays good.
HANDOVER_LIFETIME = timedelta(minutes=1)
# last_seen_at is written at most this often per session, not on every rerun.
SESSION_TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    """How long a signed-in session lives: ``idle`` since its last use, ``absolute`` since sign-in."""

    idle: timedelta = timedelta(hours=12)
    absolute: timedelta = timedelta(days=14)

    @classmethod
    def from_env(cls) -> SessionPolicy:
        default = cls()
        return cls(
            idle=_hours_from_env(SESSION_IDLE_ENV, default.idle, unit=timedelta(hours=1)),
            absolute=_hours_from_env(SESSION_MAX_ENV, default.absolute, unit=timedelta(days=1)),
        )


def _hours_from_env(name: str, default: timedelta, *, unit: timedelta) -> timedelta:
    raw = settings.value(name).strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise AccountError(f"{name}={raw!r} is not a number") from None
    if value <= 0:
        raise AccountError(f"{name} must be greater than 0")
    return value * unit


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """One signed-in session, as an administrator sees it (never its token)."""

    id: int
    user_id: int
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    user_agent: str
    address: str


@dataclass(frozen=True, slots=True)
class SignedIn:
    """Who a session cookie belongs to."""

    session_id: int
    user: User


def new_session_token() -> str:
    """A cookie's value or a one-time handover code: 256 random bits. Only its digest is stored."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    # A fast hash is right here: the token is random, not a password, so nothing is guessed offline.
    return hashlib.sha256(token.encode()).hexdigest()
