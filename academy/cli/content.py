"""Course commands: ``validate``, ``schema`` and ``course-doc``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from academy import settings
from academy.cli.common import Subparsers, course_folders
from academy.cli.errors import CommandError
from academy.content.schema import Course, Module, QuizBank
from academy.course.loader import LoadResult, load_course, load_paths
from academy.programme.paths import PathsResult, load_learning_paths
from academy.reports.course_doc import render_course_doc


def register(subparsers: Subparsers) -> None:
    validate = subparsers.add_parser(
        "validate",
        help="check course files and print one summary line per module",
        description="Check course YAML files. Exit 0 with a summary per module, or 1 listing every problem.",
    )
    validate.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help=f"module or quiz files, or folders (default: ${settings.LESSONS_DIR_ENV} and "
        f"${settings.QUIZZES_DIR_ENV}, else lessons/ and quizzes/)",
    )
    validate.set_defaults(func=run_validate)
    schema = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of course files (for editors)",
        description="Print the JSON Schema generated from the content models.",
    )
    schema.add_argument(
        "kind",
        nargs="?",
        choices=["module", "quiz", "all"],
        default="all",
        help="module (lessons/*.yaml), quiz (quizzes/*.yaml) or all (either)",
    )
    schema.set_defaults(func=run_schema)
    course_doc = subparsers.add_parser(
        "course-doc",
        help="print docs/course.md (modules, objectives, figures and their sources)",
        description="Render the course overview from the YAML files.",
    )
    course_doc.set_defaults(func=run_course_doc)


def module_summary(course: Course, module: Module) -> str:
    bank = course.bank_for(module)
    endings = sum(len(s.endings) for s in module.scenarios)
    questions = f"{len(bank.questions)} questions (draws {bank.draw})" if bank else "no quiz"
    return (
        f"{module.id}: {len(module.lessons)} lessons, {len(module.scenarios)} scenarios, "
        f"{endings} endings, {questions}  [version {course.versions[module.id]}]"
    )


def report_learning_paths(result: PathsResult) -> int:
    """The learning paths (``paths/``) as ``validate`` shows modules: one line each, or every problem."""
    for path in result.paths:
        certificate = "one certificate" if path.certificate == "path" else "a certificate per module"
        print(f"ok    path {path.id}: {len(path.modules)} modules, {certificate}")
    for problem in result.problems:
        print(problem, file=sys.stderr)
    return 1 if result.problems else 0


def report(result: LoadResult) -> int:
    for module in result.course.modules:
        print(f"ok    {module_summary(result.course, module)}")
    if result.problems:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        files = len(result.broken)
        print(f"{len(result.problems)} problems in {files} file{'s' * (files != 1)}", file=sys.stderr)
        return 1
    if not result.course.modules:
        print("no modules found", file=sys.stderr)
        return 1
    return 0


def run_validate(args: argparse.Namespace) -> int:
    if not args.paths:
        result = load_course(*course_folders())
        return max(report(result), report_learning_paths(load_learning_paths(result.course)))
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        raise CommandError(f"{', '.join(missing)}: no such file or folder")
    return report(load_paths(args.paths))


def json_schema(kind: str) -> dict:
    if kind == "module":
        return Module.model_json_schema()
    if kind == "quiz":
        return QuizBank.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Customer Service Academy course file",
        "anyOf": [{"$ref": "#/$defs/Module"}, {"$ref": "#/$defs/QuizBank"}],
        "$defs": {**_defs(Module), **_defs(QuizBank)},
    }


def _defs(model: type[Module] | type[QuizBank]) -> dict:
    schema = model.model_json_schema(ref_template="#/$defs/{model}")
    defs = schema.pop("$defs", {})
    return {**defs, model.__name__: schema}


def run_schema(args: argparse.Namespace) -> int:
    print(json.dumps(json_schema(args.kind), indent=2))
    return 0


def run_course_doc(_args: argparse.Namespace) -> int:
    result = load_course(*course_folders())
    if not result.ok:
        return report(result)
    print(render_course_doc(result.course), end="")
    return 0
