"""In a real browser: user text never becomes a link or fetches an image, whatever it holds.

Streamlit's Markdown (remark-gfm) autolinks bare URLs and e-mail addresses after the escapes
are read, so only a browser shows whether ``text.plain`` really keeps them inert.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.script_server import script_server

pytestmark = pytest.mark.e2e

HOSTILE = [
    "![t](http://127.0.0.1:9/beacon.png)",
    "Ana http://127.0.0.1:9/x",
    "https://evil.example/path?q=1",
    "www.evil.example",
    "WWW.evil.example/x",
    "mail ana@evil.example",
    "mailto:ana@evil.example",
    "ftp://evil.example/x",
    "<http://evil.example>",
    "[x](javascript:alert(1))",
]

SCRIPT = """
import json, sys
import streamlit as st
from academy.ui.text import plain
for name in json.loads(sys.argv[1]):
    st.markdown(f"**Team:** {plain(name)}")
    st.caption(plain(name))
st.markdown("done-marker")
"""


def test_no_user_text_renders_as_a_link_or_an_image(tmp_path: Path, browser_page: object) -> None:
    script = tmp_path / "page.py"
    script.write_text(SCRIPT)
    with script_server(script, json.dumps(HOSTILE)) as url:
        page = browser_page
        page.goto(url)  # type: ignore[attr-defined]
        page.get_by_text("done-marker").wait_for()  # type: ignore[attr-defined]
        main = page.locator("[data-testid='stMain']")  # type: ignore[attr-defined]
        shown = main.inner_text()
        links = main.locator("a").evaluate_all("nodes => nodes.map(n => n.href)")
        images = main.locator("img").count()

    assert links == []
    assert images == 0
    for name in HOSTILE:
        assert name in shown.replace("\u2060", "")
