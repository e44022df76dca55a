"""The programme against a real ``streamlit run app.py``: /verify/<code> over HTTP from the app server.

Run with ``python -m pytest tests/e2e -m e2e``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from academy.course.loader import load_course
from academy.programme import standing
from academy.store import format_code, open_store
from tests.e2e.conftest import Server

pytestmark = pytest.mark.e2e


def fetch(url: str, accept: str = "text/html") -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_app_server_verifies_certificates_without_a_browser(app_server: Server) -> None:
    course = load_course().course
    long_ago = datetime.now(UTC) - timedelta(days=400)
    store = open_store(app_server.database_url, clock=lambda: long_ago)
    try:
        admin = store.create_user("chief", "admin-password-123", role="admin")
        people = {
            name: store.create_user(name, "learner-password-456", display_name=name.title())
            for name in ("valid", "expired", "revoked")
        }
        for name, person in people.items():
            store.create_assignment(
                actor_id=admin.id,
                title=f"Orientation {name}",
                modules=["orientation"],
                learner_ids=[person.id],
                due_on=date.today(),
                days_allowed=7,
                recert_months=6 if name == "expired" else None,
            )
            store.complete_module(person.id, "orientation", course.versions["orientation"])
        issued = standing.sync_certificates(store, [p.id for p in people.values()], course, long_ago)
        by_user = {c.user_id: c for c in issued}
        codes = {name: by_user[person.id].code for name, person in people.items()}
        store.revoke_certificate(codes["revoked"], actor_id=admin.id, reason="test")
    finally:
        store.close()

    for name, code in codes.items():
        status, page = fetch(f"{app_server.url}/verify/{format_code(code)}")
        assert status == 200
        assert f'data-status="{name}"' in page
        assert f"Orientation {name}" in page
        status, body = fetch(f"{app_server.url}/verify/{code}", accept="application/json")
        assert json.loads(body)["status"] == name
    assert fetch(f"{app_server.url}/verify/AAAA-BBBB-CCCC")[0] == 404


MANAGER = ("mara", "manager-password-123")
LEARNER = ("lea.morel", "learner-password-456")


def test_a_manager_assigns_a_module_and_the_learner_finishes_it_and_gets_the_certificate(
    browser_page: Any, app_server: Server
) -> None:
    from tests.e2e import test_journey as steps

    page = browser_page
    course = load_course().course
    module = course.module(steps.MODULE)
    bank = course.bank_for(module)
    assert bank is not None
    store = open_store(app_server.database_url)
    try:
        store.create_user("chief", "admin-password-123", role="admin")
        mara = store.create_user(*MANAGER, display_name="Mara Lopez", role="manager")
        lea = store.create_user(*LEARNER, display_name="Léa Morel")
        team = store.create_team("Front desk")
        store.add_member(team.id, lea.id)
        store.add_member(team.id, mara.id, manager=True)

        page.goto(app_server.url)
        steps.sign_in(page, *MANAGER)
        steps.open_menu(page, "Assignments")
        steps.settle(page)
        page.get_by_text("Modules", exact=True).click()
        steps.settle(page)
        form = page.get_by_test_id("stForm").first
        form.get_by_role("combobox", name="Modules (in the order to take them)").click()
        page.get_by_role("option", name=module.title, exact=True).click()
        page.keyboard.press("Escape")
        form.get_by_role("button", name="Assign").click()
        page.get_by_text(f"Assigned {module.title}").wait_for()
        (made,) = store.list_assignments()
        assert (made.team_id, made.modules) == (team.id, (module.id,))
        steps.sign_out(page)

        steps.sign_in(page, *LEARNER)
        page.get_by_role("heading", name="Catalog").wait_for()
        assigned = page.get_by_role("heading", name="Assigned to you")
        assigned.wait_for()
        everything = page.get_by_role("heading", name="All modules")
        assert assigned.bounding_box()["y"] < everything.bounding_box()["y"]  # first in the catalog
        page.get_by_text(f"{made.title}", exact=False).first.wait_for()
        page.get_by_text("On track").first.wait_for()

        steps.start_quiz(page)
        questions = {question.id: question for question in bank.questions}
        while store.in_progress_attempt(lea.id, steps.MODULE) is not None:
            steps.answer_current_question(page, store, lea.id, questions)
        page.get_by_text("You passed").wait_for()

        steps.open_menu(page, "My progress")
        page.get_by_role("heading", name="Certificates").wait_for()
        (certificate,) = store.certificates_for([lea.id])
        page.get_by_text(format_code(certificate.code)).wait_for()
        page.get_by_role("button", name=f"Download: {made.title}").first.wait_for()
    finally:
        store.close()
