"""Store commands: ``db upgrade``, ``users ...``, ``learner export|delete``.

Every command takes ``--database-url`` (default: $ACADEMY_DATABASE_URL, else
progress/academy.db). Passwords are never taken from the command line, where other
users of the machine could read them: they are typed at a prompt, read from stdin
(``--password-stdin``), or generated.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from academy import auth, roster
from academy.auth import AccountError, UnknownUserError
from academy.private_files import write_private
from academy.store import migrations
from academy.store.accounts import NewAccount
from academy.store.config import create_store_engine, describe_url, resolve_url
from academy.store.repository import Store, open_store


def register(subparsers: argparse._SubParsersAction) -> None:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--database-url", metavar="URL", help="database URL (default: $ACADEMY_DATABASE_URL or progress/academy.db)"
    )
    _register_db(subparsers, common)
    _register_users(subparsers, common)
    _register_learner(subparsers, common)


def _register_db(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    db = subparsers.add_parser("db", help="database schema: upgrade, current", description="Manage the schema.")
    actions = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = actions.add_parser("upgrade", parents=[common], help="apply every pending migration")
    upgrade.set_defaults(func=run_db_upgrade)
    current = actions.add_parser("current", parents=[common], help="print the schema revision and the newest one")
    current.set_defaults(func=run_db_current)


def _register_users(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
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


def _register_learner(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    learner = subparsers.add_parser("learner", help="privacy: export or delete one person's data")
    actions = learner.add_subparsers(dest="learner_command", required=True, metavar="ACTION")
    export = actions.add_parser("export", parents=[common], help="write all of a person's data as JSON")
    export.add_argument("username")
    export.add_argument("--out", type=Path, metavar="FILE", help="write here instead of stdout")
    export.set_defaults(func=run_learner_export)
    delete = actions.add_parser("delete", parents=[common], help="erase a person's account, progress and records")
    delete.add_argument("username")
    delete.add_argument("--yes", action="store_true", help="really delete (without it, only say what would go)")
    delete.set_defaults(func=run_learner_delete)


def _password_options(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    source.add_argument("--generate-password", action="store_true", help="generate a password and print it once")


# --- handlers --------------------------------------------------------------------------


def run_db_upgrade(args: argparse.Namespace) -> int:
    url = resolve_url(args.database_url)
    engine = create_store_engine(url)
    try:
        before = migrations.current_revision(engine)
        migrations.upgrade(engine)
        after = migrations.current_revision(engine)
    finally:
        engine.dispose()
    change = "already at the newest revision" if before == after else f"upgraded from {before or 'empty'}"
    print(f"{describe_url(url)}: revision {after} ({change})")
    return 0


def run_db_current(args: argparse.Namespace) -> int:
    url = resolve_url(args.database_url)
    engine = create_store_engine(url)
    try:
        current = migrations.current_revision(engine)
    finally:
        engine.dispose()
    head = migrations.head_revision()
    state = "up to date" if current == head else f"newest is {head}: run `python -m academy db upgrade`"
    print(f"{describe_url(url)}: revision {current or 'none'} ({state})")
    return 0 if current == head else 1


def run_users_add(args: argparse.Namespace) -> int:
    password = _password(args)
    if password is None:
        return 1
    account = NewAccount(args.username, password, args.name, args.role, tuple(args.team), tuple(args.manages))
    return _with_store(args, lambda store: _add(store, account, args.generate_password))


def _add(store: Store, account: NewAccount, show_password: bool) -> int:
    [user] = store.create_users([account])
    print(f"created {user.role.value} {user.username} ({user.display_name})")
    if show_password:
        print(f"password: {account.password}")
    return 0


def run_users_list(args: argparse.Namespace) -> int:
    def work(store: Store) -> int:
        users = store.list_users(role=args.role)
        if args.team:
            team = store.team_by_name(args.team)
            if team is None:
                print(f"no team named {args.team!r}", file=sys.stderr)
                return 1
            wanted = {user.id for user in store.team_members(team.id) + store.team_managers(team.id)}
            users = [user for user in users if user.id in wanted]
        rows = [("username", "role", "status", "name")]
        rows += [(u.username, u.role.value, "disabled" if u.disabled else "active", u.display_name) for u in users]
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        for row in rows:
            print("  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[3]]))
        return 0

    return _with_store(args, work)


def run_users_disable(args: argparse.Namespace) -> int:
    def work(store: Store) -> int:
        user = store.disable_user(args.username, disabled=not args.enable)
        print(f"{user.username} is now {'disabled' if user.disabled else 'enabled'}")
        return 0

    return _with_store(args, work)


def run_users_set_password(args: argparse.Namespace) -> int:
    password = _password(args)
    if password is None:
        return 1

    def work(store: Store) -> int:
        store.set_password(args.username, password)
        print(f"password of {auth.normalise_username(args.username)} changed")
        if args.generate_password:
            print(f"password: {password}")
        return 0

    return _with_store(args, work)


def run_users_import(args: argparse.Namespace) -> int:
    try:
        text = roster.read_roster(args.roster)
    except (OSError, UnicodeDecodeError) as error:
        print(f"{args.roster}: cannot read: {error}", file=sys.stderr)
        return 1

    def work(store: Store) -> int:
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
                print(f"{args.passwords_out}: cannot write the passwords: {error}", file=sys.stderr)
                print("nothing imported", file=sys.stderr)
                return 1
            created = store.create_users(accounts, progress=_counter("hashing passwords"))
            passwords.publish()
        print(f"imported {len(created)} account(s) from {args.roster}")
        print(f"generated passwords written to {args.passwords_out} (readable by you only)")
        return 0

    return _with_store(args, work)


def run_learner_export(args: argparse.Namespace) -> int:
    def work(store: Store) -> int:
        document = json.dumps(store.learner_export(args.username), indent=2, ensure_ascii=False)
        if args.out is None:
            print(document)
        else:
            try:
                write_private(args.out, document + "\n")  # personal data: owner-only
            except OSError as error:
                print(f"{args.out}: cannot write: {error.strerror or error}", file=sys.stderr)
                return 1
            print(f"wrote {args.out} (readable by you only)", file=sys.stderr)
        return 0

    return _with_store(args, work)


def run_learner_delete(args: argparse.Namespace) -> int:
    def work(store: Store) -> int:
        user = store.user_by_name(args.username)
        if user is None:
            raise UnknownUserError(args.username)
        if not args.yes:
            records = store.count_records(user_id=user.id)
            print(
                f"this would erase {user.username} ({user.display_name}): the account, team memberships, "
                f"progress and {records} learning record(s). Run again with --yes to do it.",
                file=sys.stderr,
            )
            return 1
        removed = store.learner_delete(user.username)
        details = ", ".join(f"{table} {count}" for table, count in removed.items() if count)
        print(f"erased {user.username}: {details}")
        return 0

    return _with_store(args, work)


# --- helpers ---------------------------------------------------------------------------


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


def _password(args: argparse.Namespace, stdin: TextIO | None = None) -> str | None:
    """The new password from stdin, a prompt, or the generator; None (after a message) if unusable."""
    stdin = stdin or sys.stdin
    if args.generate_password:
        return roster.generate_password()
    if args.password_stdin:
        password = stdin.readline().rstrip("\r\n")
    elif stdin.isatty():
        password = getpass.getpass("New password: ")
        if getpass.getpass("Repeat it: ") != password:
            print("the passwords differ", file=sys.stderr)
            return None
    else:
        print("no terminal to ask for a password: use --password-stdin or --generate-password", file=sys.stderr)
        return None
    try:
        return auth.check_password(password)
    except AccountError as error:
        print(error, file=sys.stderr)
        return None


def _with_store(args: argparse.Namespace, work: Callable[[Store], int]) -> int:
    try:
        store = open_store(args.database_url)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    try:
        return work(store)
    except UnknownUserError as error:
        print(f"no account named {str(error)!r}", file=sys.stderr)
        return 1
    except AccountError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        store.close()
