"""The install paths: pyproject.toml, the pinned requirements, the console script and the container files.

pyproject.toml says which versions the code supports, requirements*.txt which ones it is tested
with; they must name the same packages and every pin must lie inside its range. The Dockerfile
and compose.yaml are not built here, so their parts that must match the rest are checked instead.
"""

from __future__ import annotations

import ast
import importlib
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
DOCKERFILE_INSTRUCTIONS = {
    "FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME",
    "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL",
}  # fmt: skip


def pinned(path: Path) -> dict[str, Requirement]:
    """The requirements of one requirements file, by canonical name (``-r`` includes left out)."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            requirement = Requirement(line)
            found[canonicalize_name(requirement.name)] = requirement
    return found


def declared(lines: list[str]) -> dict[str, Requirement]:
    return {canonicalize_name(requirement.name): requirement for requirement in map(Requirement, lines)}


@pytest.mark.parametrize(
    ("requirements_file", "declared_lines"),
    [
        ("requirements.txt", PYPROJECT["project"]["dependencies"]),
        ("requirements-dev.txt", PYPROJECT["project"]["optional-dependencies"]["dev"]),
    ],
)
def test_requirements_pin_exactly_what_pyproject_declares(requirements_file: str, declared_lines: list[str]) -> None:
    pins = pinned(ROOT / requirements_file)
    ranges = declared(declared_lines)
    assert sorted(pins) == sorted(ranges), f"{requirements_file} and pyproject.toml name different packages"
    for name, pin in pins.items():
        (specifier,) = pin.specifier
        assert specifier.operator == "==", f"{requirements_file}: {pin} is not pinned"
        assert ranges[name].specifier.contains(specifier.version), f"{pin} is outside pyproject's {ranges[name]}"
        assert pin.extras == ranges[name].extras, f"{name}: extras differ"


def test_dev_requirements_include_the_runtime_set() -> None:
    assert "-r requirements.txt" in (ROOT / "requirements-dev.txt").read_text(encoding="utf-8").splitlines()


def test_console_script_runs_what_python_m_academy_runs() -> None:
    module_name, function_name = PYPROJECT["project"]["scripts"]["academy"].split(":")
    entry = getattr(importlib.import_module(module_name), function_name)
    # academy/__main__.py is `from <module> import main; raise SystemExit(main())`.
    tree = ast.parse((ROOT / "academy" / "__main__.py").read_text(encoding="utf-8"))
    imports = [node for node in tree.body if isinstance(node, ast.ImportFrom)]
    assert [(node.module, [alias.name for alias in node.names]) for node in imports] == [(module_name, ["main"])]
    assert callable(entry)


def test_every_data_file_of_the_package_is_shipped() -> None:
    """Files that are not Python are left out of a wheel unless package-data names them."""
    package_data = PYPROJECT["tool"]["setuptools"]["package-data"]
    for path in (ROOT / "academy").rglob("*"):
        if path.is_file() and path.suffix not in {".py", ".pyc"}:
            package = ".".join(path.parent.relative_to(ROOT).parts)
            assert path.name in package_data.get(package, []), f"{path.relative_to(ROOT)} is not in package-data"


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    logical = re.sub(r"\\\n\s*", " ", "\n".join(line for line in text.splitlines() if not line.startswith("#")))
    instructions = []
    for line in logical.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            assert keyword.upper() in DOCKERFILE_INSTRUCTIONS, f"not a Dockerfile instruction: {line}"
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def test_dockerfile_is_a_slim_non_root_image_with_progress_volume_and_health_check() -> None:
    instructions = dockerfile_instructions()
    arguments = {keyword: [args for k, args in instructions if k == keyword] for keyword, _ in instructions}
    (base,) = arguments["FROM"]
    minimum_python = PYPROJECT["project"]["requires-python"].removeprefix(">=")
    assert base == f"python:{minimum_python}-slim"
    assert arguments["USER"]
    assert arguments["USER"][-1] not in {"root", "0"}
    assert any("/app/progress" in volume for volume in arguments["VOLUME"])
    (health,) = arguments["HEALTHCHECK"]
    (port,) = arguments["EXPOSE"]
    assert f"127.0.0.1:{port}/_stcore/health" in health
    assert f"--server.port={port}" in arguments["CMD"][-1]
    # The image installs the pinned, tested set, then the package itself without re-resolving it.
    runs = " && ".join(arguments["RUN"])
    assert "pip install -r requirements.txt" in runs
    assert "pip install --no-deps ." in runs


def test_compose_runs_the_image_against_its_postgresql_with_a_driver_the_requirements_install() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    app, db = compose["services"]["app"], compose["services"]["db"]
    assert app["build"] == "."
    url = make_url(re.sub(r"\$\{[^}]*\}", "secret", app["environment"]["ACADEMY_DATABASE_URL"]))
    assert url.get_backend_name() == "postgresql"
    assert url.host == "db"
    assert url.database == db["environment"]["POSTGRES_DB"]
    assert url.username == db["environment"]["POSTGRES_USER"]
    assert url.get_driver_name() in pinned(ROOT / "requirements.txt"), "the URL's driver is not installed"
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    major = int(db["image"].split(":")[1].split(".")[0])
    assert major >= 13, "docs/operations.md promises PostgreSQL 13 or newer"
    container_port = dockerfile_port()
    assert any(port.endswith(f":{container_port}") for port in app["ports"])


def dockerfile_port() -> str:
    return next(args for keyword, args in dockerfile_instructions() if keyword == "EXPOSE")
