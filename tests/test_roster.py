"""Rosters and names: Unicode line breaks, limits and control characters, the same on both databases."""

from __future__ import annotations

import re
import threading
import time
import traceback

import pytest
from sqlalchemy.exc import IntegrityError

from academy import auth
from academy.auth import AccountError
from academy.roster import check_roster
from academy.store import NewAccount, Store
from academy.store.tables import users

HEADER = "username,display_name,role,teams,manages,password\n"

# Every character str.splitlines() ends a line at, apart from CR and LF themselves.
UNICODE_LINE_BREAKS = ["\u2028", "\u2029", "\u0085", "\u000b", "\u000c", "\u001c", "\u001d", "\u001e"]


@pytest.mark.parametrize("brk", UNICODE_LINE_BREAKS, ids=lambda c: f"U+{ord(c):04X}")
@pytest.mark.parametrize("column", ["display_name", "teams", "password", "role"])
def test_a_unicode_line_break_inside_a_cell_never_starts_a_row(brk: str, column: str) -> None:
    cells = {
        "username": "carol",
        "display_name": "Carol",
        "role": "learner",
        "teams": "",
        "manages": "",
        "password": "",
    }
    cells[column] = f"{cells[column] or 'x' * 12}{brk}mallory,Mal,admin,,,Password-1234"
    text = HEADER + ",".join(f'"{value}"' for value in cells.values()) + "\n"

    entries, problems = check_roster(text, existing=set())

    assert "mallory" not in [entry.account.username for entry in entries]
    assert len(entries) + len({problem.line for problem in problems}) == 1  # one row, kept or refused
    assert all(problem.line == 2 for problem in problems)
    for entry in entries:  # kept: the break is still inside its own cell
        assert brk in entry.account.password


@pytest.mark.parametrize("brk", UNICODE_LINE_BREAKS, ids=lambda c: f"U+{ord(c):04X}")
def test_the_attack_line_is_one_row_with_too_many_cells(brk: str) -> None:
    text = HEADER + f"carol2028,Carol{brk}mallory2,Mal,admin,,,Password-1234\n"

    entries, problems = check_roster(text, existing=set())

    assert entries == []
    assert [(problem.line, "more cells than columns" in problem.message) for problem in problems] == [(2, True)]


def test_a_quoted_cell_over_several_lines_reports_the_line_it_starts_on() -> None:
    text = HEADER + 'ana,"Ana\nSilva",,,,\nbad name,,,,,\n'

    _, problems = check_roster(text, existing=set())

    assert [problem.line for problem in problems] == [2, 4]
    assert "U+000A" in problems[0].message


def test_broken_quoting_is_reported_with_its_line() -> None:
    _, problems = check_roster(HEADER + 'ana,"Ana" Silva,,,,\n', existing=set())
    assert [(problem.line, "not a CSV file" in problem.message) for problem in problems] == [(2, True)]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("x" * 5000, "too long"),
        ("Ana\x00Silva", "U+0000"),
        ("Ana\u202eavliS", "U+202E"),
        ("Ana\tSilva", "U+0009"),
        ("Ana\u2028Silva", "U+2028"),
    ],
)
def test_the_name_rule_refuses_with_a_reason(name: str, message: str) -> None:
    for check in (auth.check_display_name, auth.check_team_name):
        with pytest.raises(AccountError, match=re.escape(message)):
            check(name)


def test_names_are_kept_as_people_write_them_but_tidied() -> None:
    assert auth.check_display_name("  Inès   Duarte ") == "Inès Duarte"
    assert auth.check_display_name("Ine\u0300s") == "Inès"  # one form of each accented letter (NFC)
    assert auth.check_display_name("x" * auth.MAX_DISPLAY_NAME_LENGTH) == "x" * auth.MAX_DISPLAY_NAME_LENGTH
    assert auth.check_display_name("") == ""
    assert auth.check_team_name("Front\u00a0 desk") == "Front desk"
    with pytest.raises(AccountError):
        auth.check_team_name("   ")


# --- in the store: the same outcome on SQLite and PostgreSQL ---------------------------


@pytest.mark.parametrize("name", ["x" * 5000, "Ana\x00Silva", "Ana\u2028Silva"])
def test_a_bad_display_name_is_refused_before_any_write(store: Store, name: str) -> None:
    with pytest.raises(AccountError) as raised:
        store.create_user("ana", "correct horse", display_name=name)
    with pytest.raises(AccountError):
        store.create_users([NewAccount("ben", "correct horse", display_name="Ben"), NewAccount("cleo", "x" * 12, name)])

    assert "$argon2" not in str(raised.value)
    assert store.list_users() == []


@pytest.mark.parametrize("team", ["t" * 5000, "Front\x00desk"])
def test_a_bad_team_name_is_refused_before_any_write(store: Store, team: str) -> None:
    with pytest.raises(AccountError):
        store.create_team(team)
    with pytest.raises(AccountError):
        store.create_users([NewAccount("ana", "correct horse", teams=(team,))])

    assert store.list_teams() == []
    assert store.list_users() == []
    assert store.team_by_name(team) is None


def test_the_longest_allowed_names_fit_both_databases(store: Store) -> None:
    name = "é" * auth.MAX_DISPLAY_NAME_LENGTH
    team = "ß" * auth.MAX_TEAM_NAME_LENGTH

    [user] = store.create_users([NewAccount("ana", "correct horse", display_name=name, teams=(team,))])

    assert user.display_name == name
    assert [t.name for t in store.list_teams()] == [team]


def test_a_roster_from_the_checker_is_created_on_both_databases(store: Store) -> None:
    store.create_user("taken", "correct horse")
    text = HEADER + "ana,Ana Silva,,Front desk,,\nben,Bob;=1+1,manager,,Front desk,\ntaken,,,,,\n"

    entries, problems = check_roster(text, existing={user.username for user in store.list_users()})
    assert [(problem.line, "taken" in problem.message) for problem in problems] == [(4, True)]
    created = store.create_users([entry.account for entry in entries if entry.account.username != "taken"])

    assert [(user.username, user.display_name) for user in created] == [("ana", "Ana Silva"), ("ben", "Bob;=1+1")]


# --- hashing many passwords ------------------------------------------------------------


def test_create_users_reports_progress_for_each_hash(store: Store) -> None:
    heard: list[tuple[int, int]] = []
    accounts = [NewAccount(f"user{index}", "correct horse") for index in range(5)]

    store.create_users(accounts, progress=lambda done, total: heard.append((done, total)))

    assert heard == [(done, 5) for done in range(1, 6)]


def test_passwords_are_hashed_in_parallel_and_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: set[int] = set()
    running = 0
    most_at_once = 0
    lock = threading.Lock()

    class SlowHasher:
        def hash(self, password: str) -> str:
            nonlocal running, most_at_once
            with lock:
                running += 1
                most_at_once = max(most_at_once, running)
                threads.add(threading.get_ident())
            time.sleep(0.05)
            with lock:
                running -= 1
            return f"hash-of-{password}"

    monkeypatch.setattr(auth, "_hasher", SlowHasher())
    monkeypatch.setattr(auth.os, "cpu_count", lambda: 4)
    passwords = [f"password-{index:03}" for index in range(12)]

    hashes = auth.hash_passwords(passwords)

    assert hashes == [f"hash-of-{password}" for password in passwords]
    assert most_at_once == 4
    assert len(threads) == 4


def test_a_database_error_never_carries_a_password_hash(store: Store) -> None:
    user = store.create_user("ana", "correct horse")
    row = {
        "username": "ana",
        "display_name": "Ana",
        "role": "learner",
        "password_hash": "$argon2id$v=19$m=65536,t=3,p=4$SECRETSALT$SECRETHASH",
        "disabled": False,
        "created_at": user.created_at,
        "password_changed_at": user.created_at,
    }

    with pytest.raises(IntegrityError) as raised:
        store._write(lambda connection: connection.execute(users.insert().values(**row)))

    assert "SECRET" not in str(raised.value)
    assert "SECRET" not in "".join(traceback.format_exception(raised.value))


def test_a_giant_cell_or_too_many_rows_is_refused_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    _, problems = check_roster(HEADER + f"ana,{'x' * 200_000},,,,\n", existing=set())
    assert [(problem.line, "not a CSV file" in problem.message) for problem in problems] == [(2, True)]

    monkeypatch.setattr("academy.roster.MAX_ROWS", 3)
    entries, problems = check_roster(HEADER + "".join(f"user{n},,,,,\n" for n in range(4)), existing=set())
    assert entries == []
    assert ["too many rows" in problem.message for problem in problems] == [True]


def test_the_number_of_hashing_threads_can_be_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    at_once: list[int] = []
    running = 0
    lock = threading.Lock()

    class SlowHasher:
        def hash(self, password: str) -> str:
            nonlocal running
            with lock:
                running += 1
                at_once.append(running)
            time.sleep(0.03)
            with lock:
                running -= 1
            return password

    monkeypatch.setattr(auth, "_hasher", SlowHasher())
    monkeypatch.setattr(auth.os, "cpu_count", lambda: 8)

    assert auth.hash_passwords([f"password-{n:03}" for n in range(10)], workers=2) == [
        f"password-{n:03}" for n in range(10)
    ]
    assert max(at_once) == 2
