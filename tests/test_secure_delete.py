"""Erasing a learner leaves no trace of them in the SQLite files (database and write-ahead log)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from academy.store import config, open_store
from tests.conftest import FakeClock

MARKER = "Zebulon Quetzalcoatl-Erasable"


def raw_bytes(database: Path) -> bytes:
    return b"".join(path.read_bytes() for path in database.parent.glob(database.name + "*"))


def test_a_deleted_learner_is_not_left_in_the_database_or_its_log(tmp_path: Path) -> None:
    database = tmp_path / "academy.db"
    store = open_store(f"sqlite:///{database}", clock=FakeClock())
    try:
        store.create_user("admin", "correct horse", role="admin")
        store.create_user("zeb", "correct horse", display_name=MARKER)
        for index in range(30):  # neighbours on the same pages, so the pages stay in use
            store.create_user(f"user{index}", "correct horse", display_name=f"Neighbour {index}")
        with sqlite3.connect(database) as raw:  # the marker is really on disk, in the database file
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert MARKER.encode() in raw_bytes(database)

        store.learner_delete("zeb")

        assert MARKER.encode() not in raw_bytes(database)
        assert store.user_by_name("user7") is not None
    finally:
        store.close()


def test_store_connections_overwrite_deleted_content_whatever_the_build(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / "academy.db")
    connection.execute("PRAGMA secure_delete = OFF")  # as on a build without SQLITE_SECURE_DELETE
    try:
        config._configure_sqlite_connection(connection, None)
        assert connection.execute("PRAGMA secure_delete").fetchone() == (1,)
    finally:
        connection.close()
