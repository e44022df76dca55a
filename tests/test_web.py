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


# --- the session cookie -------------------------------------------------------------------

SAME_SITE = {"origin": "http://academy.test"}


def handover(store: Store) -> str:
    user = store.create_user("ana", "a-long-enough-password")
    _, code = store.start_session(user.id)
    return code


def test_the_page_trades_its_one_time_code_for_an_httponly_strict_cookie(store: Store, app: Starlette) -> None:
    reply = call(app, "POST", routes.SESSION_PATH, headers=SAME_SITE, form={"code": handover(store)})

    assert reply.status == 204
    assert reply.header("cache-control") == "no-store"
    [raw] = reply.raw_set_cookie()
    cookie = reply.set_cookies()[routes.COOKIE_NAME]
    assert "httponly" in raw.lower()
    assert cookie["samesite"] == "strict"
    assert cookie["path"] == "/"
    assert int(cookie["max-age"]) == int(store.session_policy.absolute.total_seconds())
    assert "secure" not in raw.lower()  # plain http here; see the next test
    signed_in = store.session_user(cookie.value)
    assert signed_in is not None
    assert signed_in.user.username == "ana"


def test_the_cookie_is_secure_over_https_or_when_configured(
    store: Store, app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    over_https = call(
        app, "POST", routes.SESSION_PATH, headers=SAME_SITE, form={"code": handover(store)}, scheme="https"
    )
    assert "secure" in over_https.raw_set_cookie()[0].lower()

    monkeypatch.setenv(routes.COOKIE_SECURE_ENV, "true")
    user = store.user_by_name("ana")
    assert user is not None
    _, code = store.start_session(user.id)
    configured = call(app, "POST", routes.SESSION_PATH, headers=SAME_SITE, form={"code": code})
    assert "secure" in configured.raw_set_cookie()[0].lower()


def test_a_code_works_once(store: Store, app: Starlette) -> None:
    code = handover(store)
    assert call(app, "POST", routes.SESSION_PATH, headers=SAME_SITE, form={"code": code}).status == 204

    again = call(app, "POST", routes.SESSION_PATH, headers=SAME_SITE, form={"code": code})
    assert again.status == 400
    assert again.raw_set_cookie() == []


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"origin": "https://evil.example"}, id="another-site"),
        pytest.param({"origin": "null"}, id="opaque-origin"),
        pytest.param({}, id="no-origin"),
        pytest.param({"sec-fetch-site": "cross-site"}, id="fetch-metadata-cross-site"),
    ],
)
def test_other_sites_cannot_plant_a_session(store: Store, app: Starlette, headers: dict[str, str]) -> None:
    code = handover(store)
    reply = call(app, "POST", routes.SESSION_PATH, headers=headers, form={"code": code})

    assert reply.status == 403
    assert reply.raw_set_cookie() == []
    # The code is still good for the page it belongs to.
    assert call(app, "POST", routes.SESSION_PATH, headers=SAME_SITE, form={"code": code}).status == 204


def test_a_configured_origin_is_accepted(store: Store, app: Starlette, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(routes.ALLOWED_ORIGINS_ENV, "https://academy.example.org")
    reply = call(
        app,
        "POST",
        routes.SESSION_PATH,
        headers={"origin": "https://academy.example.org"},
        form={"code": handover(store)},
    )
    assert reply.status == 204


def test_the_code_travels_only_in_a_post_body(store: Store, app: Starlette) -> None:
    reply = call(app, "GET", f"{routes.SESSION_PATH}?code={handover(store)}", headers=SAME_SITE)
    assert reply.status == 405
    assert reply.raw_set_cookie() == []


def test_sign_out_forgets_the_cookie_and_ends_its_session(store: Store, app: Starlette) -> None:
    claimed = call(app, "POST", routes.SESSION_PATH, headers=SAME_SITE, form={"code": handover(store)})
    token = claimed.set_cookies()[routes.COOKIE_NAME].value

    reply = call(
        app, "POST", routes.SIGN_OUT_PATH, headers={**SAME_SITE, "cookie": f"{routes.COOKIE_NAME}={token}"}, form={}
    )

    assert reply.status == 204
    forgotten = reply.set_cookies()[routes.COOKIE_NAME]
    assert forgotten.value == ""
    assert forgotten["max-age"] == "0"
    assert store.session_user(token) is None
