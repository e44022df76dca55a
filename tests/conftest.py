"""Shared fixtures: a store on SQLite and, when ACADEMY_TEST_POSTGRES_URL is set, on PostgreSQL.

Every test gets its own database: a SQLite file under tmp_path, or a fresh PostgreSQL
schema (dropped afterwards), so tests can run in parallel (pytest -n 2).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from sqlalchemy import create_engine, text

from academy import auth
from academy.store import Store, User, open_store, resolve_url

POSTGRES_ENV = "ACADEMY_TEST_POSTGRES_URL"


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> None:
    # Production hashing costs ~50 ms and 64 MiB per password; tests create hundreds.
    auth.configure_hasher(PasswordHasher.from_parameters(CHEAPEST))


@contextmanager
def fresh_postgres_schema(base_url: str) -> Iterator[str]:
    """A URL whose connections work in a new, empty schema; the schema is dropped on exit."""
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(resolve_url(base_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = resolve_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def postgres_base_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


# The PostgreSQL variant exists only when a server is configured, so a plain run shows no skips.
DATABASES = [pytest.param("sqlite", id="sqlite")]
if postgres_base_url():
    DATABASES.append(pytest.param("postgres", id="postgres", marks=pytest.mark.postgres))


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty database (no tables yet): a SQLite file, or a fresh PostgreSQL schema."""
    base_url = postgres_base_url()
    if request.param == "sqlite" or base_url is None:
        yield f"sqlite:///{tmp_path_factory.mktemp('store')}/academy.db"
        return
    with fresh_postgres_schema(base_url) as url:
        yield url


class FakeClock:
    """A clock the test moves by hand (throttle locks, time spent)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(database_url: str, clock: FakeClock) -> Iterator[Store]:
    """A migrated store on a fresh database whose clock the test controls."""
    opened = open_store(database_url, clock=clock)
    yield opened
    opened.close()


@pytest.fixture
def learner(store: Store) -> User:
    return store.create_user("lena", "correct horse", display_name="Lena Learner")
