"""The app server's own HTTP routes (next to Streamlit's): health for load balancers, sign-in cookies."""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from academy.store import Store

logger = logging.getLogger(__name__)

StoreProvider = Callable[[], Store]


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


def routes(store: StoreProvider) -> list[BaseRoute]:
    """Every route ``app.py`` mounts on its ``st.App``."""
    return [health_route(store)]
