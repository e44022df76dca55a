"""Signing in under attack, sessions, and the last administrator (store level; the CLI too).

Each attack test reproduces a finding of the review behind issue 10 and failed on the code
before it: the throttle that checked passwords before counting them, the lock-out of a
victim by strangers, the unbounded hashing, the last administrator disabled, the first-run
race, a password reset that left sessions alive.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST

from academy import auth
from academy.auth import AlreadySetUpError, LastAdminError, Role
from academy.store import Store, open_store
from academy.store.tables import sign_in_throttle
from tests.conftest import FakeClock

PASSWORD = "correct horse battery"
WRONG = "wrong password!!"


class SlowCountingHasher(PasswordHasher):
    """The cheap test hasher, but each check takes ``delay`` seconds and is counted.

    The delay stands for argon2's real cost (0.15-0.5 s): it is the window in which a
    throttle that counts after hashing lets a burst through.
    """

    def __init__(self, delay: float) -> None:
        super().__init__(
            time_cost=CHEAPEST.time_cost, memory_cost=CHEAPEST.memory_cost, parallelism=1, hash_len=16, salt_len=16
        )
        self.delay = delay
        self.checks = 0
        self._lock = threading.Lock()

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        with self._lock:
            self.checks += 1
        time.sleep(self.delay)
        return super().verify(hash, password)


@pytest.fixture
def slow_hasher() -> Iterator[SlowCountingHasher]:
    hasher = SlowCountingHasher(delay=0.05)
    auth.configure_hasher(hasher)
    try:
        yield hasher
    finally:
        auth.configure_hasher(PasswordHasher.from_parameters(CHEAPEST))


@pytest.fixture
def many_slots() -> Iterator[None]:
    """Enough hash slots for a whole burst, so the throttle alone decides (the cap is tested apart)."""
    auth.configure_hash_slots(64)
    try:
        yield
    finally:
        auth.configure_hash_slots(auth.default_hash_slots())


def at_once(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(0..count-1)`` in threads released together; results, or the exception raised."""
    barrier = threading.Barrier(count)

    def one(number: int) -> Any:
        barrier.wait()
        try:
            return work(number)
        except Exception as error:
            return error

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def throttle_failures(store: Store, scope: str, key: str) -> int | None:
    with store._engine.connect() as connection:  # peeking on purpose: the counters are internal
        return connection.execute(
            sign_in_throttle.select()
            .with_only_columns(sign_in_throttle.c.failures)
            .where(sign_in_throttle.c.scope == scope, sign_in_throttle.c.key == key)
        ).scalar()


# --- throttling --------------------------------------------------------------------------


def test_a_concurrent_burst_is_counted_before_any_password_is_checked(
    store: Store, slow_hasher: SlowCountingHasher, many_slots: None
) -> None:
    store.create_user("ana", PASSWORD)
    slow_hasher.checks = 0

    results = at_once(30, lambda _: store.authenticate("ana", WRONG, address="203.0.113.9"))

    assert all(not isinstance(result, Exception) for result in results), results
    # Exactly the free tries were checked; every other try was refused unchecked.
    assert slow_hasher.checks == auth.FREE_FAILURES
    assert throttle_failures(store, "user", "ana") == auth.FREE_FAILURES
    assert sum(1 for result in results if result.retry_after > 0) >= 30 - auth.FREE_FAILURES
    # The lock set during the burst holds against the right password from that address.
    assert not store.authenticate("ana", PASSWORD, address="203.0.113.9").ok


def test_the_right_password_inside_a_burst_is_refused_once_the_lock_is_set(
    store: Store, slow_hasher: SlowCountingHasher, many_slots: None
) -> None:
    store.create_user("ana", PASSWORD)
    for _ in range(auth.FREE_FAILURES):
        store.authenticate("ana", WRONG, address="203.0.113.9")

    results = at_once(10, lambda n: store.authenticate("ana", PASSWORD if n == 9 else WRONG, address="203.0.113.9"))

    assert not any(result.ok for result in results)


def test_strangers_failing_elsewhere_do_not_lock_out_the_right_password_from_a_clean_address(store: Store) -> None:
    store.create_user("ana", PASSWORD)
    for _ in range(auth.FREE_FAILURES + 3):
        store.authenticate("ana", WRONG, address="198.51.100.7")  # the attacker
    assert store.authenticate("ana", PASSWORD, address="198.51.100.7").retry_after > 0

    assert store.authenticate("ana", PASSWORD, address="192.0.2.44").ok  # Ana, from her office


def test_a_clean_address_gets_one_try_at_a_locked_name_not_a_free_run(store: Store) -> None:
    store.create_user("ana", PASSWORD)
    for _ in range(auth.FREE_FAILURES):
        store.authenticate("ana", WRONG, address="198.51.100.7")

    first = store.authenticate("ana", WRONG, address="192.0.2.10")  # checked: the address was clean
    second = store.authenticate("ana", PASSWORD, address="192.0.2.10")  # not clean any more: refused

    assert first.retry_after > 0
    assert not second.ok
    assert second.retry_after > 0


def test_one_address_trying_many_names_is_locked_too(store: Store) -> None:
    results = [
        store.authenticate(f"name{n}", WRONG, address="198.51.100.7") for n in range(auth.ADDRESS_FREE_FAILURES + 1)
    ]

    assert all(result.retry_after == 0 for result in results[: auth.ADDRESS_FREE_FAILURES - 1])
    assert results[auth.ADDRESS_FREE_FAILURES - 1].retry_after == auth.FIRST_LOCK_SECONDS
    assert store.authenticate("someone-else", WRONG, address="198.51.100.7").retry_after > 0
    assert store.authenticate("someone-else", WRONG, address="192.0.2.1").retry_after == 0


def test_signing_in_gives_back_only_the_reserved_try_of_the_address(store: Store) -> None:
    store.create_user("mallory", PASSWORD)
    for n in range(3):
        store.authenticate(f"victim{n}", WRONG, address="198.51.100.7")

    assert store.authenticate("mallory", PASSWORD, address="198.51.100.7").ok
    assert throttle_failures(store, "address", "198.51.100.7") == 3  # her own sign-in wipes nothing


def test_throttle_rows_for_unknown_names_are_forgotten(store: Store, clock: FakeClock) -> None:
    for n in range(40):
        store.authenticate(f"random-{n}", WRONG, address=f"198.51.100.{n}")
    assert store.throttle_rows() == 80

    clock.advance((auth.THROTTLE_MEMORY + timedelta(minutes=2)).total_seconds())
    store.authenticate("one-more", WRONG, address="192.0.2.1")  # any sign-in sweeps

    assert store.throttle_rows() == 2


def test_old_failures_are_forgotten_not_counted_for_ever(store: Store, clock: FakeClock) -> None:
    store.create_user("ana", PASSWORD)
    for _ in range(auth.FREE_FAILURES - 1):
        store.authenticate("ana", WRONG)
    clock.advance(auth.THROTTLE_MEMORY.total_seconds() + 1)

    assert store.authenticate("ana", WRONG).retry_after == 0  # a fresh count, not the fifth failure


# --- the cap on concurrent hashes ----------------------------------------------------------


class BlockingHasher(PasswordHasher):
    def __init__(self) -> None:
        super().__init__(time_cost=CHEAPEST.time_cost, memory_cost=CHEAPEST.memory_cost, parallelism=1)
        self.entered = threading.Event()
        self.release = threading.Event()

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.entered.set()
        self.release.wait(10)
        return super().verify(hash, password)


def test_over_the_hash_cap_a_try_waits_briefly_then_is_answered_busy_and_not_counted(store: Store) -> None:
    store.create_user("ana", PASSWORD)
    hasher = BlockingHasher()
    auth.configure_hasher(hasher)
    auth.configure_hash_slots(1, wait_s=0.3)
    try:
        with ThreadPoolExecutor(1) as pool:
            first = pool.submit(store.authenticate, "ana", PASSWORD, address="192.0.2.1")
            assert hasher.entered.wait(10)
            started = time.monotonic()
            busy = store.authenticate("ghost", WRONG, address="198.51.100.7")
            waited = time.monotonic() - started
            hasher.release.set()
            assert first.result().ok
    finally:
        auth.configure_hasher(PasswordHasher.from_parameters(CHEAPEST))
        auth.configure_hash_slots(auth.default_hash_slots())

    assert busy.busy
    assert not busy.ok
    assert busy.message == auth.BUSY_MESSAGE
    assert 0.25 <= waited < 2  # waited its turn a little, then answered, not held behind the running hash
    assert throttle_failures(store, "user", "ghost") is None


def test_a_try_over_the_cap_waits_for_the_running_one_and_signs_in(store: Store) -> None:
    store.create_user("ana", PASSWORD)
    store.create_user("ben", PASSWORD)
    hasher = BlockingHasher()
    auth.configure_hasher(hasher)
    auth.configure_hash_slots(1, wait_s=10)
    try:
        with ThreadPoolExecutor(2) as pool:
            first = pool.submit(store.authenticate, "ana", PASSWORD, address="192.0.2.1")
            assert hasher.entered.wait(10)
            hasher.entered.clear()
            second = pool.submit(store.authenticate, "ben", PASSWORD, address="192.0.2.2")
            assert not hasher.entered.wait(0.3)  # queued: its password is not being checked
            hasher.release.set()
            assert first.result().ok
            assert second.result().ok  # the class's second person is signed in, not told "busy"
    finally:
        auth.configure_hasher(PasswordHasher.from_parameters(CHEAPEST))
        auth.configure_hash_slots(auth.default_hash_slots())


def test_with_the_queue_full_a_try_is_answered_busy_at_once() -> None:
    slots = auth.HashSlots(1, wait_s=10, queue=0)
    with slots.slot() as held:
        assert held
        started = time.monotonic()
        with slots.slot() as second:
            assert not second
        assert time.monotonic() - started < 1
    with slots.slot() as again:  # freed: the next one gets it
        assert again


# --- the last administrator --------------------------------------------------------------


def test_the_last_enabled_admin_cannot_be_disabled_demoted_or_deleted(store: Store) -> None:
    store.create_user("root", PASSWORD, role="admin")
    store.create_user("old-admin", PASSWORD, role="admin")
    store.disable_user("old-admin")

    with pytest.raises(LastAdminError):
        store.disable_user("root")
    with pytest.raises(LastAdminError):
        store.set_role("root", "manager")
    with pytest.raises(LastAdminError):
        store.learner_delete("root")
    assert store.has_any_admin()
    assert store.user_by_name("root").role is Role.ADMIN  # type: ignore[union-attr]

    store.create_user("second", PASSWORD, role="admin")
    store.set_role("root", "manager")  # now allowed: another enabled admin remains
    assert store.has_any_admin()


def test_two_admins_demoting_each_other_at_once_leave_one(store: Store) -> None:
    for _ in range(5):
        store.create_user("alice", PASSWORD, role="admin") if store.user_by_name("alice") is None else None
        store.create_user("bob", PASSWORD, role="admin") if store.user_by_name("bob") is None else None
        store.set_role("alice", "admin")
        store.set_role("bob", "admin")

        results = at_once(2, lambda n: store.set_role(("alice", "bob")[n], "learner"))

        assert sum(isinstance(result, LastAdminError) for result in results) == 1, results
        assert store.count_users(role="admin", include_disabled=False) == 1


def test_two_admins_disabling_each_other_at_once_leave_one(store: Store) -> None:
    store.create_user("alice", PASSWORD, role="admin")
    store.create_user("bob", PASSWORD, role="admin")

    results = at_once(2, lambda n: store.disable_user(("alice", "bob")[n]))

    assert sum(isinstance(result, LastAdminError) for result in results) == 1, results
    assert store.has_any_admin()


def test_first_run_setup_submitted_five_times_at_once_creates_one_admin(
    store: Store, slow_hasher: SlowCountingHasher
) -> None:
    results = at_once(5, lambda n: store.create_first_admin(f"admin{n}", PASSWORD))

    created = [result for result in results if not isinstance(result, Exception)]
    assert len(created) == 1
    assert all(isinstance(result, AlreadySetUpError) for result in results if result not in created)
    assert store.count_users(role="admin") == 1


def test_setup_is_refused_once_an_admin_exists(store: Store) -> None:
    store.create_user("root", PASSWORD, role="admin")
    with pytest.raises(AlreadySetUpError):
        store.create_first_admin("intruder", PASSWORD)


# --- sessions ------------------------------------------------------------------------------


def signed_in(store: Store, username: str = "ana", role: str = "learner") -> tuple[int, str]:
    """A user with a session whose cookie token was claimed: (session id, token)."""
    user = store.user_by_name(username) or store.create_user(username, PASSWORD, role=role)
    session_id, code = store.start_session(user.id, user_agent="Firefox", address="192.0.2.1")
    token = store.claim_handover(code)
    assert token is not None
    return session_id, token


def test_a_session_is_found_by_its_cookie_and_by_the_page_that_holds_its_id(store: Store) -> None:
    session_id, token = signed_in(store)

    by_cookie = store.session_user(token)
    assert by_cookie is not None
    assert by_cookie.user.username == "ana"
    assert by_cookie.session_id == session_id
    assert store.session_by_id(session_id) == by_cookie
    assert store.session_user("not-a-token") is None
    assert store.session_user("") is None


def test_the_handover_code_is_good_once_and_only_for_a_minute(store: Store, clock: FakeClock) -> None:
    user = store.create_user("ana", PASSWORD)
    _, code = store.start_session(user.id)
    assert store.session_user(code) is None  # the code itself signs nobody in

    token = store.claim_handover(code)
    assert token is not None
    assert store.session_user(token) is not None
    assert store.claim_handover(code) is None  # used

    _, late = store.start_session(user.id)
    clock.advance(auth.HANDOVER_LIFETIME.total_seconds() + 1)
    assert store.claim_handover(late) is None


def test_a_session_ends_after_idling_and_at_its_absolute_limit(store: Store, clock: FakeClock) -> None:
    store.set_session_policy(auth.SessionPolicy(idle=timedelta(hours=1), absolute=timedelta(hours=3)))
    _, token = signed_in(store)

    for _ in range(3):  # used every 50 minutes: never idle for an hour...
        clock.advance(50 * 60)
        assert store.session_user(token) is not None, "still in use"
    clock.advance(40 * 60)  # ... but 3 h 10 since signing in
    assert store.session_user(token) is None

    _, idle = signed_in(store)
    clock.advance(61 * 60)
    assert store.session_user(idle) is None


def test_signing_out_ends_only_that_session(store: Store) -> None:
    phone, phone_token = signed_in(store)
    _, laptop_token = signed_in(store)

    store.end_session(phone)

    assert store.session_user(phone_token) is None
    assert store.session_user(laptop_token) is not None


def test_a_password_reset_ends_every_session_of_the_account(store: Store) -> None:
    _, one = signed_in(store)
    _, two = signed_in(store)
    _, other = signed_in(store, "ben")

    store.set_password("ana", "a brand new password")

    assert store.session_user(one) is None
    assert store.session_user(two) is None
    assert store.session_user(other) is not None


def test_disabling_or_a_role_change_ends_the_accounts_sessions(store: Store) -> None:
    _, token = signed_in(store)
    store.set_role("ana", "manager")
    assert store.session_user(token) is None

    _, token = signed_in(store)
    store.set_role("ana", "manager")  # no change: sessions stay
    assert store.session_user(token) is not None
    store.disable_user("ana")
    assert store.session_user(token) is None


def test_admins_see_an_accounts_active_sessions_and_end_one(store: Store, clock: FakeClock) -> None:
    first, _ = signed_in(store)
    clock.advance(120)
    second, token = signed_in(store)
    ana = store.user_by_name("ana")
    assert ana is not None

    sessions = store.active_sessions(ana.id)
    assert [session.id for session in sessions] == [second, first]  # most recent first
    assert sessions[0].user_agent == "Firefox"
    assert sessions[0].address == "192.0.2.1"

    assert store.end_session_by_id(ana.id, second)
    assert not store.end_session_by_id(ana.id, second)
    assert store.session_user(token) is None
    assert store.end_sessions(ana.id) == 1
    assert store.active_sessions(ana.id) == []


def test_another_app_server_on_the_same_database_accepts_the_session(database_url: str, clock: FakeClock) -> None:
    first = open_store(database_url, clock=clock)
    second = open_store(database_url, clock=clock)
    try:
        _, token = signed_in(first)
        found = second.session_user(token)
        assert found is not None
        assert found.user.username == "ana"
    finally:
        first.close()
        second.close()
