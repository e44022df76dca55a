"""Which failures mean "the database cannot be used right now" (as opposed to a bug).

Pages turn these into a message for the person in front of them (``academy.ui.faults``)
instead of Streamlit's generic error page. Nothing here is a retry: transient conflicts
are already retried inside the store (``config.with_retry``); what reaches this point
lasted past that, or cannot go away by running the transaction again.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError

from academy.store.model import StoreBusyError


class Fault(StrEnum):
    BUSY = "busy"
    """Locked past the retry deadline (a long backup, a stuck writer)."""
    READ_ONLY = "read-only"
    """The file, disk or server refuses writes (permissions, a full disk, a read-only standby)."""
    UNREACHABLE = "unreachable"
    """The server refuses or drops connections, or the file cannot be opened."""


# PostgreSQL SQLSTATE classes and codes: connection exceptions, server shutting down or starting,
# too many connections, read-only transaction, disk full.
_UNREACHABLE_CLASSES = ("08",)
_UNREACHABLE_CODES = frozenset({"57P01", "57P02", "57P03", "53300"})
_READ_ONLY_CODES = frozenset({"25006", "53100"})
_READ_ONLY_WORDS = ("readonly database", "read-only", "database or disk is full", "disk full")
_SQLITE_UNREACHABLE_WORDS = ("unable to open", "disk i/o error", "not a database", "malformed")


def classify(error: BaseException) -> Fault | None:
    """The kind of outage ``error`` shows, or None when it is something else (let it surface)."""
    if isinstance(error, StoreBusyError):
        return Fault.BUSY
    if isinstance(error, DisconnectionError):
        return Fault.UNREACHABLE
    if not isinstance(error, DBAPIError):
        return None
    sqlstate = getattr(error.orig, "sqlstate", None) or ""
    message = str(error.orig).lower()
    if sqlstate in _READ_ONLY_CODES or any(words in message for words in _READ_ONLY_WORDS):
        return Fault.READ_ONLY
    if (
        error.connection_invalidated
        or sqlstate.startswith(_UNREACHABLE_CLASSES)
        or sqlstate in _UNREACHABLE_CODES
        or isinstance(error, InterfaceError)
    ):
        return Fault.UNREACHABLE
    if not isinstance(error, OperationalError):
        return None
    if "locked" in message or "busy" in message:
        return Fault.BUSY
    if error.orig.__class__.__module__.startswith("sqlite3"):
        # Other SQLite operational errors ("no such table") are bugs, not outages.
        return Fault.UNREACHABLE if any(words in message for words in _SQLITE_UNREACHABLE_WORDS) else None
    return Fault.UNREACHABLE if not sqlstate else None  # psycopg: refused, timed out, no route
