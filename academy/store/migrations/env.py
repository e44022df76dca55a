"""Alembic's entry point for the store's migrations.

The store runs migrations programmatically (``academy.store.migrations.upgrade``) on a
connection it has already opened inside a transaction, so this file only hands that
connection to Alembic; there is no alembic.ini.
"""

from __future__ import annotations

from alembic import context

from academy.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite can only alter tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
