"""The app server's own routes and middleware (academy.web), called in-process."""

from __future__ import annotations

import json

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from academy.store import Store
from academy.web import routes
from academy.web.headers import SecurityHeadersMiddleware
from tests.http_helpers import call


class Unreachable:
    def ping(self) -> None:
        raise OSError("connection refused")


def server(store: object) -> Starlette:
    def page(_request: object) -> PlainTextResponse:
        return PlainTextResponse("a page")

    return Starlette(
        routes=[*routes.routes(store=lambda: store), Route("/", page)],  # type: ignore[arg-type, return-value]
        middleware=[Middleware(SecurityHeadersMiddleware)],
    )


@pytest.fixture
def app(store: Store) -> Starlette:
    return server(store)


def test_every_response_forbids_framing_and_sniffing(app: Starlette) -> None:
    for path in ("/", "/healthz", "/no-such-page"):
        reply = call(app, "GET", path)
        assert reply.header("content-security-policy") == "frame-ancestors 'none'"
        assert reply.header("x-frame-options") == "DENY"
        assert reply.header("x-content-type-options") == "nosniff"
        assert reply.header("referrer-policy") == "same-origin"


def test_healthz_answers_ok_when_the_database_answers(app: Starlette) -> None:
    reply = call(app, "GET", "/healthz")
    assert reply.status == 200
    assert json.loads(reply.body) == {"status": "ok"}


def test_healthz_answers_503_when_the_database_does_not() -> None:
    reply = call(server(Unreachable()), "GET", "/healthz")
    assert reply.status == 503
    assert json.loads(reply.body)["status"] == "unavailable"


def test_streamlit_run_finds_the_asgi_app_in_app_py() -> None:
    from pathlib import Path

    from streamlit.web.server.app_discovery import discover_asgi_app

    found = discover_asgi_app(Path(__file__).resolve().parents[1] / "app.py")
    assert found.is_asgi_app
    assert found.import_string == "app:app"
