"""Once per server process, before the first learner connects: warm up, then tune the process.

``app.py`` passes :func:`lifespan` to ``st.App``; it runs after Streamlit's runtime has
started and before the server accepts connections. Each step has a measured reason
(figures in docs/benchmarks.md, "Live server"):

1. **Warm up**: open the store (migrations, connection pool), load the course and import
   every page module (pandas and altair with the manager pages), so the first learner
   does not pay for it and step 2 sees the whole long-lived heap.
2. **Freeze the heap** (``gc.freeze()``): the ~200,000 objects made so far live as long as
   the process; frozen, the collector never walks them again. Streamlit's own full
   collection after every script run (``runner.postScriptGC``) is turned off in
   ``.streamlit/config.toml``: with this heap it cost ~100 ms per run, most of the server's
   CPU. Python's generational collector still runs as usual on what the runs leave.
3. **TCP_NODELAY** on the app's connections: Streamlit 1.67 binds its listening socket with
   ``socket.socket(family)`` (protocol 0), and asyncio only sets TCP_NODELAY on accepted
   sockets whose protocol is IPPROTO_TCP, so small websocket frames waited for delayed
   ACKs (~40 ms a round trip). Linux copies the option from a listening socket to the
   sockets it accepts, so setting it on the listener once covers every connection.
   ``tests/test_startup.py`` fails when Streamlit changes this (either way).
"""

from __future__ import annotations

import gc
import logging
import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

logger = logging.getLogger(__name__)

_FD_DIR = "/proc/self/fd"
SKIP_ENV = "ACADEMY_STARTUP_SKIP"


@asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    """``st.App(lifespan=...)``: prepare the process, then serve."""
    prepare()
    yield


def prepare() -> None:
    skipped = skipped_steps()
    if "warm_up" not in skipped:
        warm_up()
    if "freeze" not in skipped:
        freeze_heap()
    if "nodelay" not in skipped:
        enable_tcp_nodelay()


def skipped_steps() -> frozenset[str]:
    """Steps named in $ACADEMY_STARTUP_SKIP (comma-separated): only for A/B benchmark runs."""
    return frozenset(step.strip() for step in os.environ.get(SKIP_ENV, "").split(",") if step.strip())


def warm_up() -> None:
    """Make everything every session shares; a failure here is left for the first page to show."""
    from academy.ui import navigation, session

    try:
        session.store()
        session.course_result()
        navigation.registry()
        # Streamlit reads the favicon with Pillow at the first st.set_page_config of each
        # process: imported here, its modules join the frozen heap instead of a learner's run.
        import PIL.Image  # noqa: F401
    except Exception:  # the page reports a broken store or course with its own message
        logger.warning("warm-up failed; the first page run will try again", exc_info=True)


def freeze_heap() -> int:
    """Collect once, then move every object alive now out of the collector's sight; how many."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def enable_tcp_nodelay(fd_dir: str = _FD_DIR) -> int:
    """Set TCP_NODELAY on this process's listening TCP sockets; how many were set (0 off Linux)."""
    try:
        names = os.listdir(fd_dir)
    except OSError:
        return 0
    count = 0
    for name in names:
        try:
            sock = socket.socket(fileno=int(name))
        except (OSError, ValueError):  # not a socket, or closed meanwhile
            continue
        try:
            if (
                sock.family in (socket.AF_INET, socket.AF_INET6)
                and sock.type == socket.SOCK_STREAM
                and sock.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
            ):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                count += 1
        except OSError:
            pass
        finally:
            sock.detach()  # the descriptor belongs to the server, not to this wrapper
    return count
