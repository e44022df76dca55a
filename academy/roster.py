"""Rosters: a CSV file of accounts to create, checked whole before anything is written.

Used by ``users import`` and by the Users page. The text is parsed by the ``csv`` module
with only CR and LF ending a row: ``str.splitlines`` would also end one at U+2028,
U+0085, vertical tab and other Unicode line breaks, so a display name could smuggle in a
second row (with its own role and password). Such characters stay inside their cell, where
the name rules in ``academy.auth`` refuse them.

The generated passwords are written through ``PasswordsFile``: prepared, owner-only,
before the accounts are committed, and put in place only once they are.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from academy import auth
from academy.auth import AccountError
from academy.private_files import PrivateFile
from academy.store.accounts import NewAccount

ROSTER_COLUMNS = ("username", "display_name", "role", "teams", "manages", "password")
COLUMN_ALIASES = {"team": "teams", "name": "display_name"}
LIST_SEPARATOR = ";"
MAX_ROWS = 50_000  # far above any real roster; bounds the work a mistaken file can cause


@dataclass(frozen=True, slots=True)
class RosterProblem:
    line: int
    message: str


@dataclass(frozen=True, slots=True)
class RosterEntry:
    line: int
    account: NewAccount
    generated: bool
    """True when the roster gave no password and one was generated (it must be handed out)."""


def read_roster(path: Path) -> str:
    """The roster's text; OSError or UnicodeDecodeError when it cannot be read as UTF-8."""
    return path.read_text(encoding="utf-8-sig")  # spreadsheets like to add a byte-order mark


def check_roster(text: str, existing: Collection[str]) -> tuple[list[RosterEntry], list[RosterProblem]]:
    """Check every row; the accounts are valid only if the problems list is empty.

    ``existing`` holds the usernames already taken. Line numbers are those of the file,
    the first line of a row when a quoted cell spans several.
    """
    try:
        rows = _rows(text)
    except csv.Error as error:
        return [], [RosterProblem(error.args[1] if len(error.args) > 1 else 1, f"not a CSV file: {error.args[0]}")]
    if not rows:
        return [], [RosterProblem(1, "the file is empty")]
    _, header_cells = rows[0]
    header = [COLUMN_ALIASES.get(name.strip(), name.strip()) for name in header_cells]
    if "username" not in header:
        return [], [
            RosterProblem(1, f"the header must name a 'username' column (columns: {', '.join(ROSTER_COLUMNS)})")
        ]
    unknown = [name for name in header if name not in ROSTER_COLUMNS]
    if unknown:
        return [], [RosterProblem(1, f"unknown column(s) {', '.join(unknown)}; known: {', '.join(ROSTER_COLUMNS)}")]
    if len(set(header)) != len(header):
        return [], [RosterProblem(1, "a column is named twice")]
    if len(rows) - 1 > MAX_ROWS:
        return [], [RosterProblem(1, f"too many rows: at most {MAX_ROWS} per import")]
    entries: list[RosterEntry] = []
    problems: list[RosterProblem] = []
    first_line: dict[str, int] = {}
    for line, cells in rows[1:]:
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, as spreadsheets leave at the end
        if len(cells) > len(header):
            problems.append(RosterProblem(line, f"more cells than columns ({len(cells)} for {len(header)})"))
            continue
        row = dict(zip(header, cells, strict=False))
        entry, errors = _check_row(row, line)
        problems += [RosterProblem(line, error) for error in errors]
        if entry is None:
            continue
        name = entry.account.username
        if name in first_line:
            problems.append(RosterProblem(line, f"username {name!r} already on line {first_line[name]}"))
        elif name in existing:
            problems.append(RosterProblem(line, f"username {name!r} is taken"))
        first_line.setdefault(name, line)
        entries.append(entry)
    if not entries and not problems:
        problems.append(RosterProblem(1, "no rows"))
    return entries, problems


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """Each CSV record with the file line it starts on."""
    # newline="": the csv module, not io, decides where a record ends, and only at CR or LF.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for cells in reader:
            rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as error:
        raise csv.Error(str(error), reader.line_num) from None
    return rows


def _check_row(row: dict[str, str], line: int) -> tuple[RosterEntry | None, list[str]]:
    cell = {name: value.strip() for name, value in row.items()}
    errors: list[str] = []

    def checked(check: Callable[[str], object], value: str) -> None:
        try:
            check(value)
        except AccountError as error:
            errors.append(str(error))

    checked(auth.check_username, cell.get("username", ""))
    checked(auth.check_display_name, cell.get("display_name", ""))
    checked(auth.check_role, cell.get("role") or "learner")
    teams = _split(cell.get("teams", ""))
    manages = _split(cell.get("manages", ""))
    for team in teams + manages:
        checked(auth.check_team_name, team)
    password = cell.get("password", "")
    if password:
        checked(auth.check_password, password)
    if errors:
        return None, errors
    account = NewAccount(
        username=auth.check_username(cell["username"]),
        password=password or generate_password(),
        display_name=auth.check_display_name(cell.get("display_name", "")),
        role=cell.get("role") or "learner",
        teams=tuple(teams),
        manages=tuple(manages),
    )
    return RosterEntry(line, account, generated=not password), []


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def generated_passwords(entries: Sequence[RosterEntry]) -> list[tuple[str, str]]:
    return [(entry.account.username, entry.account.password) for entry in entries if entry.generated]


def passwords_csv(generated: Sequence[tuple[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["username", "password"])
    writer.writerows(generated)
    return buffer.getvalue()


# Generated passwords are prepared before the commit and put in place after it (see PrivateFile).
PasswordsFile = PrivateFile
