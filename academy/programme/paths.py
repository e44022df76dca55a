"""Learning paths: a named, ordered list of modules, one YAML file each in ``paths/``.

```yaml
schema_version: 1
id: new-starter
title: New starter
summary: The first month at the front desk.
modules: [orientation, customer-creation, promise-keeping]
certificate: path        # one certificate for the whole path; "module": one per module
```

A path that names a module the course does not have is refused with ``file:line``, like
any other course file; the rest of the paths still load.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, model_validator

from academy import settings
from academy.content.schema import Course, Slug, Strict, Text
from academy.course.loader import Problem, problems_from_validation
from academy.course.yaml_source import YamlSourceError, read_yaml

YAML_SUFFIXES = {".yaml", ".yml"}


class LearningPath(Strict):
    schema_version: Literal[1]
    id: Slug
    title: Annotated[Text, Field(max_length=200)]
    summary: Text | None = None
    modules: Annotated[list[Slug], Field(min_length=1)]
    """Module ids, in the order learners should take them."""
    certificate: Literal["path", "module"] = "path"
    """``path``: one certificate once every module is passed; ``module``: one per module passed."""

    @model_validator(mode="after")
    def _modules_once(self) -> LearningPath:
        repeated = sorted({module for module in self.modules if self.modules.count(module) > 1})
        if repeated:
            raise ValueError(f"a module is listed twice: {', '.join(repeated)}")
        return self


@dataclass(frozen=True)
class PathsResult:
    paths: tuple[LearningPath, ...]
    problems: tuple[Problem, ...]

    def get(self, path_id: str) -> LearningPath | None:
        return next((path for path in self.paths if path.id == path_id), None)


def paths_dir() -> Path:
    """``$ACADEMY_PATHS_DIR``, else ``paths/`` beside ``lessons/``."""
    return settings.paths_dir()


def load_learning_paths(course: Course, folder: Path | None = None) -> PathsResult:
    """Every path in ``folder`` that is valid and names only modules of ``course``."""
    root = folder or paths_dir()
    if not root.is_dir():
        return PathsResult((), ())
    files = sorted(p for p in root.iterdir() if p.suffix.lower() in YAML_SUFFIXES and p.is_file())
    return load_path_files(course, files)


def load_path_files(course: Course, files: Iterable[Path]) -> PathsResult:
    known = {module.id for module in course.modules}
    paths: list[LearningPath] = []
    problems: list[Problem] = []
    seen: dict[str, Path] = {}
    for file in files:
        loaded = _load_one(file, known)
        if isinstance(loaded, list):
            problems += loaded
        elif loaded.id in seen:
            problems.append(Problem(file, 1, 1, "id", f"path id {loaded.id!r} is used by {seen[loaded.id].name} too"))
        else:
            seen[loaded.id] = file
            paths.append(loaded)
    return PathsResult(tuple(sorted(paths, key=lambda path: path.title)), tuple(problems))


def _load_one(file: Path, known_modules: set[str]) -> LearningPath | list[Problem]:
    try:
        data, source_map = read_yaml(file)
    except YamlSourceError as error:
        return [Problem(file, error.position.line, error.position.column, error.field, error.message)]
    except OSError as error:
        return [Problem(file, 1, 1, "", f"cannot read file: {error.strerror or error}")]
    try:
        path = LearningPath.model_validate(data)
    except ValidationError as error:
        return problems_from_validation(file, LearningPath, data, source_map, error)
    problems = []
    for index, module in enumerate(path.modules):
        if module not in known_modules:
            position = source_map.value_position(("modules", index))
            problems.append(Problem(file, position.line, position.column, f"modules[{index}]", f"no module {module!r}"))
    return problems or path


def modules_in_order(path: LearningPath, course: Course) -> Sequence[str]:
    """The path's modules that the course has (a module may break after the path was loaded)."""
    known = {module.id for module in course.modules}
    return [module for module in path.modules if module in known]
