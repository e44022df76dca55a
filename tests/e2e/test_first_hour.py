"""What a new admin and a learner on a phone ran into in their first hour, in a real browser.

Run with ``python -m pytest tests/e2e -m e2e``; needs /usr/bin/chromium (skipped without it).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from academy.course.loader import load_course
from academy.engine import roleplay as roleplay_engine
from academy.store import open_store
from tests.e2e.conftest import Server

pytestmark = pytest.mark.e2e

ADMIN = ("chief", "admin-password-123")
LEARNER = ("lea.morel", "learner-password-456")
PHONE = {"width": 390, "height": 844}


def make_accounts(server: Server) -> None:
    store = open_store(server.database_url)
    try:
        store.create_user(ADMIN[0], ADMIN[1], role="admin")
        team = store.create_team("Front desk")
        learner = store.create_user(LEARNER[0], LEARNER[1])
        store.add_member(team.id, learner.id)
    finally:
        store.close()


def sign_in(page: Any, server: Server, username: str, password: str, path: str = "") -> None:
    page.goto(f"{server.url}/{path}")
    page.get_by_role("heading", name="Sign in").wait_for()
    page.get_by_label("Username", exact=True).fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def in_viewport(page: Any, locator: Any) -> bool:
    box = locator.bounding_box()
    viewport = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= viewport["height"]


def longest_scenario() -> tuple[str, Any]:
    course = load_course().course
    return max(
        ((module.id, scenario) for module in course.modules for scenario in module.scenarios),
        key=lambda pair: len(roleplay_engine.analyse(pair[1]).best_path),
    )


def test_after_each_decision_on_a_phone_the_newest_customer_line_is_in_view(
    browser_page: Any, app_server: Server
) -> None:
    make_accounts(app_server)
    module_id, scenario = longest_scenario()
    page = browser_page.context.browser.new_context(viewport=PHONE).new_page()
    page.set_default_timeout(30_000)
    sign_in(page, app_server, *LEARNER, f"roleplay?module={module_id}&scenario={scenario.id}")
    page.get_by_role("button", name="Start the role-play").click()
    page.get_by_text("What do you say?").wait_for()
    state = roleplay_engine.start(scenario)
    path = roleplay_engine.analyse(scenario).best_path
    for number, step in enumerate(path, start=1):
        node = next(node for node in scenario.nodes if node.id == step.node)
        page.get_by_role("button", name=node.choices[step.choice].text, exact=True).click()
        state, _ = roleplay_engine.choose(scenario, state, step.choice)
        if state.finished:
            latest = page.get_by_text("Debrief:")
        else:
            following = next(node for node in scenario.nodes if node.id == state.node)
            latest = page.locator(".st-key-roleplay-latest").get_by_text(following.customer)
        latest.wait_for()
        page.wait_for_timeout(400)  # the scroll runs just after the page is drawn
        assert in_viewport(page, latest), f"decision {number} of {len(path)}: the customer's answer is out of view"


def test_an_admin_sees_every_page_in_the_menu_with_the_current_one_marked(
    browser_page: Any, app_server: Server
) -> None:
    make_accounts(app_server)
    page = browser_page
    sign_in(page, app_server, *ADMIN)
    page.get_by_role("heading", name="Users").wait_for()
    nav = page.get_by_test_id("stSidebarNav")
    assert nav.get_by_text("View", exact=False).filter(has_text="more").count() == 0
    for title in ("Users", "Teams", "Course health", "Team overview", "Catalog"):
        assert nav.get_by_role("link", name=title).is_visible(), title
    current = nav.locator("[aria-current='page']")
    assert current.count() == 1
    assert "Users" in current.inner_text()


def test_adding_a_user_confirms_in_view_and_leaves_an_empty_form(browser_page: Any, app_server: Server) -> None:
    make_accounts(app_server)
    page = browser_page
    sign_in(page, app_server, *ADMIN, "users")
    form = page.get_by_test_id("stForm").first
    form.get_by_label("Username", exact=True).fill("new.starter")
    form.get_by_label("Password", exact=True).fill("a-long-password-1")
    form.get_by_label("Repeat the password", exact=True).fill("a-long-password-1")
    form.get_by_role("button", name="Add user").click()
    confirmation = page.get_by_text("Added new.starter (learner).")
    confirmation.wait_for()
    assert in_viewport(page, confirmation)
    form = page.get_by_test_id("stForm").first
    for label in ("Username", "Password", "Repeat the password"):
        assert form.get_by_label(label, exact=True).input_value() == ""


def test_nothing_the_app_shows_comes_from_outside_the_server(browser_page: Any, app_server: Server) -> None:
    """The favicon once came from a font CDN: a console error on intranet installs."""
    make_accounts(app_server)
    page = browser_page
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    sign_in(page, app_server, *LEARNER, "catalog")
    page.get_by_role("heading", name="Catalog").wait_for()
    page.goto(f"{app_server.url}/lesson")
    page.get_by_role("button", name="Sign out").wait_for()
    page.wait_for_timeout(1500)
    server = urlsplit(app_server.url).netloc
    outside = [url for url in requested if urlsplit(url).scheme in {"http", "https", "ws", "wss"}]
    outside = [url for url in outside if urlsplit(url).netloc != server]
    assert not outside
    icon = page.locator("link[rel~='icon']").first.get_attribute("href") or ""
    assert urlsplit(icon).netloc in {"", server}, icon
