"""A browser-less Streamlit client: one tab's websocket, driven the way the frontend drives it.

Streamlit's frontend talks to the server over one websocket (``/_stcore/stream``): it sends
``BackMsg`` protobufs (``rerun_script`` with the page, the query string and every widget's
value) and receives ``ForwardMsg`` protobufs (a ``new_session`` when a run starts, the
``delta``s that draw the page, ``page_info_changed`` when the script changes the query
string, ``script_finished`` when the run ends). A click is a rerun whose widget states carry
the button's ``trigger_value``; a form's submit button sends the form's values with it.

:class:`Tab` does exactly that, so a benchmark or a test can sign in, open pages, answer
questions and pick role-play replies against a real ``streamlit run app.py``, and time
each action from the request to the end of the last run it causes (``st.rerun()`` after a
write means two runs, as the learner sees them).

Only what the academy's pages use is modelled: buttons, text inputs, radios, checkboxes,
selectboxes and number inputs, forms, and the alerts and exceptions that show a failure.
Tested against Streamlit 1.67.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

STREAM_PATH = "/_stcore/stream"
RUN_TIMEOUT_S = 60.0
WIDGET_KINDS = ("button", "text_input", "radio", "checkbox", "selectbox", "number_input", "text_area")
# script_finished statuses after which no further run follows.
_FINAL = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}
# The one kind of script the app runs in the browser: a fetch() to one of its own routes
# (after signing in or out, to set or clear the session cookie).
_FETCH = re.compile(r"fetch\((\"[^\"]*\"), (\{.*?\})\);")


class ProtocolError(RuntimeError):
    """The server closed the tab, timed out, or drew something a learner would call broken."""


@dataclass(frozen=True)
class Widget:
    kind: str
    """The element's field name: ``button``, ``radio``, ``selectbox``..."""
    proto: Any
    path: tuple[int, ...]

    @property
    def id(self) -> str:
        return str(self.proto.id)

    @property
    def label(self) -> str:
        return str(self.proto.label)

    @property
    def form_id(self) -> str:
        return str(getattr(self.proto, "form_id", ""))

    @property
    def key(self) -> str:
        """The user key the page gave (the end of Streamlit's element id), or ''."""
        # Ids look like "$$ID-<hash>-<key>"; keyless widgets end with "None".
        _, _, rest = self.id.partition("$$ID-")
        _, _, key = rest.partition("-")
        return "" if key == "None" else key

    @property
    def options(self) -> list[str]:
        return list(getattr(self.proto, "options", []))


@dataclass
class Page:
    """What one complete run drew: elements by delta path, plus the run's messages of note."""

    elements: dict[tuple[int, ...], Element] = field(default_factory=dict)
    runs: int = 0
    """How many script runs the action took (2 when the page called st.rerun())."""

    def widgets(self, kind: str | None = None) -> list[Widget]:
        found = []
        for path in sorted(self.elements):
            element = self.elements[path]
            which = element.WhichOneof("type")
            if which in WIDGET_KINDS and (kind is None or which == kind):
                found.append(Widget(which, getattr(element, which), path))
        return found

    def button(self, *, label: str | None = None, key_prefix: str | None = None) -> Widget | None:
        for widget in self.widgets("button"):
            if label is not None and widget.label != label:
                continue
            if key_prefix is not None and not widget.key.startswith(key_prefix):
                continue
            return widget
        return None

    def buttons(self, key_prefix: str) -> list[Widget]:
        return [widget for widget in self.widgets("button") if widget.key.startswith(key_prefix)]

    def texts(self) -> Iterator[str]:
        """Every heading, markdown, alert and caption body and progress text drawn (for checks)."""
        for path in sorted(self.elements):
            element = self.elements[path]
            which = element.WhichOneof("type")
            if which in ("markdown", "alert", "heading", "text"):
                yield str(getattr(element, which).body)
            elif which == "progress":
                yield str(element.progress.text)

    def has_text(self, fragment: str) -> bool:
        return any(fragment in text for text in self.texts())

    def alerts(self, format_name: str) -> list[str]:
        """The bodies of st.error / st.warning / st.info / st.success alerts ("ERROR", "WARNING"...)."""
        wanted = getattr(Element().alert.Format, format_name)
        return [
            str(element.alert.body)
            for element in self.elements.values()
            if element.WhichOneof("type") == "alert" and element.alert.format == wanted
        ]

    def scripts(self) -> list[str]:
        """The bodies of st.html elements (what a browser would run)."""
        return [str(e.html.body) for e in self.elements.values() if e.WhichOneof("type") == "html"]

    def exceptions(self) -> list[str]:
        return [
            f"{element.exception.type}: {element.exception.message}"
            for element in self.elements.values()
            if element.WhichOneof("type") == "exception"
        ]


def widget_state(widget: Widget, value: Any) -> WidgetState:
    """The WidgetState the frontend would send for ``widget`` holding ``value``."""
    state = WidgetState(id=widget.id)
    if widget.kind == "button":
        state.trigger_value = bool(value)
    elif widget.kind in ("text_input", "text_area", "radio", "selectbox"):
        state.string_value = str(value)
    elif widget.kind == "checkbox":
        state.bool_value = bool(value)
    elif widget.kind == "number_input":
        state.double_value = float(value)
    else:  # pragma: no cover - only the kinds above are modelled
        raise ValueError(f"cannot set a {widget.kind}")
    return state


class Tab:
    """One browser tab: a websocket session with its page, query string and last drawn page."""

    def __init__(self, base_url: str, cookies: dict[str, str] | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.cookies = dict(cookies or {})
        """Sent with the websocket handshake (e.g. a proxy's route cookie)."""
        self.page_hash = ""
        self.page_name = ""
        self.query = ""
        self.page = Page()
        self.pages: dict[str, str] = {}
        """url path -> page_script_hash, from the last ``navigation`` message."""
        self._socket: Any = None
        self.session_id = ""

    async def open(self, path: str = "", query: str = "") -> Page:
        """Connect as a browser loading ``/<path>?<query>`` and wait for the first run."""
        ws_url = self.base_url.replace("http://", "ws://", 1) + STREAM_PATH
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        headers = {"Cookie": cookie} if cookie else None
        self._socket = await websockets.connect(
            ws_url,
            subprotocols=["streamlit"],
            additional_headers=headers,
            max_size=None,
            open_timeout=RUN_TIMEOUT_S,
            ping_interval=None,
        )
        self.page_name, self.query = path, query
        return await self.rerun()

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
            self._socket = None

    async def goto(self, url_path: str, **query: str) -> Page:
        """Open another page of the app (as the sidebar or a link does)."""
        self.query = "&".join(f"{name}={value}" for name, value in query.items())
        self.page_hash = self.pages.get(url_path, "")
        self.page_name = url_path
        return await self.rerun()

    async def click(self, button: Widget, values: Iterable[tuple[Widget, Any]] = ()) -> Page:
        """Press ``button``; ``values`` are the other widgets' values sent with it (a form's fields)."""
        states = [widget_state(widget, value) for widget, value in values]
        states.append(widget_state(button, True))
        return await self.rerun(states)

    async def rerun(self, states: Iterable[WidgetState] = ()) -> Page:
        message = BackMsg()
        client = message.rerun_script
        client.query_string = self.query
        client.page_script_hash = self.page_hash
        client.page_name = self.page_name
        client.widget_states.widgets.extend(states)
        client.context_info.timezone = "UTC"
        client.context_info.timezone_offset = 0
        client.context_info.locale = "en-GB"
        client.context_info.url = f"{self.base_url}/{self.page_name}" + (f"?{self.query}" if self.query else "")
        try:
            await self._socket.send(message.SerializeToString())
        except websockets.ConnectionClosed as closed:
            raise ProtocolError(f"the server closed the tab: {closed}") from None
        try:
            return await asyncio.wait_for(self._until_finished(), RUN_TIMEOUT_S)
        except TimeoutError:
            raise ProtocolError(f"no end of run within {RUN_TIMEOUT_S:.0f} s") from None

    async def _until_finished(self) -> Page:
        page = Page()
        while True:
            try:
                data = await self._socket.recv()
            except websockets.ConnectionClosed as closed:
                raise ProtocolError(f"the server closed the tab: {closed}") from None
            message = ForwardMsg()
            message.ParseFromString(data)
            kind = message.WhichOneof("type")
            if kind == "new_session":
                page = Page(runs=page.runs + 1)
                self.page_hash = message.new_session.page_script_hash
                if message.new_session.initialize.session_id:
                    self.session_id = message.new_session.initialize.session_id
            elif kind == "delta":
                self._apply(page, message)
            elif kind == "page_info_changed":
                self.query = message.page_info_changed.query_string
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in message.navigation.app_pages}
                self.page_hash = message.navigation.page_script_hash or self.page_hash
                current = next(
                    (p.url_pathname for p in message.navigation.app_pages if p.page_script_hash == self.page_hash), None
                )
                if current is not None:
                    self.page_name = current
            elif kind == "script_finished" and message.script_finished in _FINAL:
                self.page = page
                await self._run_scripts(page)
                return page

    async def _run_scripts(self, page: Page) -> None:
        """Do what the page's scripts ask the browser to: POST to the app's route, keep its cookies."""
        for body in page.scripts():
            for match in _FETCH.finditer(body):
                path, options = json.loads(match.group(1)), json.loads(match.group(2))
                await asyncio.to_thread(self._fetch, path, options)

    def _fetch(self, path: str, options: dict[str, Any]) -> None:
        headers = {**options.get("headers", {}), "Origin": self.base_url}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        request = urllib.request.Request(
            self.base_url + path,
            data=str(options.get("body", "")).encode(),
            method=str(options.get("method", "GET")),
            headers=headers,
        )
        try:
            with urllib.request.urlopen(request, timeout=RUN_TIMEOUT_S) as response:
                set_cookies = response.headers.get_all("Set-Cookie") or []
        except urllib.error.URLError as error:
            raise ProtocolError(f"the page's request to {path} failed: {error}") from None
        for header in set_cookies:
            name, _, rest = header.partition("=")
            value, _, attributes = rest.partition(";")
            if "max-age=0" in attributes.lower().replace(" ", "") or not value.strip('"'):
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value

    @staticmethod
    def _apply(page: Page, message: ForwardMsg) -> None:
        path = tuple(message.metadata.delta_path)
        delta = message.delta
        which = delta.WhichOneof("type")
        if which in ("new_element", "add_block"):
            # Whatever was drawn at or under this path before in this run is replaced
            # (an st.empty() emptied after holding a container loses the container's content).
            for known in [known for known in page.elements if known[: len(path)] == path]:
                del page.elements[known]
        if which == "new_element":
            page.elements[path] = delta.new_element


async def timed(action: Any) -> tuple[float, Page]:
    started = time.perf_counter()
    page = await action
    return time.perf_counter() - started, page
