"""Call an ASGI app in-process, as a browser would over HTTP (no server, no httpx)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode


@dataclass(frozen=True)
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        found = [value for key, value in self.headers if key == name.lower()]
        return found[0] if found else None

    def set_cookies(self) -> SimpleCookie:
        jar: SimpleCookie = SimpleCookie()
        for key, value in self.headers:
            if key == "set-cookie":
                jar.load(value)
        return jar

    def raw_set_cookie(self) -> list[str]:
        return [value for key, value in self.headers if key == "set-cookie"]


def call(
    app: Any,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    client: str = "127.0.0.1",
    scheme: str = "http",
) -> Reply:
    """One request to ``app``; ``form`` is sent url-encoded, as an HTML form posts it."""
    body = urlencode(form).encode() if form is not None else b""
    sent = {"host": "academy.test", **(headers or {})}
    if form is not None:
        sent["content-type"] = "application/x-www-form-urlencoded"
        sent["content-length"] = str(len(body))
    raw_path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": scheme,
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(key.lower().encode(), value.encode()) for key, value in sent.items()],
        "client": (client, 50000),
        "server": ("academy.test", 80),
    }
    return asyncio.run(_run(app, scope, body))


async def _run(app: Any, scope: dict[str, Any], body: bytes) -> Reply:
    received = False
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal received
        if not received:
            received = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    await app(scope, receive, send)
    start = next(message for message in messages if message["type"] == "http.response.start")
    headers = [(key.decode().lower(), value.decode()) for key, value in start.get("headers", [])]
    content = b"".join(message.get("body", b"") for message in messages if message["type"] == "http.response.body")
    return Reply(status=start["status"], headers=headers, body=content)
