"""The session module: where the store is, caching of store and course, and the page registry."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from academy.auth import Role
from academy.settings import DEFAULT_DATABASE_URL
from academy.store import ENV_VAR
from academy.ui import navigation
from academy.ui.navigation import PageSpec, Registry

SHOW_URL = """
import streamlit as st
from academy.ui import session
st.text(repr(session.database_url()))
"""

SAME_OBJECTS = """
import streamlit as st
from academy.ui import session
st.text(f"{id(session.store())} {id(session.course())}")
"""


def shown(at: AppTest) -> str:
    return at.text[0].value


def test_the_url_comes_from_the_environment_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "sqlite:////tmp/from-env.db")
    at = AppTest.from_string(SHOW_URL)
    at.secrets["database_url"] = "sqlite:////tmp/from-secrets.db"
    assert shown(at.run()) == repr("sqlite:////tmp/from-env.db")


def test_then_from_secrets_then_the_stores_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)
    with_secret = AppTest.from_string(SHOW_URL)
    with_secret.secrets["database_url"] = "sqlite:////tmp/from-secrets.db"
    assert shown(with_secret.run()) == repr("sqlite:////tmp/from-secrets.db")
    assert shown(AppTest.from_string(SHOW_URL).run()) == repr(DEFAULT_DATABASE_URL)


def test_store_and_course_are_made_once_not_on_every_rerun(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, database_url)
    at = AppTest.from_string(SAME_OBJECTS, default_timeout=60).run()
    first = shown(at)
    assert shown(at.run()) == first
    assert shown(AppTest.from_string(SAME_OBJECTS, default_timeout=60).run()) == first  # another session shares them


def _page() -> None:
    """A page body for registry tests."""


def test_the_registry_refuses_two_pages_at_one_address() -> None:
    registry = Registry([PageSpec(_page, "One", ":material/star:", "same", frozenset(Role))])
    with pytest.raises(ValueError, match="two pages claim the url path 'same'"):
        registry.add(PageSpec(_page, "Two", ":material/star:", "same", frozenset(Role)))
    with pytest.raises(ValueError, match="one non-empty segment"):
        registry.add(PageSpec(_page, "Nested", ":material/star:", "a/b", frozenset(Role)))


def test_the_registry_orders_by_section_then_order_and_picks_each_roles_default() -> None:
    learners = frozenset(Role)
    registry = Registry(
        [
            PageSpec(
                _page,
                "Admin",
                ":material/star:",
                "admin-page",
                frozenset({Role.ADMIN}),
                section="Administer",
                default_for=frozenset({Role.ADMIN}),
            ),
            PageSpec(_page, "Second", ":material/star:", "second", learners, order=20),
            PageSpec(_page, "First", ":material/star:", "first", learners, order=10),
        ]
    )
    assert [spec.url_path for spec in registry.all()] == ["first", "second", "admin-page"]
    assert [spec.url_path for spec in registry.for_role(Role.LEARNER)] == ["first", "second"]
    assert registry.default_for(Role.ADMIN).url_path == "admin-page"
    assert registry.default_for(Role.MANAGER).url_path == "first"


def test_every_discovered_page_has_a_material_icon_and_a_unique_title() -> None:
    specs = navigation.registry().all()
    assert all(spec.icon.startswith(":material/") for spec in specs)
    assert len({spec.title for spec in specs}) == len(specs)
    assert {Role.LEARNER, Role.MANAGER, Role.ADMIN} <= {role for spec in specs for role in spec.default_for}
