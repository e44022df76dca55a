"""The repository the pages, reports and CLI call: ``open_store()`` returns a ``Store``."""

from __future__ import annotations

from academy.store import migrations
from academy.store.analysis import AnalysisMixin
from academy.store.base import Clock, utc_now
from academy.store.config import create_store_engine, resolve_url
from academy.store.exports import ExportsMixin
from academy.store.programme import ProgrammeMixin
from academy.store.signin import SignInMixin


class Store(SignInMixin, ExportsMixin, AnalysisMixin, ProgrammeMixin):
    """Accounts, teams, learner progress and the learning-record log, in one database.

    Every method is one short transaction; nothing it returns is tied to the database
    (frozen dataclasses, dicts, lists). Safe to share between threads: keep one per
    process (e.g. in ``st.cache_resource``).
    """


def open_store(url: str | None = None, *, migrate: bool = True, clock: Clock = utc_now) -> Store:
    """Connect to the store at ``url`` (else $ACADEMY_DATABASE_URL, else progress/academy.db).

    With ``migrate`` (the default) the schema is brought to the newest revision first; app
    replicas starting together migrate once, the others wait.
    """
    engine = create_store_engine(resolve_url(url))
    if migrate:
        migrations.ensure_current(engine)
    return Store(engine, clock=clock)
