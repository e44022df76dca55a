"""The app server's own HTTP routes (next to Streamlit's): health for load balancers, the session cookie.

How the cookie gets set (docs/operations.md tells why): the sign-in form is a Streamlit
form, so the page that signed in is signed in at once, server-side. That page then posts a
one-time code (good once, for a minute) to ``POST /auth/session``; the answer carries the
``HttpOnly; SameSite=Strict`` cookie that signs in every later reload, tab and server. The
code travels in a request body, never a URL; the route refuses other sites' requests.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from academy import settings
from academy.store import Store

logger = logging.getLogger(__name__)

StoreProvider = Callable[[], Store]

COOKIE_NAME = "academy_session"
SESSION_PATH = "/auth/session"
SIGN_OUT_PATH = "/auth/sign-out"
COOKIE_SECURE_ENV = "ACADEMY_COOKIE_SECURE"
ALLOWED_ORIGINS_ENV = "ACADEMY_ALLOWED_ORIGINS"
MAX_CODE_LENGTH = 100
NO_STORE = {"Cache-Control": "no-store"}


def health_route(store: StoreProvider) -> Route:
    """``GET /healthz``: 200 when this server can reach its database, else 503 (take it out of rotation)."""

    async def healthz(_request: Request) -> Response:
        try:
            await run_in_threadpool(lambda: store().ping())
        except Exception:
            logger.warning("health check: the database does not answer", exc_info=True)
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    return Route("/healthz", healthz, methods=["GET", "HEAD"])


def same_origin(request: Request) -> bool:
    """True for a request the app's own pages sent (its Origin names this host, or a configured origin).

    Browsers send Origin with every POST; one without it is accepted only when the browser
    says it came from this origin (Sec-Fetch-Site). SameSite=Strict is the second wall.
    """
    origin = request.headers.get("origin")
    if origin is None:
        return request.headers.get("sec-fetch-site") == "same-origin"
    allowed = {item.strip().rstrip("/") for item in settings.value(ALLOWED_ORIGINS_ENV).split(",") if item.strip()}
    if origin.rstrip("/") in allowed:
        return True
    # Host, not scheme: behind a TLS proxy the app itself sees plain http.
    host = request.headers.get("host")
    return host is not None and urlsplit(origin).netloc.lower() == host.lower()


def cookie_secure(request: Request) -> bool:
    """``Secure`` on the cookie: $ACADEMY_COOKIE_SECURE=true|false, else when the request came over HTTPS."""
    setting = settings.value(COOKIE_SECURE_ENV, "auto").strip().lower()
    if setting in {"1", "true", "yes", "always"}:
        return True
    if setting in {"0", "false", "no", "never"}:
        return False
    return request.url.scheme == "https"


def session_routes(store: StoreProvider) -> list[Route]:
    async def claim(request: Request) -> Response:
        if not same_origin(request):
            return JSONResponse({"status": "refused", "reason": "cross-site request"}, status_code=403)
        form = await request.form(max_files=0, max_fields=4)
        code = str(form.get("code") or "")[:MAX_CODE_LENGTH]
        token = await run_in_threadpool(store().claim_handover, code)
        if token is None:
            refused = {"status": "refused", "reason": "unknown or used code"}
            return JSONResponse(refused, status_code=400, headers=NO_STORE)
        response = Response(status_code=204, headers=NO_STORE)
        response.set_cookie(
            COOKIE_NAME,
            token,
            max_age=int(store().session_policy.absolute.total_seconds()),
            path="/",
            httponly=True,
            samesite="strict",
            secure=cookie_secure(request),
        )
        return response

    async def sign_out(request: Request) -> Response:
        """Forget the cookie in this browser (the page ended the session in the store already)."""
        if not same_origin(request):
            return JSONResponse({"status": "refused", "reason": "cross-site request"}, status_code=403)
        token = request.cookies.get(COOKIE_NAME)
        if token:
            signed_in = await run_in_threadpool(store().session_user, token)
            if signed_in is not None:
                await run_in_threadpool(store().end_session, signed_in.session_id)
        response = Response(status_code=204, headers=NO_STORE)
        response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="strict", secure=cookie_secure(request))
        return response

    return [Route(SESSION_PATH, claim, methods=["POST"]), Route(SIGN_OUT_PATH, sign_out, methods=["POST"])]


def routes(store: StoreProvider) -> list[BaseRoute]:
    """Every route ``app.py`` mounts on its ``st.App``."""
    return [health_route(store), *session_routes(store)]
