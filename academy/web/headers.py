"""Security headers on every HTTP response the app server sends (pages, assets, routes)."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Why each one:
# - frame-ancestors / X-Frame-Options: no other site may frame the app (clickjacking a
#   "Disable the account" button); the old header for browsers without CSP level 2.
# - nosniff: an uploaded or served file is never run as a script because it looks like one.
# - Referrer-Policy: page addresses (with their query parameters) stay on this site.
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class SecurityHeadersMiddleware:
    """Pure ASGI (not BaseHTTPMiddleware): adds the headers as the response starts, streams untouched."""

    def __init__(self, app: ASGIApp, headers: dict[str, str] | None = None) -> None:
        self.app = app
        self.headers = dict(SECURITY_HEADERS if headers is None else headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)
