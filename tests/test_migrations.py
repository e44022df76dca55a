"""Schema migrations: from empty, from the previous revision holding data, and back down."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from academy import auth
from academy.store import Status, migrations, open_store, resolve_url
from academy.store.config import create_store_engine
from academy.store.tables import metadata


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    created = create_store_engine(resolve_url(database_url))
    yield created
    created.dispose()


def schema_differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def test_there_are_at_least_two_revisions_in_a_line() -> None:
    revisions = migrations.revisions()

    assert len(revisions) >= 2
    assert revisions[-1] == migrations.head_revision()


def test_an_empty_database_is_upgraded_to_exactly_the_tables_of_the_code(engine: Engine) -> None:
    assert migrations.current_revision(engine) is None

    migrations.upgrade(engine)

    assert migrations.current_revision(engine) == migrations.head_revision()
    assert set(inspect(engine).get_table_names()) >= set(metadata.tables)
    assert schema_differences(engine) == []


def test_opening_the_store_upgrades_it(database_url: str, engine: Engine) -> None:
    store = open_store(database_url)
    store.close()

    assert migrations.current_revision(engine) == migrations.head_revision()


def test_a_database_at_the_previous_revision_with_data_is_upgraded(database_url: str, engine: Engine) -> None:
    previous = migrations.revisions()[-2]
    migrations.upgrade(engine, previous)
    now = datetime(2026, 1, 5, 8, 30, tzinfo=UTC)
    # Rows written as the previous release wrote them, in its schema.
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (username, display_name, role, password_hash, disabled, created_at,"
                " password_changed_at) VALUES (:name, :display, :role, :hash, :disabled, :now, :now)"
            ),
            [
                {
                    "name": "ana",
                    "display": "Ana",
                    "role": "learner",
                    "hash": auth.hash_password("old secret"),
                    "disabled": False,
                    "now": now,
                },
                {
                    "name": "boss",
                    "display": "Boss",
                    "role": "manager",
                    "hash": auth.hash_password("old secret"),
                    "disabled": False,
                    "now": now,
                },
            ],
        )
        connection.execute(text("INSERT INTO teams (name, created_at) VALUES ('Front desk', :now)"), {"now": now})
        connection.execute(
            text(
                "INSERT INTO memberships (team_id, user_id, kind, created_at)"
                " SELECT t.id, u.id, CASE u.username WHEN 'boss' THEN 'manager' ELSE 'member' END, :now"
                " FROM teams t, users u"
            ),
            {"now": now},
        )

    store = open_store(database_url)
    signed_in = store.authenticate("ana", "old secret")
    team = store.team_by_name("Front desk")
    assert signed_in.user is not None
    assert team is not None
    store.mark_complete(signed_in.user.id, "basics", "greeting", "v1")
    boss = store.user_by_name("boss")
    managed = [t.name for t in store.teams_managed_by(boss.id)] if boss else []
    summaries = store.team_summaries(team.id)
    store.close()

    assert migrations.current_revision(engine) == migrations.head_revision()
    assert signed_in.user.created_at == now
    assert managed == ["Front desk"]
    assert [(s.user_id, s.lessons_done, s.status) for s in summaries] == [(signed_in.user.id, 1, Status.IN_PROGRESS)]


def test_downgrading_to_empty_and_upgrading_again(database_url: str, engine: Engine) -> None:
    migrations.upgrade(engine)
    migrations.downgrade(engine, "base")
    assert migrations.current_revision(engine) is None
    assert not set(inspect(engine).get_table_names()) & set(metadata.tables)

    migrations.upgrade(engine)
    assert schema_differences(engine) == []
