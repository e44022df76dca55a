"""The public certificate check: ``GET /verify/<code>``, plain HTML (no JavaScript), a route
of the app's ``st.App``.

It answers 200 with *valid*, *expired* or *revoked*, and 404 for a code nobody was given,
so a person reads it and a script can check the status code (or ask for JSON with
``Accept: application/json``). It shows nothing about the learner beyond the name, the
course and the dates: no score, no username, no team.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from academy.programme.config import setting
from academy.store import Certificate, Store, format_code, open_store

STATES = {
    "valid": ("Valid", "This certificate is valid.", "#0f766e"),
    "expired": ("Expired", "This certificate was valid, and has expired.", "#b45309"),
    "revoked": ("Revoked", "This certificate was revoked: it is no longer valid.", "#be123c"),
}
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "X-Robots-Tag": "noindex",
}
TITLE = "Customer Service Academy: certificate check"

_store: Store | None = None
_store_lock = threading.Lock()


def _default_store() -> Store:
    """One store per process, at the app's database ($ACADEMY_DATABASE_URL or secrets.toml)."""
    global _store
    with _store_lock:
        if _store is None:
            _store = open_store(setting("ACADEMY_DATABASE_URL") or None)
        return _store


def routes(store: Callable[[], Store] = _default_store, *, clock: Callable[[], datetime] | None = None) -> list[Route]:
    """The routes to add to the ``st.App`` (or any Starlette app)."""
    now = clock or (lambda: datetime.now(UTC))

    def check(request: Request) -> Response:
        certificate = store().certificate_by_code(str(request.path_params["code"]))
        wants_json = "application/json" in request.headers.get("accept", "")
        if certificate is None:
            if wants_json:
                return JSONResponse({"status": "unknown"}, status_code=404, headers=HEADERS)
            return _page(_unknown(), status=404)
        state = certificate.state(now())
        if wants_json:
            return JSONResponse(_facts(certificate, state), headers=HEADERS)
        return _page(_certificate(certificate, state))

    def form(request: Request) -> Response:
        code = request.query_params.get("code", "").strip()
        if code:
            return RedirectResponse(f"/verify/{format_code(_safe(code))}", status_code=303, headers=HEADERS)
        return _page(_form())

    return [
        Route("/verify", form, methods=["GET", "HEAD"]),
        Route("/verify/{code}", check, methods=["GET", "HEAD"]),
    ]


def _safe(code: str) -> str:
    """Only the characters a code can have, so a redirect never carries anything else."""
    return "".join(char for char in code.upper() if char.isascii() and char.isalnum())[:32]


def _facts(certificate: Certificate, state: str) -> dict[str, str | None]:
    return {
        "status": state,
        "code": format_code(certificate.code),
        "name": certificate.learner_name,
        "course": certificate.title,
        "issued": certificate.issued_at.date().isoformat(),
        "expires": certificate.expires_at.date().isoformat() if certificate.expires_at else None,
        "revoked": certificate.revoked_at.date().isoformat() if certificate.revoked_at else None,
    }


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


def _certificate(certificate: Certificate, state: str) -> str:
    label, sentence, colour = STATES[state]
    rows = [
        ("Name", certificate.learner_name),
        ("Course", certificate.title),
        ("Issued", _day(certificate.issued_at)),
    ]
    if certificate.expires_at is not None:
        rows.append(("Expired" if state == "expired" else "Valid until", _day(certificate.expires_at)))
    if certificate.revoked_at is not None:
        rows.append(("Revoked", _day(certificate.revoked_at)))
    rows.append(("Code", format_code(certificate.code)))
    table = "".join(f"<tr><th>{html.escape(key)}</th><td>{html.escape(value)}</td></tr>" for key, value in rows)
    return (
        f'<p class="status" style="background:{colour}" data-status="{state}">{label}</p>'
        f"<p>{html.escape(sentence)}</p><table>{table}</table>"
    )


def _unknown() -> str:
    return (
        '<p class="status" style="background:#475569" data-status="unknown">Unknown</p>'
        "<p>No certificate has this code. Check it against the certificate: codes are 12 letters and "
        "digits, such as 7KQM-4XRT-9PZA.</p>" + _form_html()
    )


def _form() -> str:
    return "<p>Type the code printed on the certificate.</p>" + _form_html()


def _form_html() -> str:
    return (
        '<form method="get" action="/verify"><label>Code <input name="code" maxlength="20" '
        'autocomplete="off" required></label> <button type="submit">Check</button></form>'
    )


def _page(body: str, *, status: int = 200) -> HTMLResponse:
    document = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{html.escape(TITLE)}</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#0f172a}}
h1{{font-size:1.3rem}} .status{{display:inline-block;color:#fff;padding:.3rem .8rem;border-radius:.4rem;
font-weight:600}} table{{border-collapse:collapse}} th{{text-align:left;padding:.3rem 1rem .3rem 0;
color:#475569;font-weight:500}} td{{padding:.3rem 0}}
</style></head>
<body><h1>Customer Service Academy: certificate check</h1>
{body}
</body></html>
"""
    return HTMLResponse(document, status_code=status, headers=HEADERS)
