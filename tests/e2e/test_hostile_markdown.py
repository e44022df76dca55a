"""In a real browser: user text never becomes a link or fetches an image, whatever it holds.

Streamlit's Markdown (remark-gfm) autolinks bare URLs and e-mail addresses after the escapes
are read, so only a browser shows whether ``text.plain`` really keeps them inert.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, _wait_healthy, free_port

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
    import json

    script = tmp_path / "page.py"
    script.write_text(SCRIPT)
    port = free_port()
    log = tmp_path / "streamlit.log"
    command = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false", "--", json.dumps(HOSTILE),
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, stdout=output, stderr=output
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process, log)
        page = browser_page
        page.goto(url)  # type: ignore[attr-defined]
        page.get_by_text("done-marker").wait_for()  # type: ignore[attr-defined]
        main = page.locator("[data-testid='stMain']")  # type: ignore[attr-defined]
        shown = main.inner_text()
        links = main.locator("a").evaluate_all("nodes => nodes.map(n => n.href)")
        images = main.locator("img").count()
    finally:
        process.terminate()
        process.wait(timeout=10)

    assert links == []
    assert images == 0
    for name in HOSTILE:
        assert name in shown.replace("\u2060", "")
