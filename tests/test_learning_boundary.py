"""Only academy.learning changes a learner's progress: checked on the source with ``ast``.

The store's progress writes are found in its source (every public method that opens a
write transaction), so a new write method is covered without editing this test.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROGRESS_SOURCES = [ROOT / "academy" / "store" / f"{name}.py" for name in ("lessons", "attempts", "runs", "summaries")]
# Everything that acts as a learner must go through academy.learning. bench/store.py is
# left out: it times the store's own writes, on a synthetic course no content file holds.
CALLERS = [
    *sorted((ROOT / "academy" / "ui").glob("*.py")),
    ROOT / "academy" / "demo.py",
    ROOT / "scripts" / "screenshots.py",
    *sorted(path for path in (ROOT / "bench").glob("*.py") if path.name != "store.py"),
]


def _writes_in(tree: ast.AST) -> set[str]:
    """Methods that open a write transaction, or call one of this file's methods that does."""
    calls: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            calls[node.name] = {
                inner.func.attr
                for inner in ast.walk(node)
                if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute)
            }
    writing = {"_write"}
    while True:
        more = {name for name, called in calls.items() if called & writing} - writing
        if not more:
            break
        writing |= more
    return {name for name in writing if not name.startswith("_")}


def progress_writes() -> set[str]:
    names: set[str] = set()
    for path in PROGRESS_SOURCES:
        names |= _writes_in(ast.parse(path.read_text(encoding="utf-8")))
    return names


def calls_in(path: Path, names: set[str], root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        f"{path.relative_to(root)}:{node.lineno} calls .{node.func.attr}()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in names
    ]


def test_the_store_progress_writes_are_found() -> None:
    writes = progress_writes()
    assert {
        "mark_complete",
        "save_answer",
        "save_choice",
        "finish_run",
        "abandon_run",
    } <= writes
    assert "module_summaries" not in writes  # a read


def test_no_page_demo_script_or_benchmark_writes_progress_past_the_learning_actions() -> None:
    writes = progress_writes()
    offending = [line for path in CALLERS for line in calls_in(path, writes)]
    assert not offending, "call academy.learning instead:\n" + "\n".join(offending)


def test_the_check_catches_a_direct_write(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text("def render(store):\n    store.finish_run('r', 'e', 'retained', 1, 2, 0)\n", encoding="utf-8")
    assert calls_in(page, progress_writes(), tmp_path) == ["page.py:2 calls .finish_run()"]
