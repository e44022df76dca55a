"""A CI-sized run of the live load benchmark (bench/load.py): a real server, real websockets.

Only correctness is asserted (every action succeeded, every accepted answer and choice is
stored exactly once), never a time: the figures belong in docs/benchmarks.md.
"""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from bench import load
from tests.conftest import postgres_base_url


def _assert_clean(result: load.Result) -> None:
    assert result.failures == []
    assert result.tally.answers > 0
    assert result.stored["answers"] == result.tally.answers
    assert result.stored["duplicate_answers"] == 0
    assert result.stored["choices"] == result.tally.choices
    actions = {sample.action for sample in result.samples}
    assert {"sign_in", "lesson", "quiz_page", "answer"} <= actions
    # A start, a reply or an answer is saved before or inside the one script run it causes,
    # never saved and then rerun (the last answer of an attempt reruns to show the result).
    for sample in result.samples:
        if sample.action in ("quiz_start", "roleplay_start", "choice"):
            assert sample.runs == 1, sample
        if sample.action == "answer":
            assert sample.runs in (1, 2), sample


@pytest.mark.slow
def test_learners_on_one_server_lose_nothing() -> None:
    options = load.Options(learners=3, think=0.2, seconds=6, floor_seconds=1)
    result = load.run(options)
    _assert_clean(result)
    assert result.floor, "the empty page was measured"
    assert len([s for s in result.samples if s.action == "sign_in"]) == 3


# PostgreSQL only when a server is configured, as in conftest: a plain run shows no skips.
SHARED_DATABASES = [pytest.param(None, id="sqlite")]
if postgres_base_url():
    SHARED_DATABASES.append(pytest.param(postgres_base_url(), id="postgres", marks=pytest.mark.postgres))


@pytest.mark.slow
@pytest.mark.parametrize("postgres", SHARED_DATABASES)
def test_two_replicas_on_one_database_lose_nothing(postgres: str | None) -> None:
    options = load.Options(learners=4, think=0.2, seconds=6, floor_seconds=0, replicas=2, postgres=postgres)
    result = load.run(options)
    _assert_clean(result)
    assert len(result.usages) == 2


def test_bench_accounts_share_one_real_hash() -> None:
    hasher = load.OneHashHasher()
    first, second = hasher.hash(load.PASSWORD), hasher.hash(load.PASSWORD)
    assert first == second
    assert PasswordHasher().verify(first, load.PASSWORD)
    # Production parameters (the tests' cheap hasher is configured meanwhile): sign-in costs what it costs.
    assert PasswordHasher().check_needs_rehash(first) is False
