"""``users add|list|disable|set-password|import``: accounts.

Passwords are never taken from the command line, where other users of the machine could
read them: they are typed at a prompt, read from stdin (``--password-stdin``), or generated.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TextIO

from academy import auth, roster
from academy.cli.common import Subparsers, database_option, store_from, write_failure
from academy.cli.errors import CommandError
from academy.store.accounts import NewAccount


def register(subparsers: Subparsers) -> None:
    common = database_option()
    users = subparsers.add_parser("users", help="accounts: add, list, disable, set-password, import")
    actions = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")

    add = actions.add_parser("add", parents=[common], help="create an account")
    add.add_argument("username")
    add.add_argument("--name", default="", help="display name (default: the username)")
    add.add_argument("--role", default="learner", choices=auth.ROLES)
    add.add_argument("--team", action="append", default=[], help="a team the user belongs to (repeatable)")
    add.add_argument("--manages", action="append", default=[], help="a team the user manages (repeatable)")
    _password_options(add)
    add.set_defaults(func=run_users_add)

    listing = actions.add_parser("list", parents=[common], help="list accounts")
    listing.add_argument("--role", choices=auth.ROLES)
    listing.add_argument("--team", help="only the members and managers of this team")
    listing.set_defaults(func=run_users_list)

    disable = actions.add_parser("disable", parents=[common], help="stop an account from signing in")
    disable.add_argument("username")
    disable.add_argument("--enable", action="store_true", help="allow the account to sign in again")
    disable.set_defaults(func=run_users_disable)

    set_password = actions.add_parser("set-password", parents=[common], help="replace a password")
    set_password.add_argument("username")
    _password_options(set_password)
    set_password.set_defaults(func=run_users_set_password)

    roster = actions.add_parser(
        "import",
        parents=[common],
        help="create accounts from a CSV roster (all rows or none)",
        description=(
            "Columns: username (required), display_name, role, teams, manages, password; several teams are "
            "separated by ';'. Every row is checked first; if any is bad, each bad row is reported by line "
            "number and nothing is written. Rows without a password get a generated one."
        ),
    )
    roster.add_argument("roster", type=Path, metavar="ROSTER.csv")
    roster.add_argument(
        "--passwords-out", type=Path, metavar="FILE", help="write generated passwords here (default: stdout)"
    )
    roster.set_defaults(func=run_users_import)


def _password_options(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    source.add_argument("--generate-password", action="store_true", help="generate a password and print it once")


def run_users_add(args: argparse.Namespace) -> int:
    password = _password(args)
    account = NewAccount(args.username, password, args.name, args.role, tuple(args.team), tuple(args.manages))
    with store_from(args) as store:
        [user] = store.create_users([account])
    print(f"created {user.role.value} {user.username} ({user.display_name})")
    if args.generate_password:
        print(f"password: {account.password}")
    return 0


def run_users_list(args: argparse.Namespace) -> int:
    with store_from(args) as store:
        users = store.list_users(role=args.role)
        if args.team:
            team = store.team_by_name(args.team)
            if team is None:
                raise CommandError(f"no team named {args.team!r}")
            wanted = {user.id for user in store.team_members(team.id) + store.team_managers(team.id)}
            users = [user for user in users if user.id in wanted]
    rows = [("username", "role", "status", "name")]
    rows += [(u.username, u.role.value, "disabled" if u.disabled else "active", u.display_name) for u in users]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    for row in rows:
        print("  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[3]]))
    return 0


def run_users_disable(args: argparse.Namespace) -> int:
    with store_from(args) as store:
        user = store.disable_user(args.username, disabled=not args.enable)
    print(f"{user.username} is now {'disabled' if user.disabled else 'enabled'}")
    return 0


def run_users_set_password(args: argparse.Namespace) -> int:
    password = _password(args)
    with store_from(args) as store:
        store.set_password(args.username, password)
    print(f"password of {auth.normalise_username(args.username)} changed")
    if args.generate_password:
        print(f"password: {password}")
    return 0


def run_users_import(args: argparse.Namespace) -> int:
    text = roster.read_roster(args.roster)
    with store_from(args) as store:
        entries, problems = roster.check_roster(text, {user.username for user in store.list_users()})
        if problems:
            for problem in problems:
                print(f"{args.roster}:{problem.line}: {problem.message}", file=sys.stderr)
            print(f"nothing imported: {len(problems)} problem(s)", file=sys.stderr)
            return 1
        generated = roster.generated_passwords(entries)
        accounts = [entry.account for entry in entries]
        if not generated or args.passwords_out is None:
            created = store.create_users(accounts, progress=_counter("hashing passwords"))
            print(f"imported {len(created)} account(s) from {args.roster}")
            if generated:
                sys.stdout.write(roster.passwords_csv(generated))
            return 0
        # The passwords file is written before the commit: if it cannot be, nothing is imported.
        with roster.PasswordsFile(args.passwords_out) as passwords:
            try:
                passwords.prepare(roster.passwords_csv(generated))
            except OSError as error:
                reason = write_failure(error)
                raise CommandError(
                    f"{args.passwords_out}: cannot write the passwords ({reason}): nothing imported"
                ) from error
            created = store.create_users(accounts, progress=_counter("hashing passwords"))
            passwords.publish()
    print(f"imported {len(created)} account(s) from {args.roster}")
    print(f"generated passwords written to {args.passwords_out} (readable by you only)")
    return 0


def _counter(what: str, stream: TextIO | None = None, minimum: int = 10) -> auth.Progress:
    """A progress counter on stderr: rewritten in place on a terminal, every tenth in a log."""
    out = stream or sys.stderr
    live = out.isatty()

    def report(done: int, total: int) -> None:
        if total < minimum:
            return
        if live:
            out.write(f"\r{what}: {done}/{total}" + ("\n" if done == total else ""))
            out.flush()
        elif done == total or done % max(1, total // 10) == 0:
            print(f"{what}: {done}/{total}", file=out)

    return report


def _password(args: argparse.Namespace, stdin: TextIO | None = None) -> str:
    """The new password from stdin, a prompt, or the generator; CommandError if there is none usable."""
    stdin = stdin or sys.stdin
    if args.generate_password:
        return roster.generate_password()
    if args.password_stdin:
        password = stdin.readline().rstrip("\r\n")
    elif stdin.isatty():
        password = getpass.getpass("New password: ")
        if getpass.getpass("Repeat it: ") != password:
            raise CommandError("the passwords differ")
    else:
        raise CommandError("no terminal to ask for a password: use --password-stdin or --generate-password")
    return auth.check_password(password)
