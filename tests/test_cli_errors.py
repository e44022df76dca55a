"""Every command meets a bad database URL, a missing file and an unknown team with one line and exit 1.

The cases are listed per command; ``test_every_command_has_its_failure_cases`` reads the
parser, so a new command that takes ``--database-url``, ``--team`` or a file cannot land
without its cases here.
"""

from __future__ import annotations

import argparse
import io
from dataclasses import dataclass
from pathlib import Path

import pytest

from academy import settings
from academy.cli import build_parser, main
from academy.cli.errors import one_line, run_guarded
from academy.store import open_store

ROSTER = "username,teams\nnew.person,Front desk\n"


def _leaf_commands(parser: argparse.ArgumentParser, prefix: str = "") -> dict[str, argparse.ArgumentParser]:
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                found |= _leaf_commands(child, f"{prefix} {name}".strip())
    return found or {prefix: parser}


def _options(parser: argparse.ArgumentParser) -> set[str]:
    return {option for action in parser._actions for option in action.option_strings}


def _takes_a_file(parser: argparse.ArgumentParser) -> bool:
    return any(action.type is Path or action.dest in {"out", "paths"} for action in parser._actions)


LEAVES = _leaf_commands(build_parser())
# Commands whose --team names a team to create, not one to look up.
TEAM_CREATORS = {"users add"}


def _takes_database_url(argv: list[str]) -> bool:
    leaf = next(parser for name, parser in LEAVES.items() if argv[: len(name.split())] == name.split())
    return "--database-url" in _options(leaf)


@dataclass
class Ran:
    code: int
    out: str
    err: str

    @property
    def one_line_refusal(self) -> bool:
        return self.code == 1 and self.err.count("\n") == 1 and "Traceback" not in self.err


class Cli:
    def __init__(self, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self.tmp_path = tmp_path
        self.capsys = capsys
        self.monkeypatch = monkeypatch
        self.url = f"sqlite:///{tmp_path / 'academy.db'}"
        self.roster = tmp_path / "roster.csv"
        self.roster.write_text(ROSTER, encoding="utf-8")

    def __call__(self, argv: list[str], url: str | None = None) -> Ran:
        self.monkeypatch.setattr("sys.stdin", io.StringIO(""))
        given = [arg.format(tmp=self.tmp_path, roster=self.roster) for arg in argv]
        if _takes_database_url(argv):
            given += ["--database-url", url or self.url]
        code = main(given)
        out, err = self.capsys.readouterr()
        return Ran(code, out, err)


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    for variable in (settings.DATABASE_URL_ENV, settings.LESSONS_DIR_ENV, settings.QUIZZES_DIR_ENV):
        monkeypatch.delenv(variable, raising=False)
    return Cli(tmp_path, capsys, monkeypatch)


@pytest.fixture
def populated(cli: Cli) -> Cli:
    """A database with one learner, ana, in the Front desk team."""
    assert cli(["users", "add", "ana", "--team", "Front desk", "--generate-password"]).code == 0
    return cli


# --- bad database URL --------------------------------------------------------------------

# Each command that opens the database, with the arguments it needs to get that far.
DATABASE_COMMANDS = {
    "db upgrade": ["db", "upgrade"],
    "db current": ["db", "current"],
    "users add": ["users", "add", "ana", "--generate-password"],
    "users list": ["users", "list"],
    "users disable": ["users", "disable", "ana"],
    "users set-password": ["users", "set-password", "ana", "--generate-password"],
    "users import": ["users", "import", "{roster}"],
    "learner export": ["learner", "export", "ana"],
    "learner delete": ["learner", "delete", "ana", "--yes"],
    "export xapi": ["export", "xapi", "--out", "-"],
    "export csv": ["export", "csv", "matrix", "--out", "-"],
    "demo": ["demo"],
    "remind": ["remind", "--dry-run"],
}

BAD_URLS = {
    "unknown kind": ("nosuchdb://somewhere", "unsupported database nosuchdb://somewhere"),
    "unreadable": ("not a url at all", "the database URL cannot be read"),
    "a folder": ("sqlite:///{tmp}", "cannot open the database sqlite:///"),
}


@pytest.mark.parametrize("bad", BAD_URLS.values(), ids=BAD_URLS.keys())
@pytest.mark.parametrize("argv", DATABASE_COMMANDS.values(), ids=DATABASE_COMMANDS.keys())
def test_a_bad_database_url_is_one_line(cli: Cli, argv: list[str], bad: tuple[str, str]) -> None:
    url, message = bad
    ran = cli(argv, url=url.format(tmp=cli.tmp_path))

    assert ran.one_line_refusal, ran.err
    assert message in ran.err
    assert ran.out == ""


def test_a_password_in_a_bad_url_is_not_shown(cli: Cli) -> None:
    ran = cli(["users", "list"], url="nosuchdb://admin:hunter2@somewhere/x")

    assert ran.one_line_refusal
    assert "hunter2" not in ran.err


# --- missing file --------------------------------------------------------------------------

# (command, arguments, what the line says)
MISSING_FILES = [
    ("validate", ["validate", "{tmp}/nope.yaml"], "nope.yaml: no such file or folder"),
    ("review", ["review", "{tmp}/nope.yaml"], "nope.yaml: no such file or folder"),
    ("users import", ["users", "import", "{tmp}/nope.csv"], "nope.csv: no such file or folder"),
    (
        "users import",
        ["users", "import", "{roster}", "--passwords-out", "{tmp}/no/such/folder/passwords.csv"],
        "passwords.csv: cannot write the passwords (no such folder): nothing imported",
    ),
    ("learner export", ["learner", "export", "ana", "--out", "{tmp}/no/such/ana.json"], "ana.json: cannot write"),
    ("export xapi", ["export", "xapi", "--out", "{tmp}/no/such/x.json"], "x.json: cannot write: no such folder"),
    ("export csv", ["export", "csv", "at-risk", "--out", "{tmp}/no/such/x.csv"], "x.csv: cannot write: no such folder"),
]


@pytest.mark.parametrize(
    ("argv", "message"), [case[1:] for case in MISSING_FILES], ids=[" ".join(case[1][:3]) for case in MISSING_FILES]
)
def test_a_missing_file_is_one_line_and_nothing_is_written(populated: Cli, argv: list[str], message: str) -> None:
    ran = populated(argv)

    assert ran.one_line_refusal, ran.err
    assert message in ran.err
    assert ran.out == ""
    store = open_store(populated.url)
    try:
        assert [user.username for user in store.list_users()] == ["ana"]
    finally:
        store.close()


# Commands that read the course from the configured folders.
COURSE_COMMANDS = {
    "validate": ["validate"],
    "review": ["review"],
    "course-doc": ["course-doc"],
    "export xapi": ["export", "xapi", "--out", "-"],
    "export csv": ["export", "csv", "matrix", "--out", "-"],
    "demo": ["demo"],
    "remind": ["remind", "--dry-run"],
}


@pytest.mark.parametrize("variable", [settings.LESSONS_DIR_ENV, settings.QUIZZES_DIR_ENV])
@pytest.mark.parametrize("argv", COURSE_COMMANDS.values(), ids=COURSE_COMMANDS.keys())
def test_a_missing_course_folder_is_one_line(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, argv: list[str], variable: str
) -> None:
    monkeypatch.setenv(variable, str(cli.tmp_path / "no-such-folder"))

    ran = cli(argv)

    assert ran.one_line_refusal, ran.err
    assert "no-such-folder" in ran.err


# --- unknown team ----------------------------------------------------------------------------

# (command, arguments): a command may have several cases.
TEAM_COMMANDS = [
    ("users list", ["users", "list", "--team", "Nowhere"]),
    ("export xapi", ["export", "xapi", "--team", "Nowhere", "--out", "{tmp}/x.json"]),
    ("export csv", ["export", "csv", "matrix", "--team", "Front desk", "--team", "Nowhere", "--out", "-"]),
    ("export csv", ["export", "csv", "at-risk", "--team", "Nowhere", "--out", "-"]),
]


@pytest.mark.parametrize("argv", [argv for _, argv in TEAM_COMMANDS], ids=[" ".join(a[:3]) for _, a in TEAM_COMMANDS])
def test_an_unknown_team_is_one_line(populated: Cli, argv: list[str]) -> None:
    ran = populated(argv)

    assert ran.one_line_refusal, ran.err
    assert ran.err == "no team named 'Nowhere'\n"
    assert ran.out == ""
    assert not (populated.tmp_path / "x.json").exists()


# --- every command is covered ----------------------------------------------------------------


def test_every_command_has_its_failure_cases() -> None:
    covered_urls = set(DATABASE_COMMANDS)
    covered_files = {name for name, *_ in MISSING_FILES}
    covered_teams = {name for name, _ in TEAM_COMMANDS}

    assert len(LEAVES) >= 14
    assert [name for name, p in LEAVES.items() if "--database-url" in _options(p) and name not in covered_urls] == []
    assert [name for name, p in LEAVES.items() if _takes_a_file(p) and name not in covered_files] == []
    assert [
        name
        for name, p in LEAVES.items()
        if "--team" in _options(p) and name not in covered_teams and name not in TEAM_CREATORS
    ] == []


# --- the boundary itself -----------------------------------------------------------------------


def test_an_unforeseen_error_is_still_one_line_with_a_hint() -> None:
    def broken() -> int:
        raise TypeError("something\nspread over lines")

    assert one_line(TypeError("something\nspread over lines")) == (
        "unexpected error: TypeError: something spread over lines (run again with --traceback to see where)"
    )
    assert run_guarded(broken) == 1
    with pytest.raises(TypeError):
        run_guarded(broken, traceback=True)


def test_traceback_flag_lets_the_error_through(cli: Cli) -> None:
    with pytest.raises(Exception, match="unsupported database"):
        main(["--traceback", "users", "list", "--database-url", "nosuchdb://x"])


def test_ctrl_c_is_one_word_and_status_130(capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted() -> int:
        raise KeyboardInterrupt

    assert run_guarded(interrupted) == 130
    assert capsys.readouterr().err == "interrupted\n"
