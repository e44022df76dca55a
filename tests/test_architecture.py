"""The layers hold: no import cycle between academy's packages, and Streamlit only in the UI.

Read from the source with ``ast`` (every import counts, those inside functions and under
``TYPE_CHECKING`` too: a lazy import is still a dependency). A "package" is what sits
directly under ``academy/``: ``academy/engine/`` or ``academy/settings.py``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ACADEMY = ROOT / "academy"
# The only code allowed to import Streamlit (bench/ and tests/ are tools, not the product).
STREAMLIT_ALLOWED = (ACADEMY / "ui", ROOT / "app.py")


def _imported(path: Path) -> Iterator[str]:
    """Every module ``path`` imports, absolute (relative imports resolved)."""
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]  # academy/engine/quiz.py -> academy.engine
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            # `from academy import settings` imports the module academy.settings.
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _package_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "academy" or len(parts) < 2:
        return None
    name = parts[1]
    is_module = (ACADEMY / f"{name}.py").is_file() or (ACADEMY / name / "__init__.py").is_file()
    return name if is_module else None


def package_graph() -> dict[str, set[str]]:
    """academy's packages → the other packages they import."""
    graph: dict[str, set[str]] = {}
    for path in ACADEMY.rglob("*.py"):
        own = path.relative_to(ACADEMY).parts[0].removesuffix(".py")
        targets = graph.setdefault(own, set())
        for module in _imported(path):
            package = _package_of(module)
            if package is not None and package != own:
                targets.add(package)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one package (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _edges_within(graph: dict[str, set[str]], group: list[str]) -> list[str]:
    return [f"{source} -> {target}" for source in group for target in sorted(graph[source]) if target in group]


def test_no_import_cycle_between_academys_packages() -> None:
    graph = package_graph()
    found = cycles(graph)

    assert {"content", "engine", "course", "store", "reports", "ui", "cli"} <= set(graph)
    assert found == [], "import cycles: " + "; ".join(", ".join(_edges_within(graph, group)) for group in found)


def test_the_layers_point_down() -> None:
    graph = package_graph()

    assert graph["content"] <= {"settings"}, "the models import nothing of the academy"
    assert "engine" in graph["course"]  # the linter plays scenarios with the engine's rules
    assert graph["engine"] <= {"content"}
    assert not graph["store"] & {"content", "engine", "course", "reports", "ui", "cli", "learning"}
    assert "demo" not in graph["reports"]
    below = [targets for source, targets in graph.items() if source not in {"ui", "cli", "__main__"}]
    assert not {"ui", "cli"} & set().union(*below), "only the entry points use the UI and the CLI"


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_nothing_outside_the_ui_and_app_imports_streamlit() -> None:
    product = [*ACADEMY.rglob("*.py"), *ROOT.glob("*.py")]
    offenders = [
        str(path.relative_to(ROOT))
        for path in product
        if not any(path == allowed or allowed in path.parents for allowed in STREAMLIT_ALLOWED)
        and any(module.split(".")[0] == "streamlit" for module in _imported(path))
    ]

    assert offenders == []
