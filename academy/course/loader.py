"""Course files → validated models, with every problem reported as ``file:line:column: field: message``.

One broken module never takes the course down: it is left out of the ``Course`` and its
problems are listed in ``LoadResult.problems`` for the validator and the admin page.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import types
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Generic, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from academy import settings
from academy.content.schema import Course, Module, QuizBank
from academy.course.lint import lint_bank, lint_module
from academy.course.yaml_source import Loc, SourceMap, YamlSourceError, format_loc, read_yaml

YAML_SUFFIXES = {".yaml", ".yml"}


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


@dataclass(frozen=True)
class LoadResult:
    course: Course
    problems: tuple[Problem, ...] = ()
    broken: dict[str, tuple[Problem, ...]] = field(default_factory=dict)
    """File name -> its problems, for every file left out of the course."""
    sources: dict[tuple[str, str], tuple[Path, SourceMap]] = field(default_factory=dict)
    """("module" or "bank", id) -> the file it was loaded from and where each of its values sits."""

    def position(self, kind: str, owner_id: str, loc: Loc) -> tuple[Path, int] | None:
        """File and line of a field (its key) or list item of a loaded module or bank, if known."""
        found = self.sources.get((kind, owner_id))
        if found is None:
            return None
        path, source_map = found
        return path, source_map.key_position(loc).line

    @property
    def ok(self) -> bool:
        return not self.problems


ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass
class _Parsed(Generic[ModelT]):
    path: Path
    source_map: SourceMap
    model: ModelT


# --- pydantic errors → problems -----------------------------------------------------------


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types an annotation may hold (Annotated, Optional and unions flattened)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _unwrap(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return [t for arg in get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _model_for_tag(candidates: list[Any], tag: Any) -> type[BaseModel] | None:
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            type_field = candidate.model_fields.get("type")
            if type_field is not None and tag in get_args(type_field.annotation):
                return candidate
    return None


def _walk(model: type[BaseModel], data: Any, loc: Sequence[Any]) -> tuple[Loc, type[BaseModel] | None]:
    """Follow a pydantic error location through the data, dropping union tags.

    Returns the location as it exists in the YAML document, and the model that owns its
    last step (for suggesting field names).
    """
    clean: list[str | int] = []
    owner: type[BaseModel] | None = model
    candidates: list[Any] = [model]
    for part in loc:
        if isinstance(data, dict) and part in data:
            owner = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
            if isinstance(data.get("type"), str):
                owner = _model_for_tag(candidates, data["type"]) or owner
            annotation = owner.model_fields[part].annotation if owner and part in owner.model_fields else Any
            candidates = _unwrap(annotation)
            data = data[part]
            clean.append(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            item_types = [get_args(c)[0] for c in candidates if get_origin(c) in (list, tuple) and get_args(c)]
            candidates = [t for item in item_types for t in _unwrap(item)] or candidates
            data = data[part]
            clean.append(part)
        elif isinstance(data, dict):
            owner = _model_for_tag(candidates, part) or next(
                (c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), owner
            )
            if owner is not None and part not in owner.model_fields:
                candidates = [owner]
                continue  # a union tag, not a key of the document
            break  # a key the document lacks (missing) or should not have (unknown)
        else:
            continue
    if isinstance(data, dict):
        owner = _model_for_tag(candidates, data.get("type")) or next(
            (c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), owner
        )
    return tuple(clean), owner


def _message(error: ErrorDetails, owner: type[BaseModel] | None) -> str:
    kind = error["type"]
    name = error["loc"][-1] if error["loc"] else ""
    if kind == "extra_forbidden":
        allowed = sorted(owner.model_fields) if owner else []
        close = difflib.get_close_matches(str(name), allowed, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown field '{name}'{hint} (allowed: {', '.join(allowed)})"
    if kind == "too_short" and name == "choices":
        return "a node needs at least one choice; to end the conversation, point a choice at an ending"
    if kind == "missing":
        return f"missing required field '{name}'"
    if kind == "union_tag_invalid":
        context = error.get("ctx", {})
        return f"unknown question type '{context.get('tag')}'; expected one of: {context.get('expected_tags')}"
    if kind == "literal_error" and name == "schema_version":
        return f"{error['msg']} (this version of the academy reads schema_version 1)"
    value = error.get("input")
    shown = f" (got {value!r:.60})" if value is not None and not isinstance(value, dict | list) else ""
    return f"{error['msg']}{shown}"


def problems_from_validation(
    path: Path, model: type[BaseModel], data: Any, source_map: SourceMap, error: ValidationError
) -> list[Problem]:
    problems = []
    for item in error.errors():
        loc, owner = _walk(model, data, item["loc"])
        if item["type"] == "missing":
            position = source_map.value_position(loc)
            loc = (*loc, item["loc"][-1])
        elif item["type"] == "extra_forbidden":
            loc = (*loc, item["loc"][-1]) if loc[-1:] != (item["loc"][-1],) else loc
            position = source_map.key_position(loc)
        else:
            position = source_map.value_position(loc)
        problems.append(Problem(path, position.line, position.column, format_loc(loc), _message(item, owner)))
    return problems


def lint_problems(path: Path, source_map: SourceMap, findings: Iterable[tuple[Loc, str]]) -> list[Problem]:
    problems = []
    for loc, message in findings:
        position = source_map.value_position(loc)
        problems.append(Problem(path, position.line, position.column, format_loc(loc), message))
    return problems


# --- files → models -----------------------------------------------------------------------


def _parse(path: Path, model: type[ModelT]) -> _Parsed[ModelT] | list[Problem]:
    try:
        data, source_map = read_yaml(path)
    except YamlSourceError as error:
        return [Problem(path, error.position.line, error.position.column, error.field, error.message)]
    except OSError as error:
        return [Problem(path, 1, 1, "", f"cannot read file: {error.strerror or error}")]
    try:
        return _Parsed(path, source_map, model.model_validate(data))
    except ValidationError as error:
        return problems_from_validation(path, model, data, source_map, error)


def content_version(module: Module, bank: QuizBank | None) -> str:
    """A stable hash of what a learner sees: same content, same version, whatever the formatting.

    Fields left at their defaults are left out, so a new optional field in the schema does not
    change the version of every module that does not use it.
    """
    payload = {
        "module": module.model_dump(mode="json", exclude_defaults=True),
        "bank": bank.model_dump(mode="json", exclude_defaults=True) if bank else None,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in YAML_SUFFIXES and p.is_file())


def _display(path: Path) -> Path:
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def _load_banks(paths: Iterable[Path]) -> tuple[dict[str, _Parsed[QuizBank]], dict[Path, list[Problem]]]:
    banks: dict[str, _Parsed[QuizBank]] = {}
    broken: dict[Path, list[Problem]] = {}
    for path in paths:
        parsed = _parse(path, QuizBank)
        if isinstance(parsed, list):
            broken[path] = parsed
            continue
        bank = parsed.model
        problems = lint_problems(path, parsed.source_map, lint_bank(bank))
        if bank.id in banks:
            problems.append(_duplicate_id_problem(path, parsed, "quiz bank", banks[bank.id].path))
        if problems:
            broken[path] = problems
        else:
            banks[bank.id] = parsed
    return banks, broken


def _duplicate_id_problem(path: Path, parsed: _Parsed[Module] | _Parsed[QuizBank], kind: str, first: Path) -> Problem:
    position = parsed.source_map.value_position(("id",))
    return Problem(path, position.line, position.column, "id", f"{kind} id is already used by {first}")


def load_files(
    module_paths: Iterable[Path], bank_paths: Iterable[Path], other_bank_ids: Iterable[str] = ()
) -> LoadResult:
    """Load the given module and quiz-bank files; keep every module that is sound.

    ``other_bank_ids`` are banks that exist but were not asked for, named in hints only.
    """
    banks, broken = _load_banks([_display(p) for p in bank_paths])
    broken_bank_ids = {_peek(p, "id") for p in broken}
    modules: dict[str, _Parsed[Module]] = {}
    for path in (_display(p) for p in module_paths):
        parsed = _parse(path, Module)
        if isinstance(parsed, list):
            broken[path] = parsed
            continue
        module = parsed.model
        problems = lint_problems(path, parsed.source_map, lint_module(module))
        problems += _reference_problems(
            path, parsed, module, set(banks), set(banks) | set(other_bank_ids), broken_bank_ids
        )
        if module.id in modules:
            problems.append(_duplicate_id_problem(path, parsed, "module", modules[module.id].path))
        if problems:
            broken[path] = problems
        else:
            modules[module.id] = parsed
    ordered = sorted((p.model for p in modules.values()), key=lambda m: (m.order, m.id))
    bank_models = {bank_id: p.model for bank_id, p in banks.items()}
    course = Course(
        modules=tuple(ordered),
        banks=bank_models,
        versions={m.id: content_version(m, bank_models.get(m.quiz or "")) for m in ordered},
    )
    all_problems = tuple(p for problems in broken.values() for p in problems)
    sources = {("module", key): (p.path, p.source_map) for key, p in modules.items()}
    sources |= {("bank", key): (p.path, p.source_map) for key, p in banks.items()}
    return LoadResult(course, all_problems, {str(path): tuple(probs) for path, probs in broken.items()}, sources)


def _peek(path: Path, key: str) -> str | None:
    """One top-level text field of a file, or None when the file cannot say."""
    try:
        data, _ = read_yaml(path)
    except (YamlSourceError, OSError):
        return None
    value = data.get(key)
    return value if isinstance(value, str) else None


def _reference_problems(
    path: Path,
    parsed: _Parsed[Module],
    module: Module,
    loaded_ids: set[str],
    known_ids: set[str],
    broken_bank_ids: set[str | None],
) -> list[Problem]:
    if module.quiz is None or module.quiz in loaded_ids:
        return []
    position = parsed.source_map.value_position(("quiz",))
    if module.quiz in broken_bank_ids:
        message = f"quiz bank '{module.quiz}' has errors (listed with its file)"
    else:
        known = ", ".join(sorted(known_ids)) or "none"
        close = difflib.get_close_matches(module.quiz, sorted(known_ids), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        message = f"no quiz bank has id '{module.quiz}'{hint} (known: {known})"
    return [Problem(path, position.line, position.column, "quiz", message)]


def classify(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """Split paths (files or folders) into module files and quiz-bank files.

    A folder named ``quizzes`` holds banks; any other file is a module unless its
    top level has ``questions``.
    """
    modules: list[Path] = []
    banks: list[Path] = []
    for path in paths:
        files = _yaml_files(path) if path.is_dir() else [path]
        for file in files:
            (banks if _looks_like_bank(file) else modules).append(file)
    return modules, banks


def _looks_like_bank(path: Path) -> bool:
    if path.parent.name == "quizzes":
        return True
    if path.parent.name == "lessons":
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(65536)
    except OSError:
        return False
    return b"\nquestions:" in head or head.startswith(b"questions:")


def load_course(lessons_dir: Path | None = None, quizzes_dir: Path | None = None) -> LoadResult:
    """The whole course: every module in ``lessons_dir``, with the banks in ``quizzes_dir``.

    The folders default to the configured ones (``academy.settings``).
    """
    lessons = settings.lessons_dir() if lessons_dir is None else lessons_dir
    quizzes = settings.quizzes_dir() if quizzes_dir is None else quizzes_dir
    return load_files(_yaml_files(lessons), _yaml_files(quizzes))


def load_paths(paths: Sequence[Path]) -> LoadResult:
    """What ``validate PATH...`` loads: the given files, plus any bank a given module needs."""
    modules, banks = classify(paths)
    given_ids = {_peek(p, "id") for p in banks}
    wanted = {_peek(m, "quiz") for m in modules} - given_ids - {None}
    seen_ids: set[str] = set()
    folders = {m.resolve().parent.parent / "quizzes" for m in modules} | {settings.quizzes_dir()}
    for candidate in (p for folder in sorted(folders) for p in _yaml_files(folder)):
        bank_id = _peek(candidate, "id")
        if bank_id in wanted:
            banks.append(candidate)
            wanted.discard(bank_id)
        elif bank_id:
            seen_ids.add(bank_id)
    return load_files(modules, banks, seen_ids)
