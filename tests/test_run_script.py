"""scripts/run.sh: `--demo` may come anywhere among the arguments, every other one reaches Streamlit.

Run against a stand-in virtualenv whose ``python`` is the real one and whose ``streamlit`` only
records its arguments, so the script's own logic (migrate, demo, hand over) runs for real.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def stand_in_venv(tmp_path: Path) -> Path:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    (venv / "bin" / "streamlit").write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{tmp_path}/streamlit-args"\n')
    for executable in (venv / "bin").iterdir():
        executable.chmod(0o755)
    (venv / ".installed-requirements.txt").touch()  # newer than requirements.txt: nothing to install
    return venv


def run_script(venv: Path, tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VENV": str(venv), "ACADEMY_DATABASE_URL": f"sqlite:///{tmp_path / 'academy.db'}"}
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "run.sh"), *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_demo_after_streamlit_options_fills_the_database_and_starts_the_app(
    stand_in_venv: Path, tmp_path: Path
) -> None:
    result = run_script(stand_in_venv, tmp_path, "--server.port", "8782", "--demo", "--server.address", "127.0.0.1")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "streamlit-args").read_text().split() == [
        "run", "app.py", "--server.port", "8782", "--server.address", "127.0.0.1",
    ]  # fmt: skip
    assert "Demo organisation created" in result.stdout
    # run.sh starts the app itself, so the demo must not tell the reader to start it.
    assert "Start the app with" not in result.stdout


def test_without_demo_every_argument_goes_to_streamlit(stand_in_venv: Path, tmp_path: Path) -> None:
    result = run_script(stand_in_venv, tmp_path, "--server.port", "8782")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "streamlit-args").read_text().split() == ["run", "app.py", "--server.port", "8782"]
    assert "Demo organisation" not in result.stdout
