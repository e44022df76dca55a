"""Signed in across reloads, tabs and app servers, in a real browser (issue 10's done-when).

Run with ``python -m pytest tests/e2e -m e2e``; needs /usr/bin/chromium (skipped without it).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from academy.store import open_store
from tests.e2e.conftest import Server, running_server
from tests.e2e.test_journey import open_menu, settle, sign_in

pytestmark = pytest.mark.e2e

LEARNER = ("lea.morel", "learner-password-456")
COOKIE = "academy_session"


def seed_learner(database_url: str) -> None:
    store = open_store(database_url)
    try:
        store.create_user("chief", "admin-password-123", role="admin")
        store.create_user(*LEARNER)
    finally:
        store.close()


def session_cookie(page: Any, timeout_s: float = 15.0) -> dict[str, Any]:
    """The session cookie as the browser holds it (the page asks for it just after signing in)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = [cookie for cookie in page.context.cookies() if cookie["name"] == COOKIE]
        if found:
            return found[0]
        page.wait_for_timeout(100)
    raise AssertionError(f"no {COOKIE} cookie after signing in: {page.context.cookies()}")


def signed_in_as_learner(page: Any) -> None:
    page.get_by_role("button", name="Sign out").wait_for()
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="My progress").wait_for()


def test_reload_new_tab_and_sign_out_in_another_tab(browser_page: Any, app_server: Server) -> None:
    seed_learner(app_server.database_url)
    page = browser_page
    page.goto(app_server.url)
    sign_in(page, *LEARNER)
    cookie = session_cookie(page)
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert cookie["path"] == "/"
    assert LEARNER[1] not in page.url
    assert cookie["value"] not in page.url

    open_menu(page, "My progress")
    page.reload()
    page.get_by_role("heading", name="My progress").wait_for()  # the same page, still signed in
    signed_in_as_learner(page)
    assert page.url.rstrip("/").endswith("/progress")

    second = page.context.new_page()
    second.goto(app_server.url)
    signed_in_as_learner(second)  # a new tab: signed in without the form

    settle(second)
    second.get_by_role("button", name="Sign out").click()
    second.get_by_role("heading", name="Sign in").wait_for()

    settle(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Lessons").click()  # the first tab's next click
    page.get_by_role("heading", name="Sign in").wait_for()
    page.reload()
    page.get_by_role("heading", name="Sign in").wait_for()  # and no cookie brings the session back


def test_a_second_app_server_on_the_same_database_accepts_the_cookie(browser_page: Any, tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'academy.db'}"
    with running_server(database_url, tmp_path / "first.log") as first:
        seed_learner(database_url)
        page = browser_page
        page.goto(first.url)
        sign_in(page, *LEARNER)
        session_cookie(page)
        with running_server(database_url, tmp_path / "second.log") as second:
            # Cookies belong to the host, not the port: the browser sends this one to the second server.
            other = page.context.new_page()
            other.goto(f"{second.url}/progress")
            other.get_by_role("heading", name="My progress").wait_for()
            signed_in_as_learner(other)
