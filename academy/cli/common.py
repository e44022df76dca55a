"""What several commands share: the ``--database-url`` option, the store, the course, output files."""

from __future__ import annotations

import argparse
import errno
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from sqlalchemy.exc import DBAPIError

from academy import settings
from academy.cli.errors import CommandError, one_line
from academy.content.schema import Course
from academy.course.loader import load_course
from academy.private_files import private_output, write_private
from academy.store import Store, open_store
from academy.store.base import Clock, utc_now
from academy.store.config import describe_url, resolve_url

Subparsers = argparse._SubParsersAction


def database_option() -> argparse.ArgumentParser:
    """A parent parser giving a command ``--database-url``."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url",
        metavar="URL",
        help=f"database URL (default: ${settings.DATABASE_URL_ENV}, secrets.toml, or progress/academy.db)",
    )
    return common


@contextmanager
def store_from(args: argparse.Namespace, clock: Clock | None = None) -> Iterator[Store]:
    """The store named by ``--database-url`` (or the settings), closed when the command ends."""
    with opening(args.database_url):
        store = open_store(args.database_url, clock=clock or utc_now)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def opening(database_url: str | None) -> Iterator[None]:
    """Name the database when connecting to it fails (the driver's message does not)."""
    try:
        yield
    except DBAPIError as error:
        raise CommandError(
            f"cannot open the database {describe_url(resolve_url(database_url))}: "
            f"{one_line(error).removeprefix('database error: ')}"
        ) from error


def course_folders() -> tuple[Path, Path]:
    """The configured lessons and quizzes folders; CommandError if either is not there."""
    folders = (settings.lessons_dir(), settings.quizzes_dir())
    for folder, variable in zip(folders, (settings.LESSONS_DIR_ENV, settings.QUIZZES_DIR_ENV), strict=True):
        if not folder.is_dir():
            raise CommandError(f"{folder}: no such folder (set ${variable} to the course's folder)")
    return folders


def course() -> Course:
    """The configured course: the modules that validate (``validate`` reports the others)."""
    return load_course(*course_folders()).course


@contextmanager
def output(target: str | Path) -> Iterator[TextIO]:
    """stdout for '-', else a private file (owner-only, complete or absent: it may hold names and scores)."""
    if str(target) == "-":
        yield sys.stdout
        return
    try:
        with private_output(target) as handle:
            yield handle
    except OSError as error:
        raise cannot_write(target, error) from error


def write_file(target: Path, text: str) -> None:
    """Write a private file whole (see ``output``)."""
    try:
        write_private(target, text)
    except OSError as error:
        raise cannot_write(target, error) from error


def cannot_write(target: str | Path, error: OSError) -> CommandError:
    """The refusal for a file that cannot be written, naming the file asked for (not its temporary)."""
    return CommandError(f"{target}: cannot write: {write_failure(error)}")


def write_failure(error: OSError) -> str:
    """Why a file could not be written, in words (a missing folder is the usual case)."""
    return "no such folder" if error.errno == errno.ENOENT else (error.strerror or str(error)).lower()
