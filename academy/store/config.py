"""Where the store lives and how to connect to it.

Which URL is chosen (the caller's, ``ACADEMY_DATABASE_URL``, secrets, or
``sqlite:///progress/academy.db``) is ``academy.settings``' rule. A relative SQLite path is
relative to the project root, not to the working directory, so the CLI and the app always
find the same file.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import StaticPool

from academy import settings
from academy.settings import PROJECT_ROOT
from academy.store.model import DatabaseUrlError, StoreBusyError

logger = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 5_000
# SQLite copies the write-ahead log into the database file at a "checkpoint". Left to
# itself it does so inside whichever commit crosses the threshold, which costs that one
# learner action several milliseconds (the p99 write latency); so a background thread
# checkpoints every WAL_CHECKPOINT_INTERVAL_S and the automatic threshold is only a
# safety net for processes without one.
WAL_CHECKPOINT_INTERVAL_S = 1.0
WAL_AUTOCHECKPOINT_PAGES = 10_000
RETRY_DEADLINE_S = 60.0

# Execution option asking for a write transaction; on SQLite it begins with BEGIN IMMEDIATE
# so that the write lock is taken up front and a later upgrade from read to write cannot fail.
WRITE_OPTION = "academy_write"

# PostgreSQL: serialization failure and deadlock; both are safe to retry from the start.
_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})

T = TypeVar("T")


def resolve_url(url: str | None = None) -> URL:
    """The database URL to use, with drivers and relative paths settled."""
    raw = settings.database_url(url)
    if raw.startswith("postgres://"):  # the scheme some hosting providers hand out
        raw = "postgresql://" + raw.removeprefix("postgres://")
    try:
        parsed = make_url(raw)
    except ArgumentError:
        # The message never repeats the text: it may hold a password.
        raise DatabaseUrlError("the database URL cannot be read: write sqlite:///FILE or postgresql://…") from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database)
        if not path.is_absolute():
            path = PROJECT_ROOT / path
        parsed = parsed.set(database=str(path))
    return parsed


def describe_url(url: URL) -> str:
    """The URL with any password hidden, for messages and logs."""
    return url.render_as_string(hide_password=True)


def create_store_engine(url: URL) -> Engine:
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    if url.get_backend_name() == "postgresql":
        # No pool_pre_ping: it cost a round trip before every transaction (five to seven per
        # learner action). A connection the server dropped (a restart) fails its first statement
        # instead, SQLAlchemy then discards every pooled connection of that age, and with_retry
        # runs the transaction once more on a fresh one. tests/test_store_postgres_reconnect.py
        # A pool as large as the scripts that run at once (settings.DEFAULT_DB_POOL_SIZE says why).
        return create_engine(url, pool_size=settings.db_pool_size(), max_overflow=10, hide_parameters=True)
    raise DatabaseUrlError(f"unsupported database {describe_url(url)}: use sqlite:/// or postgresql://")


def _sqlite_engine(url: URL) -> Engine:
    in_memory = not url.database or url.database == ":memory:"
    if not in_memory:
        Path(url.database or "").parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        # A failed statement's message would otherwise carry its values (a password hash,
        # a learner's answer) into logs and tracebacks.
        hide_parameters=True,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        # One shared connection keeps an in-memory database alive; files get a normal pool.
        **({"poolclass": StaticPool} if in_memory else {}),
    )
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        # In WAL mode NORMAL loses no committed data on an application crash, only possibly
        # the last transactions on a power cut, and saves an fsync per commit.
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # Deleted rows are overwritten with zeros, not just unlinked, whatever the SQLite build's
        # default: an erased learner must not stay readable in the file's free space.
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
    finally:
        cursor.close()


def is_sqlite_file(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:")


class WalCheckpointer:
    """Checkpoints a SQLite database from a daemon thread, off the learners' write path."""

    def __init__(self, engine: Engine, interval_s: float) -> None:
        # A weak reference: a store dropped without close() lets its engine go, and the thread ends.
        self._engine = weakref.ref(engine)
        self._interval_s = interval_s
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, name="academy-wal-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stopped.wait(self._interval_s):
            engine = self._engine()
            if engine is None:
                return
            try:
                self._checkpoint(engine)
            except Exception:
                # A failed checkpoint is tried again next time; the thread must not die of it.
                logger.warning("WAL checkpoint failed", exc_info=True)
            del engine

    @staticmethod
    def _checkpoint(engine: Engine) -> None:
        connection = engine.raw_connection()
        try:
            # PASSIVE never waits for, nor blocks, readers and writers.
            connection.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            connection.close()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)


def _begin_sqlite_transaction(connection: Any) -> None:
    mode = "IMMEDIATE" if connection.get_execution_options().get(WRITE_OPTION) else "DEFERRED"
    connection.exec_driver_sql(f"BEGIN {mode}")


def is_transient(error: DBAPIError) -> bool:
    """A failure that goes away by running the whole transaction again."""
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate in _RETRYABLE_SQLSTATES:
        return True
    message = str(error.orig).lower()
    return "database is locked" in message or "database is busy" in message or "table is locked" in message


def with_retry(work: Callable[[], T], deadline_s: float = RETRY_DEADLINE_S) -> T:
    """Run ``work`` (a whole transaction) again while it fails transiently, with jittered backoff.

    Every write the store makes is idempotent or checked inside its transaction, so a rerun
    never doubles anything (a connection lost during COMMIT included). Past the deadline the
    caller gets StoreBusyError, never a raw "database is locked".
    """
    give_up_at = time.monotonic() + deadline_s
    delay = 0.005
    stale_retried = False
    while True:
        try:
            return work()
        except DBAPIError as error:
            if error.connection_invalidated and not stale_retried:
                # A pooled connection the server had closed: the pool has dropped it and its
                # peers, so once more at once. Only once: a server that is down stays an outage.
                stale_retried = True
                continue
            if not is_transient(error):
                raise
            if time.monotonic() + delay > give_up_at:
                raise StoreBusyError(f"the database stayed busy for {deadline_s:.0f} s") from error
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 0.5)
