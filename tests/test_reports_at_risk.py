"""At-risk learners: inactive, failing a quiz, stalled mid-module; each row says why."""

from __future__ import annotations

from datetime import timedelta

import pytest

from academy.reports.access import scope_for
from academy.reports.at_risk import RiskRules, at_risk
from academy.store import Store
from tests.conftest import FakeClock
from tests.reports_helpers import course, make_org, quiz, read, version

DAY = 86_400


def _risks(store: Store, clock: FakeClock, viewer: str = "admin", **rules: int) -> dict[str, str]:
    table = at_risk(
        store, course(), scope_for(store, store.user_by_name(viewer)), rules=RiskRules(**rules), now=clock.now
    )
    return dict(zip(table["username"], table["reasons"], strict=True))


def test_inactive_for_the_configured_number_of_days(store: Store, clock: FakeClock) -> None:
    org = make_org(store)
    read(store, org.a1, "orientation")
    clock.advance(20 * DAY)
    read(store, org.a2, "orientation")  # a2 acted today
    risks = _risks(store, clock, inactive_days=14, stalled_days=30)
    assert risks["a1"] == "inactive for 20 days"
    assert "a2" not in risks
    assert "a1" not in _risks(store, clock, inactive_days=21, stalled_days=30)


def test_never_started_counts_from_the_account_creation(store: Store, clock: FakeClock) -> None:
    make_org(store)
    clock.advance(15 * DAY)
    assert _risks(store, clock, inactive_days=14)["loner"] == "never started (account 15 days old)"
    assert "loner" not in _risks(store, clock, inactive_days=16)


def test_failing_a_quiz_twice_until_it_is_passed(store: Store, clock: FakeClock) -> None:
    org = make_org(store)
    quiz(store, org.a1, "orientation", [0, 0, 0, 0, 1])
    assert "a1" not in _risks(store, clock)
    quiz(store, org.a1, "orientation", [0, 0, 0, 1, 1])
    title = course().module("orientation").title
    assert _risks(store, clock)["a1"] == f"failed the {title} quiz 2 times"
    assert "a1" not in _risks(store, clock, failed_quizzes=3)
    quiz(store, org.a1, "orientation", [1, 1, 1, 1, 1])
    assert "a1" not in _risks(store, clock)


def test_stalled_in_a_module_while_active_elsewhere(store: Store, clock: FakeClock) -> None:
    org = make_org(store)
    read(store, org.a1, "customer-creation")  # 1 of its 4 lessons
    clock.advance(8 * DAY)
    read(store, org.a1, "orientation")
    title = course().module("customer-creation").title
    assert _risks(store, clock, stalled_days=7)["a1"] == f"stalled in {title} for 8 days (1/4 lessons)"
    assert "a1" not in _risks(store, clock, stalled_days=9)


def test_a_learner_who_passed_everything_is_not_at_risk_however_long_ago(store: Store, clock: FakeClock) -> None:
    org = make_org(store)
    for module in course().modules:
        store.complete_module(org.a1.id, module.id, version(module.id))
    clock.advance(100 * DAY)
    assert "a1" not in _risks(store, clock)


def test_several_reasons_come_first_and_each_is_listed(store: Store, clock: FakeClock) -> None:
    org = make_org(store)
    quiz(store, org.a1, "orientation", [0, 0, 0, 0, 0])
    quiz(store, org.a1, "orientation", [0, 0, 0, 0, 0])
    read(store, org.a2, "customer-creation")
    clock.advance(30 * DAY)
    table = at_risk(store, course(), scope_for(store, org.mara), now=clock.now)
    assert table["username"].tolist()[0] == "a1"
    first = table.iloc[0]
    assert first["reason_count"] == 3  # inactive, failed twice, stalled in orientation
    assert first["reasons"].split("; ")[0] == "inactive for 30 days"
    assert first["most_failures"] == 2
    assert first["stalled_modules"] == 1
    assert set(table["username"]) == {"a1", "a2"}  # b1 and loner are not Mara's


def test_thresholds_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        RiskRules(inactive_days=0)


def test_days_inactive_is_whole_days(store: Store, clock: FakeClock) -> None:
    org = make_org(store)
    read(store, org.a1, "orientation")
    clock.advance(14 * DAY - 60)
    assert "a1" not in _risks(store, clock, inactive_days=14, stalled_days=30)
    clock.now += timedelta(seconds=60)
    assert _risks(store, clock, inactive_days=14, stalled_days=30)["a1"] == "inactive for 14 days"
