"""Schema migrations (Alembic), run from Python: no alembic.ini, no separate tool.

``upgrade(engine)`` brings a database to the newest revision inside one transaction that
also holds a lock (SQLite's write lock, a PostgreSQL advisory lock), so app replicas
starting together migrate once and the others wait, then find nothing to do.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from academy.store.config import WRITE_OPTION, with_retry

SCRIPT_LOCATION = Path(__file__).resolve().parent
# Any constant will do; it only has to be the same in every process that migrates.
_ADVISORY_LOCK_KEY = 0x4143_4144_454D_59  # "ACADEMY"


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head_revision() -> str:
    head = _scripts().get_current_head()
    assert head is not None, "no migrations found"
    return head


def revisions() -> list[str]:
    """Every revision id, oldest first."""
    return [script.revision for script in reversed(list(_scripts().walk_revisions()))]


def current_revision(engine: Engine) -> str | None:
    def read() -> str | None:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    return with_retry(read)


def upgrade(engine: Engine, revision: str = "head") -> None:
    _run(engine, lambda config: command.upgrade(config, revision))


def downgrade(engine: Engine, revision: str) -> None:
    _run(engine, lambda config: command.downgrade(config, revision))


def ensure_current(engine: Engine) -> None:
    """Upgrade to head unless the database is there already (the cheap, common case)."""
    if current_revision(engine) != head_revision():
        upgrade(engine)


def _run(engine: Engine, alembic_command: Callable[[Config], None]) -> None:
    def attempt() -> None:
        with engine.connect() as connection:
            connection.execution_options(**{WRITE_OPTION: True})
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})
                alembic_command(_config(connection))

    with_retry(attempt)
