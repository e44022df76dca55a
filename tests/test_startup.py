"""The server process's start-up tuning (academy/ui/startup.py) and why it is still needed."""

from __future__ import annotations

import asyncio
import gc
import importlib.util
import socket
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.web.server.starlette import starlette_server

from academy.ui import startup

ROOT = Path(__file__).resolve().parents[1]


def _accepted_nodelay(listener: socket.socket) -> int:
    """TCP_NODELAY on a connection accepted by asyncio from ``listener``, as uvicorn accepts them."""

    async def accept_one() -> int:
        accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        def on_connect(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            sock = writer.get_extra_info("socket")
            accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_connect, sock=listener)
        try:
            _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
            value = await asyncio.wait_for(accepted, 10)
            writer.close()
            return value
        finally:
            server.close()

    return asyncio.run(accept_one())


@pytest.fixture
def streamlit_listener() -> Iterator[socket.socket]:
    """A listening socket made exactly as Streamlit's server makes it (Streamlit 1.67)."""
    listener = starlette_server._bind_socket("127.0.0.1", 0, 8)
    yield listener
    listener.close()


def test_streamlits_listening_socket_leaves_nagle_on(streamlit_listener: socket.socket) -> None:
    # The reason for startup.enable_tcp_nodelay: protocol 0 makes asyncio skip TCP_NODELAY.
    # If this fails, Streamlit sets it itself now and the workaround can go.
    assert streamlit_listener.proto == 0
    assert _accepted_nodelay(streamlit_listener) == 0


def test_startup_turns_nagle_off_on_every_accepted_connection(streamlit_listener: socket.socket) -> None:
    assert startup.enable_tcp_nodelay() >= 1
    assert streamlit_listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    assert _accepted_nodelay(streamlit_listener) == 1


def test_nodelay_leaves_other_descriptors_alone(tmp_path: Path) -> None:
    client = socket.socket()  # a TCP socket that is not listening
    try:
        with (tmp_path / "file").open("w") as plain_file:
            startup.enable_tcp_nodelay()
            assert not plain_file.closed
            plain_file.write("still open")
        assert client.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
    finally:
        client.close()
    assert startup.enable_tcp_nodelay(str(tmp_path / "no-such-dir")) == 0


def test_freezing_moves_the_heap_out_of_the_collectors_sight() -> None:
    try:
        assert startup.freeze_heap() > 10_000
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def test_streamlits_collection_after_every_run_is_off() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False


def test_the_app_server_runs_the_start_up_steps() -> None:
    # Imported (not run as the page script), app.py builds the st.App that `streamlit run` serves.
    spec = importlib.util.spec_from_file_location("academy_app_under_test", ROOT / "app.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.app._user_lifespan is startup.lifespan


def test_steps_can_be_skipped_for_ab_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(startup.SKIP_ENV, "freeze, nodelay")
    assert startup.skipped_steps() == {"freeze", "nodelay"}
    monkeypatch.delenv(startup.SKIP_ENV)
    assert startup.skipped_steps() == frozenset()
