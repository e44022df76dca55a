"""The store's commands: ``db``, ``users`` and ``learner``, run through ``python -m academy``'s parser."""

from __future__ import annotations

import argparse
import io
import json
import re
import stat
from pathlib import Path

import pytest

from academy.auth import AccountError
from academy.cli import build_parser, main
from academy.store import Store, open_store

DOCS = Path(__file__).resolve().parents[1] / "docs" / "operations.md"


class Cli:
    """Runs commands against one database and keeps what they printed."""

    def __init__(self, url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self.url = url
        self.capsys = capsys
        self.monkeypatch = monkeypatch

    def __call__(self, *argv: str, stdin: str = "") -> tuple[int, str, str]:
        self.monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main([*argv, "--database-url", self.url])
        out, err = self.capsys.readouterr()
        return code, out, err

    def store(self) -> Store:
        return open_store(self.url)


@pytest.fixture
def cli(database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(database_url, capsys, monkeypatch)


def usernames(cli: Cli) -> list[str]:
    store = cli.store()
    try:
        return [user.username for user in store.list_users()]
    finally:
        store.close()


# --- db --------------------------------------------------------------------------------


def test_db_upgrade_then_current(cli: Cli) -> None:
    assert cli("db", "current")[0] == 1  # an empty database is behind
    code, out, _ = cli("db", "upgrade")
    assert code == 0
    assert "upgraded from empty" in out
    assert "already at the newest" in cli("db", "upgrade")[1]
    code, out, _ = cli("db", "current")
    assert (code, "up to date" in out) == (0, True)


# --- users -----------------------------------------------------------------------------


def test_users_add_reads_the_password_from_stdin(cli: Cli) -> None:
    code, out, _ = cli(
        "users",
        "add",
        "Ana",
        "--name",
        "Ana Lopez",
        "--team",
        "Front desk",
        "--password-stdin",
        stdin="a long secret\n",
    )
    store = cli.store()
    signed_in = store.authenticate("ana", "a long secret")
    team = store.team_by_name("Front desk")
    members = store.team_members(team.id) if team else []
    store.close()

    assert code == 0
    assert "created learner ana (Ana Lopez)" in out
    assert signed_in.ok
    assert [member.username for member in members] == ["ana"]


def test_users_add_can_generate_the_password(cli: Cli) -> None:
    code, out, _ = cli("users", "add", "boss", "--role", "manager", "--manages", "Front desk", "--generate-password")
    password = re.search(r"password: (\S+)", out)
    store = cli.store()
    boss = store.authenticate("boss", password.group(1) if password else "")
    managed = [team.name for team in store.teams_managed_by(boss.user.id)] if boss.user else []
    store.close()

    assert code == 0
    assert boss.ok
    assert managed == ["Front desk"]


def test_users_add_refuses_bad_input_and_writes_nothing(cli: Cli) -> None:
    assert cli("users", "add", "ana", "--password-stdin", stdin="short\n")[0] == 1
    code, _, err = cli("users", "add", "ana")  # stdin is not a terminal, and no password option
    assert code == 1
    assert "--password-stdin" in err
    assert cli("users", "add", "bad name", "--generate-password")[0] == 1
    assert usernames(cli) == []
    assert cli("users", "add", "ana", "--generate-password")[0] == 0
    code, _, err = cli("users", "add", "ANA", "--generate-password")
    assert (code, "taken" in err) == (1, True)


def test_users_list_filters_by_role_and_team(cli: Cli) -> None:
    cli("users", "add", "ana", "--team", "Front desk", "--generate-password")
    cli("users", "add", "ben", "--generate-password")
    cli("users", "add", "boss", "--role", "manager", "--manages", "Front desk", "--generate-password")

    everyone = cli("users", "list")[1]
    managers = cli("users", "list", "--role", "manager")[1]
    front = cli("users", "list", "--team", "Front desk")[1]

    assert [line.split()[0] for line in everyone.splitlines()] == ["username", "ana", "ben", "boss"]
    assert [line.split()[0] for line in managers.splitlines()] == ["username", "boss"]
    assert [line.split()[0] for line in front.splitlines()] == ["username", "ana", "boss"]
    assert cli("users", "list", "--team", "Nowhere")[0] == 1


def test_users_disable_enable_and_set_password(cli: Cli) -> None:
    cli("users", "add", "ana", "--password-stdin", stdin="first secret\n")

    assert cli("users", "disable", "ana")[1].strip() == "ana is now disabled"
    assert "disabled" in cli("users", "list")[1]
    assert cli("users", "disable", "ana", "--enable")[1].strip() == "ana is now enabled"
    assert cli("users", "set-password", "ana", "--password-stdin", stdin="second secret\n")[0] == 0
    assert cli("users", "disable", "ghost")[0] == 1
    store = cli.store()
    assert not store.authenticate("ana", "first secret").ok
    assert store.authenticate("ana", "second secret").ok
    store.close()


# --- roster import ---------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_roster_is_imported_with_teams_and_generated_passwords(cli: Cli, tmp_path: Path) -> None:
    roster = write(
        tmp_path,
        "\ufeffusername,display_name,role,teams,manages,password\n"
        "ana,Ana Lopez,learner,Front desk,,\n"
        "ben,Ben Ode,,Front desk;Back office,,a chosen secret\n"
        "cleo,Cleo Manager,manager,,Front desk;Back office,\n",
    )
    passwords_file = tmp_path / "passwords.csv"

    code, out, err = cli("users", "import", str(roster), "--passwords-out", str(passwords_file))
    generated = dict(line.split(",") for line in passwords_file.read_text().splitlines()[1:])
    store = cli.store()
    front = store.team_by_name("Front desk")
    back = store.team_by_name("Back office")
    assert front is not None
    assert back is not None
    front_members = [u.username for u in store.team_members(front.id)]
    back_managers = [u.username for u in store.team_managers(back.id)]
    signed_in = [store.authenticate(name, password).ok for name, password in generated.items()]
    ben_ok = store.authenticate("ben", "a chosen secret").ok
    store.close()

    assert (code, err) == (0, "")
    assert "imported 3 account(s)" in out
    assert sorted(generated) == ["ana", "cleo"]
    assert stat.S_IMODE(passwords_file.stat().st_mode) == 0o600
    assert signed_in == [True, True]
    assert ben_ok
    assert front_members == ["ana", "ben"]
    assert back_managers == ["cleo"]


def test_every_bad_row_is_reported_by_line_and_nothing_is_written(cli: Cli, tmp_path: Path) -> None:
    cli("users", "add", "taken", "--generate-password")
    roster = write(
        tmp_path,
        "username,name,role,team,password\n"
        "ana,Ana,learner,Front desk,\n"  # line 2: good
        "bad name,,,,\n"  # line 3
        "ben,,wizard,,\n"  # line 4
        "cleo,,,,short\n"  # line 5
        "Ana,,,,\n"  # line 6: ana again
        "taken,,,,\n"  # line 7
        "dan,,,,,extra\n",  # line 8
    )

    code, out, err = cli("users", "import", str(roster))

    assert code == 1
    assert out == ""
    reported = [int(match) for match in re.findall(r"roster\.csv:(\d+):", err)]
    assert reported == [3, 4, 5, 6, 7, 8]
    assert "already on line 2" in err
    assert "nothing imported: 6 problem(s)" in err
    assert usernames(cli) == ["taken"]
    store = cli.store()
    assert store.list_teams() == []
    store.close()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,role\nAna,learner\n", "'username' column"),
        ("username,shoe_size\nana,42\n", "unknown column"),
        ("username\n", "no rows"),
    ],
)
def test_a_roster_with_a_bad_shape_is_refused(cli: Cli, tmp_path: Path, text: str, message: str) -> None:
    code, _, err = cli("users", "import", str(write(tmp_path, text)))

    assert code == 1
    assert "roster.csv:1: " in err
    assert message in err


def test_a_missing_roster_file_is_reported(cli: Cli, tmp_path: Path) -> None:
    code, _, err = cli("users", "import", str(tmp_path / "nope.csv"))
    assert (code, err) == (1, f"{tmp_path / 'nope.csv'}: no such file or folder\n")


# --- learner ---------------------------------------------------------------------------


def test_learner_export_writes_json(cli: Cli, tmp_path: Path) -> None:
    cli("users", "add", "ana", "--generate-password")
    store = cli.store()
    user = store.user_by_name("ana")
    assert user is not None
    store.mark_complete(user.id, "basics", "greeting", "v1")
    store.close()

    code, out, _ = cli("learner", "export", "ana")
    target = tmp_path / "ana.json"
    assert cli("learner", "export", "ana", "--out", str(target))[0] == 0

    assert code == 0
    exported = json.loads(out)
    assert exported["user"]["username"] == "ana"
    assert [r["lesson_id"] for r in exported["learning_records"]] == ["greeting"]
    assert json.loads(target.read_text())["user"] == exported["user"]
    assert cli("learner", "export", "ghost")[0] == 1


def test_learner_delete_asks_for_yes(cli: Cli) -> None:
    cli("users", "add", "ana", "--generate-password")

    code, _, err = cli("learner", "delete", "ana")
    assert (code, "--yes" in err, usernames(cli)) == (1, True, ["ana"])
    code, out, _ = cli("learner", "delete", "ana", "--yes")
    assert (code, "erased ana" in out, usernames(cli)) == (0, True, [])
    assert cli("learner", "delete", "ana", "--yes")[0] == 1


# --- documentation ---------------------------------------------------------------------


def store_commands() -> list[str]:
    """Every ``group action`` the store registers, e.g. ``users import``."""
    parser = build_parser()
    groups = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    found = []
    for group in ("db", "users", "learner"):
        actions = next(a for a in groups.choices[group]._actions if isinstance(a, argparse._SubParsersAction))
        found += [f"{group} {action}" for action in actions.choices]
    return found


def test_every_store_command_is_documented() -> None:
    documented = DOCS.read_text(encoding="utf-8")
    missing = [command for command in store_commands() if f"python -m academy {command}" not in documented]

    assert len(store_commands()) >= 9
    assert missing == []


# --- roster import: hostile input --------------------------------------------------------


@pytest.mark.parametrize("brk", ["\u2028", "\u0085"], ids=["U+2028", "U+0085"])
def test_a_unicode_line_break_cannot_smuggle_in_an_admin(cli: Cli, tmp_path: Path, brk: str) -> None:
    roster = write(
        tmp_path,
        f"username,display_name,role,teams,manages,password\ncarol2028,Carol{brk}mallory2,Mal,admin,,,Password-1234\n",
    )

    code, out, err = cli("users", "import", str(roster))

    assert (code, out) == (1, "")
    assert "roster.csv:2: more cells than columns" in err
    assert usernames(cli) == []


def test_a_long_or_nul_display_name_is_a_line_error_on_every_database(cli: Cli, tmp_path: Path) -> None:
    roster = write(tmp_path, f"username,display_name\nana,{'x' * 5000}\nben,Ben\x00Ode\ncleo,Cleo\n")

    code, out, err = cli("users", "import", str(roster))

    assert (code, out) == (1, "")
    assert "roster.csv:2: display name is too long" in err
    assert "roster.csv:3: display name may not contain the control character U+0000" in err
    assert "Traceback" not in err
    assert "$argon2" not in err
    assert usernames(cli) == []


def test_passwords_that_cannot_be_written_mean_nothing_is_imported(cli: Cli, tmp_path: Path) -> None:
    roster = write(tmp_path, "username\nana\nben\n")

    code, out, err = cli("users", "import", str(roster), "--passwords-out", str(tmp_path / "nowhere" / "pw.csv"))

    assert (code, out) == (1, "")
    assert "cannot write the passwords" in err
    assert "nothing imported" in err
    assert usernames(cli) == []
    assert sorted(path.name for path in tmp_path.iterdir()) == ["roster.csv"]


def test_an_existing_passwords_file_is_replaced_owner_only(cli: Cli, tmp_path: Path) -> None:
    roster = write(tmp_path, "username\nana\n")
    passwords_file = tmp_path / "pw.csv"
    passwords_file.write_text("old content\n")
    passwords_file.chmod(0o644)

    code, _, _ = cli("users", "import", str(roster), "--passwords-out", str(passwords_file))

    assert code == 0
    assert stat.S_IMODE(passwords_file.stat().st_mode) == 0o600
    assert passwords_file.read_text().splitlines()[0] == "username,password"
    assert [line.split(",")[0] for line in passwords_file.read_text().splitlines()[1:]] == ["ana"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["pw.csv", "roster.csv"]  # no temporary left


def test_a_failed_commit_leaves_no_passwords_file(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    roster = write(tmp_path, "username\nana\n")
    passwords_file = tmp_path / "pw.csv"

    def fail(*_args: object, **_kwargs: object) -> None:
        raise AccountError("the same username appears twice")

    monkeypatch.setattr(Store, "create_users", fail)
    code, _, err = cli("users", "import", str(roster), "--passwords-out", str(passwords_file))

    assert code == 1
    assert "appears twice" in err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["roster.csv"]


def test_a_large_import_counts_its_progress(cli: Cli, tmp_path: Path) -> None:
    roster = write(tmp_path, "username\n" + "".join(f"user{index:02}\n" for index in range(20)))

    code, out, err = cli("users", "import", str(roster), "--passwords-out", str(tmp_path / "pw.csv"))

    assert code == 0
    assert "imported 20 account(s)" in out
    counts = re.findall(r"hashing passwords: (\d+)/20", err)
    assert counts[-1] == "20"
    assert len(counts) >= 5


def test_the_docs_give_the_password_length_the_code_requires() -> None:
    from academy import auth

    text = DOCS.read_text(encoding="utf-8")
    assert f"at least {auth.MIN_PASSWORD_LENGTH} characters" in text
    assert "at least 8 characters" not in text


def test_the_last_enabled_administrator_cannot_be_disabled_from_the_command_line(cli: Cli) -> None:
    store = cli.store()
    store.create_user("root", "a-long-enough-password", role="admin")
    store.close()

    code, _, err = cli("users", "disable", "root")

    assert code == 1
    assert "last enabled administrator" in err
    store = cli.store()
    assert store.has_any_admin()
    store.close()
