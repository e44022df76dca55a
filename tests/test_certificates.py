"""Certificates: the PDF (its text read back with pypdf) and /verify/<code> over real HTTP."""

from __future__ import annotations

import io
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pypdf
import pytest
import uvicorn
from starlette.applications import Starlette

from academy.programme import certificate_pdf, standing, verify
from academy.store import Certificate, Store, format_code
from tests.conftest import FakeClock
from tests.reports_helpers import course, make_org, quiz


@pytest.fixture
def issued(store: Store, clock: FakeClock) -> dict[str, Certificate]:
    """Three certificates of the same assignment: one valid, one expired, one revoked."""
    org = make_org(store)
    learners = {"valid": org.a1, "expired": org.a2, "revoked": org.b1}
    for name, user in learners.items():
        store.create_assignment(
            actor_id=org.admin.id,
            title=f"Keeping promises ({name})",
            modules=["promise-keeping"],
            learner_ids=[user.id],
            due_on=date(2026, 3, 31),
            days_allowed=14,
            recert_months=1 if name == "expired" else 12,
        )
        quiz(store, user, "promise-keeping", [1.0, 1.0, 1.0, 0.0])
    made = standing.sync_certificates(store, [u.id for u in learners.values()], course(), clock.now)
    by_user = {certificate.user_id: certificate for certificate in made}
    store.revoke_certificate(by_user[org.b1.id].code, actor_id=org.admin.id, reason="issued in error")
    clock.now = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)  # the one-month certificate has expired
    return {name: by_user[user.id] for name, user in learners.items()}


def test_the_certificate_pdf_names_the_learner_the_course_and_the_code(issued: dict[str, Certificate]) -> None:
    certificate = issued["valid"]

    data = certificate_pdf.render(certificate, verify_url=certificate_pdf.verify_url(certificate.code))

    assert data.startswith(b"%PDF-")
    text = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Ana One" in text
    assert "Keeping promises (valid)" in text
    assert format_code(certificate.code) in text
    assert "score 75%" in text
    assert "valid until 2 March 2027" in text
    # The font is embedded (a subset of DejaVu Sans), so any name prints the same everywhere.
    fonts = pypdf.PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"]
    descriptors = [font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"] for font in fonts.values()]
    assert all("/FontFile2" in descriptor for descriptor in descriptors)


def test_a_name_in_any_script_prints(issued: dict[str, Certificate]) -> None:
    certificate = issued["valid"]
    renamed = Certificate(
        **{**{f: getattr(certificate, f) for f in certificate.__slots__}, "learner_name": "Zoë Ñuñez-Łukasz"}
    )

    text = pypdf.PdfReader(io.BytesIO(certificate_pdf.render(renamed, verify_url="x"))).pages[0].extract_text()

    assert "Zoë Ñuñez-Łukasz" in text


@pytest.fixture
def server(store: Store, clock: FakeClock, issued: dict[str, Certificate]) -> Iterator[str]:
    """The verify routes served by uvicorn on a free port of 127.0.0.1."""
    app = Starlette(routes=verify.routes(lambda: store, clock=clock))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    running = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=running.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)
    sock.close()


def get(url: str, accept: str = "text/html") -> tuple[int, str, dict[str, str]]:
    """Status, body and headers (names in lower case)."""
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode(), {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), {k.lower(): v for k, v in error.headers.items()}


def test_verify_answers_valid_expired_revoked_and_unknown_over_http(
    server: str, issued: dict[str, Certificate]
) -> None:
    for state, certificate in issued.items():
        status, page, headers = get(f"{server}/verify/{format_code(certificate.code)}")
        assert status == 200, state
        assert f'data-status="{state}"' in page
        assert certificate.learner_name in page
        assert certificate.title in page
        assert "75%" not in page  # no score, nothing beyond name, course and dates
        assert "<script" not in page
        assert headers["cache-control"] == "no-store"

    status, page, _ = get(f"{server}/verify/ZZZZ-ZZZZ-ZZZZ")
    assert status == 404
    assert 'data-status="unknown"' in page
    assert get(f"{server}/verify/not-a-code")[0] == 404


def test_verify_speaks_json_to_scripts_and_accepts_codes_as_typed(server: str, issued: dict[str, Certificate]) -> None:
    code = issued["expired"].code
    status, body, _ = get(f"{server}/verify/{code.lower()}", accept="application/json")

    assert status == 200
    facts = json.loads(body)
    assert facts == {
        "status": "expired",
        "code": format_code(code),
        "name": "Ben Two",
        "course": "Keeping promises (expired)",
        "issued": "2026-03-02",
        "expires": "2026-04-02",
        "revoked": None,
    }
    assert get(f"{server}/verify/ZZZZZZZZZZZZ", accept="application/json")[:2] == (404, '{"status":"unknown"}')


def test_the_verify_form_leads_to_the_code_typed(server: str, issued: dict[str, Certificate]) -> None:
    code = issued["valid"].code
    status, page, _ = get(f"{server}/verify?code={code.lower()}")  # urllib follows the redirect
    assert status == 200
    assert 'data-status="valid"' in page
    status, page, _ = get(f"{server}/verify?code=%3Cscript%3E")
    assert status == 404
    assert "<script>" not in page
