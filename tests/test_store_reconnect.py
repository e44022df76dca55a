"""A connection the database server dropped costs one retry, not a learner's action.

The PostgreSQL pool does not ping before each transaction (a round trip per transaction;
docs/benchmarks.md); ``with_retry`` runs a transaction once more when its connection turns
out to be dead, and only once, so a server that is really down is still reported as down.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from academy.store import open_store, resolve_url
from academy.store.config import with_retry
from tests.conftest import fresh_postgres_schema, postgres_base_url


def _dropped_connection() -> OperationalError:
    error = OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))
    error.connection_invalidated = True
    return error


def test_a_dropped_connection_is_retried_once_on_a_fresh_one() -> None:
    calls: list[int] = []

    def work() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise _dropped_connection()
        return "done"

    assert with_retry(work) == "done"
    assert len(calls) == 2


def test_a_server_that_stays_unreachable_is_reported_after_one_retry() -> None:
    calls: list[int] = []

    def work() -> str:
        calls.append(1)
        raise _dropped_connection()

    with pytest.raises(OperationalError):
        with_retry(work)
    assert len(calls) == 2


# Against a real server only when one is configured, as in conftest: a plain run shows no skips.
if postgres_base_url():

    @pytest.mark.postgres
    def test_after_the_server_ends_every_pooled_connection_the_next_read_and_write_succeed() -> None:
        base_url = postgres_base_url()
        assert base_url is not None
        name = f"reconnect-{uuid.uuid4().hex[:12]}"  # only this store's connections are ended
        with fresh_postgres_schema(base_url) as schema_url:
            url = resolve_url(schema_url).update_query_dict({"application_name": name})
            store = open_store(url.render_as_string(hide_password=False))
            admin = create_engine(resolve_url(base_url), isolation_level="AUTOCOMMIT")
            try:
                store.create_user("ana", "a-long-enough-password")
                with admin.connect() as connection:  # what a server restart does to the pool
                    ended = connection.execute(
                        text(
                            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            "WHERE application_name = :name"
                        ),
                        {"name": name},
                    ).scalar_one()
                assert ended >= 1
                assert [user.username for user in store.list_users()] == ["ana"]
                store.create_user("ben", "a-long-enough-password")
                assert [user.username for user in store.list_users()] == ["ana", "ben"]
            finally:
                store.close()
                admin.dispose()
