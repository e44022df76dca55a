"""In a real browser: a locked database is explained, and the page comes back by itself.

The page script writes on every run (as a learner's answer does). While the test holds
SQLite's write lock the page shows the outage message; once the lock is released, the
waiting fragment's probe succeeds and the page reruns on its own, with no click.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from academy.store import open_store
from academy.store.faults import Fault
from academy.ui.faults import HEADLINES, RECOVERED
from tests.e2e.script_server import script_server

pytestmark = pytest.mark.e2e

SCRIPT = """
import streamlit as st
from academy.ui import faults, session

def page():
    session.store().probe_write()  # a write, like saving an answer
    st.markdown("saved-marker")

faults.run_guarded(page)
"""


def test_a_locked_database_is_explained_then_the_page_recovers(tmp_path: Path, browser_page: object) -> None:
    database = tmp_path / "academy.db"
    open_store(f"sqlite:///{database}").close()
    script = tmp_path / "page.py"
    script.write_text(SCRIPT)
    lock = sqlite3.connect(database, isolation_level=None, timeout=30)
    lock.execute("BEGIN EXCLUSIVE")
    try:
        with script_server(script, env={"ACADEMY_DATABASE_URL": f"sqlite:///{database}"}) as url:
            page = browser_page
            page.goto(url)  # type: ignore[attr-defined]
            page.get_by_text(HEADLINES[Fault.BUSY]).wait_for(timeout=90_000)  # type: ignore[attr-defined]
            shown = page.locator("[data-testid='stMain']").inner_text()  # type: ignore[attr-defined]
            assert "not saved" in shown
            assert "Everything you did before it is safe" in shown

            lock.execute("ROLLBACK")
            released = time.monotonic()
            page.get_by_text("saved-marker").wait_for(timeout=60_000)  # type: ignore[attr-defined]
            recovered_after = time.monotonic() - released
            page.get_by_text(RECOVERED).wait_for(timeout=10_000)  # type: ignore[attr-defined]
            assert page.get_by_text(HEADLINES[Fault.BUSY]).count() == 0  # type: ignore[attr-defined]
    finally:
        lock.close()

    assert recovered_after < 30
