"""Database outages on a page (AppTest): a plain message, nothing lost, and recovery by itself."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from streamlit.testing.v1 import AppTest

from academy.engine import quiz as engine
from academy.store import ENV_VAR, StoreBusyError
from academy.store.faults import Fault, classify
from academy.ui import faults
from tests.test_ui_quiz import MODULE, fill, open_attempt, question, start
from tests.ui_helpers import APP, TIMEOUT_S, World, texts, world

__all__ = ["world"]


class ReadOnly:
    """Every transaction on every engine is made read-only while ``on`` (SQLite and PostgreSQL)."""

    def __init__(self) -> None:
        self.on = False

    def __call__(self, connection: Any) -> None:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql(f"PRAGMA query_only = {int(self.on)}")
        elif self.on:
            connection.exec_driver_sql("SET TRANSACTION READ ONLY")


@pytest.fixture
def read_only() -> Iterator[ReadOnly]:
    switch = ReadOnly()
    event.listen(Engine, "begin", switch)
    try:
        yield switch
    finally:
        event.remove(Engine, "begin", switch)


def test_a_read_only_database_is_explained_and_the_page_recovers(
    world: World, read_only: ReadOnly, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(faults, "RETRY_EVERY_S", 0.0)
    learner = world.user("ana")
    at = start(world, learner)
    attempt = open_attempt(world, learner)
    asked = question(world, attempt.next_question)
    fill(at, attempt, asked, engine.correct_response(asked))

    read_only.on = True
    next(element for element in at.button if element.label.startswith("Submit")).click().run()

    assert not at.exception
    shown = texts(at)
    assert faults.HEADLINES[Fault.READ_ONLY] in shown
    assert "was **not saved**" in shown
    assert "Everything you did before it is safe" in shown
    assert world.store.in_progress_attempt(learner.id, MODULE).answers == ()

    with pytest.raises(DBAPIError) as refused:
        world.store.probe_write()  # what the waiting fragment tries every few seconds
    assert classify(refused.value) is Fault.READ_ONLY

    read_only.on = False
    world.store.probe_write()
    at.session_state[faults.RECOVERED_KEY] = True  # as the fragment leaves it when its probe passes
    at.run()  # ... and reruns the page: back, with the learner's choice still set
    assert not at.exception
    assert faults.HEADLINES[Fault.READ_ONLY] not in texts(at)
    assert [toast.value for toast in at.toast] == [faults.RECOVERED]
    next(element for element in at.button if element.label.startswith("Submit")).click().run()
    assert not at.exception
    answers = world.store.in_progress_attempt(learner.id, MODULE).answers
    assert [answer.question_id for answer in answers] == [asked.id]


def test_a_busy_database_on_any_page_is_a_message_not_an_error_page(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    learner = world.user("ana")

    def busy(*_args: object, **_kwargs: object) -> None:
        raise StoreBusyError("the database stayed busy for 60 s")

    monkeypatch.setattr("academy.store.Store.mark_viewed", busy)
    at = world.app(learner, "lesson", module=MODULE)

    assert not at.exception
    assert faults.HEADLINES[Fault.BUSY] in texts(at)


def test_a_bug_is_not_disguised_as_an_outage(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    learner = world.user("ana")

    def bug(*_args: object, **_kwargs: object) -> None:
        raise KeyError("a real bug")

    monkeypatch.setattr("academy.store.Store.mark_viewed", bug)
    at = world.app(learner, "lesson", module=MODULE)

    assert at.exception


def test_refused_connections_are_an_outage() -> None:
    import sqlite3

    refused = OperationalError("SELECT 1", {}, Exception("connection refused"))
    locked = OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))
    read_only = OperationalError("INSERT", {}, sqlite3.OperationalError("attempt to write a readonly database"))
    missing_table = OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: users"))

    assert classify(refused) is Fault.UNREACHABLE
    assert classify(locked) is Fault.BUSY
    assert classify(read_only) is Fault.READ_ONLY
    assert classify(missing_table) is None
    assert classify(ValueError("x")) is None


def test_postgresql_refusing_connections_is_explained(monkeypatch: pytest.MonkeyPatch, free_port: int) -> None:
    monkeypatch.setenv(ENV_VAR, f"postgresql+psycopg://academy@127.0.0.1:{free_port}/academy?connect_timeout=2")

    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S).run()

    assert not at.exception
    assert faults.HEADLINES[Fault.UNREACHABLE] in texts(at)


@pytest.fixture
def free_port() -> int:
    """A local port nothing listens on: connections to it are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
