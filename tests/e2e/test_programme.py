"""The programme against a real ``streamlit run app.py``: /verify/<code> over HTTP from the app server.

Run with ``python -m pytest tests/e2e -m e2e``.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import UTC, date, datetime, timedelta

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
