"""Where the store lives, how SQLite is tuned, and that "database is locked" never reaches a caller."""

from __future__ import annotations

import gc
import sqlite3
import threading
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError

from academy.store import DEFAULT_URL, ENV_VAR, Store, StoreBusyError, open_store, resolve_url
from academy.store import config as store_config
from academy.store.config import PROJECT_ROOT, create_store_engine, with_retry


def test_the_default_is_a_sqlite_file_under_the_project(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.chdir("/")

    url = resolve_url()

    assert DEFAULT_URL == "sqlite:///progress/academy.db"
    assert url.database == str(PROJECT_ROOT / "progress" / "academy.db")


def test_an_explicit_url_beats_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENV_VAR, f"sqlite:///{tmp_path}/from-env.db")

    assert resolve_url().database == f"{tmp_path}/from-env.db"
    assert resolve_url(f"sqlite:///{tmp_path}/given.db").database == f"{tmp_path}/given.db"


@pytest.mark.parametrize(
    "given",
    ["postgres://u:secret@db:5432/academy", "postgresql://u:secret@db:5432/academy"],
)
def test_postgresql_urls_use_psycopg_3(given: str) -> None:
    url = resolve_url(given)

    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.database, url.password) == ("db", "academy", "secret")


def test_other_databases_are_refused() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        create_store_engine(resolve_url("mysql://u@db/academy"))


def test_the_database_and_its_directory_are_created_on_first_use(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "academy.db"
    store = open_store(f"sqlite:///{path}")
    store.create_user("ana", "password-1")
    store.close()

    assert path.exists()
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_sqlite_connections_are_tuned(tmp_path: Path) -> None:
    engine = create_store_engine(resolve_url(f"sqlite:///{tmp_path}/academy.db"))
    with engine.connect() as connection:
        settings = {
            name: connection.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
        }
    engine.dispose()

    assert settings == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "synchronous": 1,  # NORMAL
        "busy_timeout": store_config.SQLITE_BUSY_TIMEOUT_MS,
    }


def test_an_in_memory_store_works_for_a_quick_shell() -> None:
    store = open_store("sqlite:///:memory:")
    user = store.create_user("ana", "password-1")
    store.mark_complete(user.id, "basics", "greeting", "v1")

    assert store.completed_lessons(user.id, "basics") == {"greeting"}


def file_size_after_writes(tmp_path: Path, wait_s: float) -> tuple[int, int]:
    """(database file size, WAL size) after 50 actions and a pause."""
    path = tmp_path / "academy.db"
    store = open_store(f"sqlite:///{path}")
    user = store.create_user("ana", "password-1")
    for lesson in range(50):
        store.mark_complete(user.id, "basics", f"lesson-{lesson}", "v1")
    time.sleep(wait_s)
    sizes = path.stat().st_size, Path(f"{path}-wal").stat().st_size
    store.close()
    return sizes


def test_a_background_thread_checkpoints_the_wal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_config, "WAL_CHECKPOINT_INTERVAL_S", 0.05)
    checkpointed, wal = file_size_after_writes(tmp_path / "with", wait_s=0.5)
    monkeypatch.setattr(store_config, "WAL_CHECKPOINT_INTERVAL_S", 0)
    left_in_wal, _ = file_size_after_writes(tmp_path / "without", wait_s=0.5)

    # Without the thread the pages stay in the WAL (below the automatic threshold).
    assert left_in_wal < 8192 < wal
    assert checkpointed > 10 * left_in_wal


def checkpoint_threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if thread.name == "academy-wal-checkpoint"}


def test_the_checkpoint_thread_ends_with_its_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_config, "WAL_CHECKPOINT_INTERVAL_S", 0.02)
    before = checkpoint_threads()
    closed = open_store(f"sqlite:///{tmp_path}/closed.db")
    dropped = open_store(f"sqlite:///{tmp_path}/dropped.db")
    started = checkpoint_threads() - before
    assert len(started) == 2

    closed.close()
    del dropped  # never closed: the thread must not keep it, or itself, alive
    gc.collect()
    for thread in started:
        thread.join(timeout=5)

    assert not any(thread.is_alive() for thread in started)


def hold_write_lock(path: Path, seconds: float, started: threading.Event) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    started.set()
    time.sleep(seconds)
    connection.execute("COMMIT")
    connection.close()


@pytest.mark.slow
def test_a_lock_held_longer_than_the_busy_timeout_is_waited_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A short busy timeout makes SQLite give up fast; the store must retry, not raise.
    monkeypatch.setattr(store_config, "SQLITE_BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "academy.db"
    store = open_store(f"sqlite:///{path}")
    user = store.create_user("ana", "password-1")
    started = threading.Event()
    holder = threading.Thread(target=hold_write_lock, args=(path, 1.0, started))
    holder.start()
    started.wait()

    begun = time.monotonic()
    assert store.mark_complete(user.id, "basics", "greeting", "v1") is True
    waited = time.monotonic() - begun
    holder.join()

    assert waited >= 0.5
    assert store.completed_lessons(user.id, "basics") == {"greeting"}
    store.close()


def test_retry_gives_up_with_a_clear_error_past_its_deadline() -> None:
    calls = []

    def always_locked() -> None:
        calls.append(1)
        raise OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))

    with pytest.raises(StoreBusyError):
        with_retry(always_locked, deadline_s=0.05)
    assert len(calls) > 1


def test_retry_does_not_hide_real_errors() -> None:
    calls = []

    def broken() -> None:
        calls.append(1)
        raise OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: users"))

    with pytest.raises(OperationalError, match="no such table"):
        with_retry(broken)
    assert len(calls) == 1


def test_postgresql_reads_skip_the_transaction_and_writes_keep_theirs(store: Store) -> None:
    # Reads on PostgreSQL run in autocommit (no BEGIN/ROLLBACK round trips; at READ COMMITTED
    # each statement had its own snapshot anyway); SQLite reads keep their one-snapshot
    # transaction. Writes are one transaction everywhere, also on a pooled connection that
    # served a read just before.
    postgres = store.dialect == "postgresql"

    def in_transaction(connection: Connection) -> bool:
        connection.execute(text("SELECT 1"))
        driver = connection.connection.dbapi_connection
        if postgres:  # what the server was told: IDLE means no transaction block is open
            return driver.info.transaction_status != psycopg.pq.TransactionStatus.IDLE
        return bool(driver.in_transaction)

    for _ in range(3):
        assert store._read(in_transaction) is not postgres
        assert store._write(in_transaction) is True
