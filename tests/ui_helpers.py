"""What the AppTest page tests share: a database per test, seeded users, and the app opened at a page.

``world`` points ``ACADEMY_DATABASE_URL`` at the test's own database (the ``database_url``
fixture of conftest.py: a SQLite file, or a PostgreSQL schema when configured); the app
run by AppTest opens its own store there, as the real server would.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from academy.content.schema import Course
from academy.course.loader import load_course
from academy.store import ENV_VAR, Store, User, open_store
from academy.ui.session import USER_KEY

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PASSWORD = "a-long-enough-password"
TIMEOUT_S = 30


@dataclass
class World:
    store: Store
    course: Course
    url: str

    def user(self, username: str, role: str = "learner", *, display_name: str = "") -> User:
        return self.store.create_user(username, PASSWORD, display_name=display_name, role=role)

    def app(self, user: User | None = None, path: str | None = None, **query: str) -> AppTest:
        """The app as ``user`` (None: signed out) asking for ``/path?query``, after its first run."""
        at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
        if user is not None:
            at.session_state[USER_KEY] = user.id
        at.query_params.update(query)
        if path is not None:
            goto(at, path)
        return at.run()

    def version(self, module_id: str) -> str:
        return self.course.versions[module_id]


def goto(at: AppTest, path: str) -> AppTest:
    """Ask for ``/path`` as a browser would: st.navigation names a page by the hash of its URL path."""
    at._page_hash = calc_hash(path)  # AppTest.switch_page only knows file pages; ours are callables
    return at


def title(at: AppTest) -> str:
    """The page's title without its icon."""
    assert at.title, "the page has no title"
    return at.title[0].value.split(" ", 1)[-1]


def texts(at: AppTest) -> str:
    """Everything written on the page (markdown, captions, alerts, subheaders), for 'is it shown' checks."""
    parts: list[Any] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "success",
        "warning",
        "error",
        "metric",
    ):
        for element in getattr(at, kind):
            parts.append(getattr(element, "value", ""))
            parts.append(getattr(element, "label", ""))
    return "\n".join(str(part) for part in parts)


def button(at: AppTest, label: str) -> Any:
    found = [element for element in at.button if element.label == label]
    assert found, f"no button {label!r}; buttons: {[element.label for element in at.button]}"
    return found[0]


def no_exceptions(at: AppTest) -> None:
    assert not at.exception, [element.value for element in at.exception]


@pytest.fixture
def world(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    monkeypatch.setenv(ENV_VAR, database_url)
    store = open_store(database_url)
    try:
        yield World(store=store, course=load_course().course, url=database_url)
    finally:
        store.close()
