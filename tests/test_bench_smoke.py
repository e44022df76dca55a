"""Every benchmark script runs, tiny, and prints its figures: schema or API drift breaks a test, not a benchmark.

Each runs as its own process (as a person runs it) on a throwaway SQLite database, with the
smallest sizes that still go through every step. Nothing here is timed: the figures are
only checked to be there.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.bench

SMOKE_RUNS = {
    "store": (
        ["--learners", "20", "--records", "400", "--team-size", "10", "--writes", "20", "--reads", "2"],
        ["| SQLite | 20 |", "finish_run", "team_summaries"],
    ),
    "reports": (["--learners", "20", "--records", "400", "--runs", "1"], ["team overview", "question analysis"]),
    "pages": (["--learners", "20", "--records", "400", "--runs", "1"], ["| catalog |", "| role-play, debrief |"]),
    "roster": (["--rows", "1"], ["hash_passwords", "users import"]),
    "load": (
        ["--learners", "1", "--seconds", "2", "--think", "0.5", "--floor-seconds", "0"],
        ["throughput:", "OK: every action succeeded"],
    ),
    "signin": (["--learners", "1", "--tries", "2", "--seconds", "2"], ["burst:", "OK: every learner action succeeded"]),
}


def test_every_benchmark_script_has_a_smoke_run() -> None:
    scripts = {path.stem for path in (ROOT / "bench").glob("*.py") if path.stem != "__init__"}
    libraries = {"live"}  # imported by load.py and signin.py, not run on its own
    assert scripts - libraries == set(SMOKE_RUNS)


@pytest.mark.parametrize("script", sorted(SMOKE_RUNS))
def test_the_benchmark_runs_and_prints_its_figures(script: str) -> None:
    arguments, figures = SMOKE_RUNS[script]
    environment = {key: value for key, value in os.environ.items() if key != "ACADEMY_TEST_POSTGRES_URL"}
    environment.pop("ACADEMY_DATABASE_URL", None)
    finished = subprocess.run(
        [sys.executable, str(ROOT / "bench" / f"{script}.py"), *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout[-2000:] + finished.stderr[-4000:]
    for figure in figures:
        assert figure in finished.stdout, f"{figure!r} missing from:\n{finished.stdout[-3000:]}"
