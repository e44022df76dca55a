"""What every part of the repository shares: transactions with retry, the clock, the log."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, Insert, RowMapping, Select, Table, delete, false, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from academy.store import config
from academy.store.config import WRITE_OPTION, WalCheckpointer, describe_url, is_sqlite_file, with_retry
from academy.store.model import Verb
from academy.store.tables import learning_records, sign_in_throttle

T = TypeVar("T")
Clock = Callable[[], datetime]

# IN lists are cut to this size; far below SQLite's and PostgreSQL's parameter limits.
CHUNK = 500


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def children_of(
    connection: Connection,
    table: Table,
    parent: str,
    order: str,
    parent_ids: Sequence[str],
    build: Callable[[Any], T],
) -> dict[str, tuple[T, ...]]:
    """The rows of ``table`` under each of ``parent_ids`` (by its ``parent`` column), in
    ``order``, built into objects: one query per chunk of parents, never one per parent."""
    found: dict[str, list[T]] = {}
    for part in chunks(parent_ids):
        query = select(table).where(table.c[parent].in_(part)).order_by(table.c[parent], table.c[order])
        for row in connection.execute(query).mappings():
            found.setdefault(row[parent], []).append(build(row))
    return {parent_id: tuple(children) for parent_id, children in found.items()}


class StoreBase:
    """Holds the engine; runs each public call as one short transaction."""

    def __init__(self, engine: Engine, *, clock: Clock = utc_now) -> None:
        self._engine = engine
        # PostgreSQL reads without BEGIN and ROLLBACK around them: at READ COMMITTED (the
        # default, used here) each statement takes its own snapshot inside a transaction
        # too, so a read sees exactly what it saw before, for one round trip per statement
        # instead of two more per read. SQLite keeps its transaction: there a read of
        # several statements sees one snapshot of the file. docs/benchmarks.md
        self._reader = (
            engine.execution_options(isolation_level="AUTOCOMMIT") if engine.dialect.name == "postgresql" else engine
        )
        self._clock = clock
        self._checkpointer = (
            WalCheckpointer(engine, config.WAL_CHECKPOINT_INTERVAL_S)
            if is_sqlite_file(engine) and config.WAL_CHECKPOINT_INTERVAL_S
            else None
        )

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return describe_url(self._engine.url)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self._engine.dialect.name

    def ping(self) -> None:
        """One round trip to the database (health checks); raises when it does not answer."""
        self._read(lambda connection: connection.exec_driver_sql("SELECT 1").scalar())

    def flush_erased(self) -> bool:
        """Push erased data out of the SQLite write-ahead log; True when the log is emptied.

        With ``secure_delete`` the database file keeps zeros where deleted rows were, but the
        log (``-wal``) still holds the pages as they were before the delete until a checkpoint
        copies them back and truncates it. PostgreSQL needs VACUUM instead (see the operations
        guide); there this does nothing and returns True.
        """
        if not is_sqlite_file(self._engine):
            return True
        connection = self._engine.raw_connection()
        try:
            busy, _, _ = connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            connection.close()
        return not busy

    def probe_write(self) -> None:
        """One try, without retries, at a write that changes nothing; raises if writes fail.

        A page that could not save waits for this to pass before it runs again: a database
        that answers reads may still be locked, read-only or full.
        """
        with self._engine.connect() as connection:
            connection.execution_options(**{WRITE_OPTION: True})
            with connection.begin() as transaction:
                connection.execute(delete(sign_in_throttle).where(false()))
                transaction.rollback()

    def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
        self._engine.dispose()

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the store's clock must return aware datetimes")
        return now.astimezone(UTC)

    def _write(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in one write transaction, again from the start if it fails transiently."""

        def attempt() -> T:
            with self._engine.connect() as connection:
                connection.execution_options(**{WRITE_OPTION: True})
                with connection.begin():
                    return work(connection)

        return with_retry(attempt)

    def _read(self, work: Callable[[Connection], T]) -> T:
        def attempt() -> T:
            with self._reader.connect() as connection:
                return work(connection)

        return with_retry(attempt)

    def _read_first(self, query: Select[Any], build: Callable[[Connection, RowMapping], T]) -> T | None:
        """The first row of ``query`` built by ``build`` (which may read more on the same connection), or None."""

        def read(connection: Connection) -> T | None:
            row = connection.execute(query).mappings().first()
            return build(connection, row) if row is not None else None

        return self._read(read)

    @staticmethod
    def _insert(connection: Connection, table: Table) -> Any:
        """An INSERT that knows ON CONFLICT for the connection's dialect."""
        if connection.dialect.name == "postgresql":
            return postgresql_insert(table)
        return sqlite_insert(table)

    def _log_about(
        self,
        connection: Connection,
        row: Mapping[Any, Any],
        *,
        key: str | None,
        verb: Verb,
        at: datetime,
        detail: dict[str, Any] | None = None,
        **objects: str | None,
    ) -> bool:
        """``_log`` for a record about an attempt or run row: its learner, module and content version."""
        return self._log(
            connection,
            key=key,
            user_id=row["user_id"],
            module_id=row["module_id"],
            version=row["content_version"],
            verb=verb,
            at=at,
            detail=detail,
            **objects,
        )

    def _log(
        self,
        connection: Connection,
        *,
        key: str | None,
        user_id: int,
        module_id: str,
        version: str,
        verb: Verb,
        at: datetime,
        detail: dict[str, Any] | None = None,
        **objects: str | None,
    ) -> bool:
        """Append one learning record; False (and nothing written) when ``key`` was seen before."""
        statement: Insert = self._insert(connection, learning_records).values(
            id=new_id(),
            key=key,
            user_id=user_id,
            module_id=module_id,
            content_version=version,
            verb=verb.value,
            detail=detail or {},
            at=at,
            **objects,
        )
        if key is not None:
            statement = statement.on_conflict_do_nothing()  # type: ignore[attr-defined]
        # RETURNING, not rowcount: PostgreSQL reports rowcount -1 for an INSERT that returns rows.
        return connection.execute(statement.returning(learning_records.c.seq)).first() is not None


def ids_list(values: Iterable[int]) -> list[int]:
    return sorted(set(values))
