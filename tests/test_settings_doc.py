"""docs/operations.md lists every environment variable the code reads, and none it does not."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VARIABLE = re.compile(r"\bACADEMY_[A-Z][A-Z_]*[A-Z]\b")


def section(markdown: str, heading: str) -> str:
    start = markdown.index(f"## {heading}\n")
    end = markdown.find("\n## ", start + 1)
    return markdown[start : end if end != -1 else None]


def documented() -> set[str]:
    settings = section((ROOT / "docs" / "operations.md").read_text(encoding="utf-8"), "Every setting in one place")
    return {
        match for line in settings.splitlines() if line.startswith("| `ACADEMY_") for match in VARIABLE.findall(line)
    }


def read_by_the_code() -> set[str]:
    files = [*ROOT.glob("academy/**/*.py"), ROOT / "app.py", *ROOT.glob("scripts/*"), ROOT / ".ci" / "run"]
    files += [*ROOT.glob("tests/**/conftest.py"), *ROOT.glob("bench/*.py")]
    return {name for path in files if path.is_file() for name in VARIABLE.findall(path.read_text(encoding="utf-8"))}


def test_every_variable_the_code_reads_is_in_the_settings_table() -> None:
    missing = read_by_the_code() - documented()
    assert not missing, f"add to docs/operations.md 'Every setting in one place': {sorted(missing)}"


def test_the_settings_table_lists_no_variable_the_code_ignores() -> None:
    stale = documented() - read_by_the_code()
    assert not stale, f"documented but read nowhere: {sorted(stale)}"
