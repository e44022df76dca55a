"""Accounts, roles, teams and sign-in: hashing, throttling, and what each role may see."""

from __future__ import annotations

from itertools import pairwise

import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from sqlalchemy import select

from academy import auth
from academy.auth import AccountError, AuthResult, Role, UnknownUserError, User, UserExistsError
from academy.store import NewAccount, NotFoundError, Store, open_store
from academy.store.tables import users
from tests.conftest import FakeClock

PASSWORD = "correct horse"


# --- rules -----------------------------------------------------------------------------


def test_passwords_are_hashed_with_argon2id_and_salted() -> None:
    first = auth.hash_password(PASSWORD)
    second = auth.hash_password(PASSWORD)

    assert first.startswith("$argon2id$")
    assert first != second
    assert auth.verify_password(first, PASSWORD)
    assert not auth.verify_password(first, PASSWORD + "!")
    assert not auth.verify_password("not a hash", PASSWORD)
    assert not auth.verify_password(None, PASSWORD)


@pytest.mark.parametrize("name", ["", " ", "a b", "-dash", "x" * 65, "semi;colon", "ü"])
def test_bad_usernames_are_refused(name: str) -> None:
    with pytest.raises(AccountError):
        auth.check_username(name)


def test_usernames_ignore_case_and_surrounding_space() -> None:
    assert auth.check_username("  Ana.Lopez@Example.com ") == "ana.lopez@example.com"


def test_passwords_roles_and_team_names_are_checked() -> None:
    with pytest.raises(AccountError, match="too short"):
        auth.check_password("short")
    with pytest.raises(AccountError, match="too long"):
        auth.check_password("x" * (auth.MAX_PASSWORD_LENGTH + 1))
    with pytest.raises(AccountError, match="role"):
        auth.check_role("superuser")
    with pytest.raises(AccountError):
        auth.check_team_name("   ")
    assert auth.check_role(" Manager ") is Role.MANAGER
    assert auth.check_team_name("  Front   desk ") == "Front desk"


def test_the_lock_grows_after_five_failures_up_to_a_cap() -> None:
    locks = [auth.lock_seconds(failures) for failures in range(1, 12)]

    assert locks[:4] == [0, 0, 0, 0]
    assert locks[4] > 0
    assert all(later == 2 * earlier for earlier, later in pairwise(locks[4:9]))
    assert auth.lock_seconds(1000) == auth.MAX_LOCK_SECONDS


# --- accounts --------------------------------------------------------------------------


def test_creating_and_finding_users(store: Store) -> None:
    admin = store.create_user("Root", PASSWORD, role="admin", display_name="  The   Admin ")

    assert (admin.username, admin.display_name, admin.role) == ("root", "The Admin", Role.ADMIN)
    assert store.get_user(admin.id) == admin
    assert store.user_by_name("ROOT") == admin
    assert store.get_user(admin.id + 100) is None
    with pytest.raises(UserExistsError):
        store.create_user("root", PASSWORD)


def test_a_display_name_defaults_to_the_username(store: Store) -> None:
    assert store.create_user("mia", PASSWORD).display_name == "mia"


def test_first_run_needs_an_enabled_admin(store: Store) -> None:
    assert not store.has_any_admin()
    store.create_user("learner1", PASSWORD)
    assert not store.has_any_admin()
    store.create_user("root", PASSWORD, role="admin")
    assert store.has_any_admin()


def test_listing_disabling_and_changing_roles(store: Store) -> None:
    store.create_user("zoe", PASSWORD)
    store.create_user("adam", PASSWORD, role="manager")
    store.disable_user("zoe")

    assert [u.username for u in store.list_users()] == ["adam", "zoe"]
    assert [u.username for u in store.list_users(include_disabled=False)] == ["adam"]
    assert [u.username for u in store.list_users(role="manager")] == ["adam"]
    assert store.disable_user("zoe", disabled=False).disabled is False
    assert store.set_role("zoe", "manager").role is Role.MANAGER
    with pytest.raises(UnknownUserError):
        store.disable_user("nobody")


def test_creating_many_users_is_all_or_nothing(store: Store) -> None:
    store.create_user("taken", PASSWORD)
    batch = [
        NewAccount("new1", PASSWORD, teams=("Front desk",)),
        NewAccount("taken", PASSWORD),
    ]
    with pytest.raises(UserExistsError):
        store.create_users(batch)

    assert [u.username for u in store.list_users()] == ["taken"]
    assert store.list_teams() == []


def test_creating_many_users_with_teams(store: Store) -> None:
    created = store.create_users(
        [
            NewAccount("ana", PASSWORD, teams=("Front desk",)),
            NewAccount("boss", PASSWORD, role="manager", manages=("Front desk", "Back office")),
        ]
    )
    front = store.team_by_name("Front  desk")

    assert front is not None
    assert [u.username for u in store.team_members(front.id)] == ["ana"]
    assert [t.name for t in store.teams_managed_by(created[1].id)] == ["Back office", "Front desk"]
    assert [t.name for t in store.teams_of(created[0].id)] == ["Front desk"]


# --- sign-in ---------------------------------------------------------------------------


def test_signing_in(store: Store) -> None:
    user = store.create_user("Ana", PASSWORD)

    assert store.authenticate("ana", PASSWORD) == AuthResult(user=user)
    assert store.authenticate(" ANA ", PASSWORD).ok
    assert store.authenticate("ana", "wrong password") == AuthResult(user=None)
    assert store.authenticate("ana", "wrong password").message == auth.SIGN_IN_FAILED_MESSAGE


def fail(store: Store, username: str, times: int) -> list[AuthResult]:
    return [store.authenticate(username, "wrong password") for _ in range(times)]


def test_an_unknown_username_fails_exactly_like_a_wrong_password(store: Store) -> None:
    store.create_user("ana", PASSWORD)

    # Same answers, same lock, try after try: nothing tells the two apart.
    assert fail(store, "ana", 8) == fail(store, "ghost", 8)
    assert store.authenticate("ghost", PASSWORD) == store.authenticate("ana", PASSWORD)
    assert store.authenticate("bad name!", PASSWORD) == AuthResult(user=None)


def test_a_disabled_account_fails_like_a_wrong_password(store: Store) -> None:
    store.create_user("ana", PASSWORD)
    store.disable_user("ana")

    assert store.authenticate("ana", PASSWORD) == AuthResult(user=None)


def test_five_failures_lock_the_username_with_a_growing_delay(store: Store, clock: FakeClock) -> None:
    store.create_user("ana", PASSWORD)
    results = fail(store, "ana", 5)

    assert [r.retry_after for r in results[:4]] == [0, 0, 0, 0]
    first_lock = results[4].retry_after
    assert first_lock == auth.FIRST_LOCK_SECONDS
    assert "wait" in results[4].message
    # During the lock even the right password is refused, without being checked.
    clock.advance(1)
    assert store.authenticate("ana", PASSWORD) == AuthResult(user=None, retry_after=first_lock - 1)
    clock.advance(first_lock)
    second = fail(store, "ana", 1)[0]
    assert second.retry_after == 2 * first_lock
    clock.advance(second.retry_after)
    assert store.authenticate("ana", PASSWORD).ok
    # Success resets the count.
    assert [r.retry_after for r in fail(store, "ana", 4)] == [0, 0, 0, 0]


def test_the_lock_survives_a_restart_and_holds_across_replicas(database_url: str, clock: FakeClock) -> None:
    first = open_store(database_url, clock=clock)
    second = open_store(database_url, clock=clock)  # another app server on the same database
    first.create_user("ana", PASSWORD)
    for replica in (first, second, first, second, first):
        replica.authenticate("ana", "wrong password")
    first.close()

    restarted = open_store(database_url, clock=clock)
    assert restarted.authenticate("ana", PASSWORD).retry_after == auth.FIRST_LOCK_SECONDS
    assert second.authenticate("ana", PASSWORD).retry_after == auth.FIRST_LOCK_SECONDS
    restarted.close()
    second.close()


def test_a_new_password_lifts_the_lock(store: Store) -> None:
    store.create_user("ana", PASSWORD)
    fail(store, "ana", 6)
    store.set_password("ana", "brand new secret")

    assert not store.authenticate("ana", PASSWORD).ok
    assert store.authenticate("ana", "brand new secret").ok
    with pytest.raises(UnknownUserError):
        store.set_password("ghost", "brand new secret")
    with pytest.raises(AccountError):
        store.set_password("ana", "short")


def stored_hash(store: Store, username: str) -> str:
    with store._engine.connect() as connection:  # peeking on purpose: the hash is never handed out
        return connection.execute(select(users.c.password_hash).where(users.c.username == username)).scalar_one()


def test_an_old_hash_is_upgraded_at_sign_in(store: Store) -> None:
    store.create_user("ana", PASSWORD)
    stronger = PasswordHasher(time_cost=CHEAPEST.time_cost + 1, memory_cost=CHEAPEST.memory_cost, parallelism=1)
    auth.configure_hasher(stronger)
    try:
        assert auth.needs_rehash(stored_hash(store, "ana"))
        assert store.authenticate("ana", PASSWORD).ok
        assert not auth.needs_rehash(stored_hash(store, "ana"))
        assert store.authenticate("ana", PASSWORD).ok
    finally:
        auth.configure_hasher(PasswordHasher.from_parameters(CHEAPEST))


# --- teams and who sees whom -----------------------------------------------------------


def test_teams_and_memberships(store: Store) -> None:
    team = store.create_team("Front desk")
    ana = store.create_user("ana", PASSWORD)
    boss = store.create_user("boss", PASSWORD, role="manager")
    store.add_member(team.id, ana.id)
    store.add_member(team.id, ana.id)  # idempotent
    store.add_member(team.id, boss.id, manager=True)

    assert store.team_members(team.id) == [ana]
    assert store.team_managers(team.id) == [boss]
    assert store.teams_managed_by(boss.id) == [team]
    assert store.teams_managed_by(ana.id) == []
    assert store.get_team(team.id) == team
    with pytest.raises(AccountError, match="exists"):
        store.create_team(" Front  desk")
    with pytest.raises(NotFoundError):
        store.add_member(team.id + 1, ana.id)
    store.remove_member(team.id, ana.id)
    assert store.team_members(team.id) == []


def test_each_role_sees_only_whom_it_may(store: Store) -> None:
    front, back = store.create_team("Front desk"), store.create_team("Back office")
    ana = store.create_user("ana", PASSWORD)
    ben = store.create_user("ben", PASSWORD)
    boss = store.create_user("boss", PASSWORD, role="manager")
    root = store.create_user("root", PASSWORD, role="admin")
    store.add_member(front.id, ana.id)
    store.add_member(back.id, ben.id)
    store.add_member(front.id, boss.id, manager=True)

    def sees(viewer: User) -> list[str]:
        return [u.username for u in (ana, ben) if store.may_view_learner(viewer, u.id)]

    assert sees(root) == ["ana", "ben"]
    assert sees(boss) == ["ana"]
    assert sees(ana) == ["ana"]
    assert sees(store.disable_user("boss")) == []
