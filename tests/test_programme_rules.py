"""The programme's pure rules: due states, month arithmetic, cycles, learning-path files."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from academy.programme import rules
from academy.programme.paths import load_learning_paths, load_path_files
from academy.programme.rules import DueState
from academy.store import Assignment, Certificate
from tests.reports_helpers import course

UTC_ZONE = rules.zone("UTC")


def certificate(cycle: int, issued: datetime, expires: datetime | None, revoked: datetime | None = None) -> Certificate:
    return Certificate(
        id=cycle,
        code="X" * 12,
        user_id=1,
        assignment_id=1,
        unit="",
        cycle=cycle,
        title="T",
        learner_name="L",
        score=None,
        issued_at=issued,
        expires_at=expires,
        revoked_at=revoked,
        revoke_reason=None,
    )


@pytest.mark.parametrize(
    ("today", "done", "expected"),
    [
        (date(2026, 3, 1), False, DueState.ON_TRACK),
        (date(2026, 3, 13), False, DueState.DUE_SOON),  # 7 days left
        (date(2026, 3, 12), False, DueState.ON_TRACK),  # 8 days left
        (date(2026, 3, 20), False, DueState.DUE_SOON),  # the due day itself
        (date(2026, 3, 21), False, DueState.OVERDUE),
        (date(2026, 4, 30), True, DueState.DONE),
    ],
)
def test_due_state(today: date, done: bool, expected: DueState) -> None:
    assert rules.due_state(date(2026, 3, 20), today, done=done) is expected


def test_days_late_and_end_of_day_in_a_zone() -> None:
    assert rules.days_late(date(2026, 3, 20), date(2026, 3, 23)) == 3
    assert rules.days_late(date(2026, 3, 20), date(2026, 3, 2)) == 0
    lisbon = rules.zone("Europe/Lisbon")
    assert rules.end_of_day(date(2026, 7, 1), lisbon) == datetime(2026, 7, 1, 23, 0, tzinfo=UTC)


def test_add_months_keeps_the_time_and_clips_the_day() -> None:
    assert rules.add_months(datetime(2026, 1, 31, 8, 0, tzinfo=UTC), 1) == datetime(2026, 2, 28, 8, 0, tzinfo=UTC)
    assert rules.add_months(datetime(2026, 11, 15, tzinfo=UTC), 14) == datetime(2028, 1, 15, tzinfo=UTC)


def test_unknown_time_zones_are_refused() -> None:
    with pytest.raises(rules.TimezoneError):
        rules.check_timezone("Mars/Olympus")
    assert rules.check_timezone(" Europe/Lisbon ") == "Europe/Lisbon"
    assert "Europe/Lisbon" in rules.timezone_names()


def test_a_later_joiner_is_due_days_allowed_after_their_local_join_day() -> None:
    made = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assignment = Assignment(
        1, "T", None, ("m",), "assignment", 1, (), date(2026, 3, 20), 10, None, None, made, made, None
    )
    auckland = rules.zone("Pacific/Auckland")
    assert rules.first_due(assignment, made, auckland) == date(2026, 3, 20)
    # 5 March 12:00 UTC is already 6 March in Auckland.
    assert rules.first_due(assignment, datetime(2026, 3, 5, 12, 0, tzinfo=UTC), auckland) == date(2026, 3, 16)


def test_cycles_follow_expiry_and_revocation_and_count_only_passes_in_the_cycle() -> None:
    first_pass = datetime(2026, 3, 5, tzinfo=UTC)
    expired = certificate(1, first_pass, datetime(2027, 3, 5, tzinfo=UTC))
    passes = {"a": first_pass, "b": first_pass}
    before = rules.current_cycle("", ("a", "b"), date(2026, 3, 20), 14, UTC_ZONE, passes, [expired], first_pass)
    assert (before.number, before.done, before.certificate) == (1, True, expired)

    later = datetime(2027, 3, 6, tzinfo=UTC)
    after = rules.current_cycle("", ("a", "b"), date(2026, 3, 20), 14, UTC_ZONE, passes, [expired], later)
    assert (after.number, after.due, after.done, after.passed) == (2, date(2027, 3, 19), False, frozenset())

    one_again = {**passes, "a": datetime(2027, 3, 6, tzinfo=UTC)}
    partly = rules.current_cycle("", ("a", "b"), date(2026, 3, 20), 14, UTC_ZONE, one_again, [expired], later)
    assert (partly.passed, partly.done) == (frozenset({"a"}), False)

    revoked = certificate(1, first_pass, None, revoked=datetime(2026, 4, 1, tzinfo=UTC))
    reopened = rules.current_cycle("", ("a",), date(2026, 3, 20), 14, UTC_ZONE, passes, [revoked], later)
    assert (reopened.number, reopened.opened_at, reopened.done) == (2, revoked.revoked_at, False)


def test_the_shipped_paths_load_and_name_real_modules() -> None:
    loaded = load_learning_paths(course())
    assert loaded.problems == ()
    assert {path.id for path in loaded.paths} >= {"new-starter"}
    assert loaded.get("new-starter").modules[0] == "orientation"  # type: ignore[union-attr]


def test_a_broken_path_is_reported_with_its_line_and_the_others_still_load(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("schema_version: 1\nid: good\ntitle: Good\nmodules: [orientation]\n")
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("schema_version: 1\nid: bad\ntitle: Bad\nmodules:\n  - orientation\n  - no-such-module\n")
    typo = tmp_path / "typo.yaml"
    typo.write_text("schema_version: 1\nid: typo\ntitle: Typo\nmodules: [orientation]\ncertificat: path\n")
    twice = tmp_path / "twice.yaml"
    twice.write_text("schema_version: 1\nid: twice\ntitle: Twice\nmodules: [orientation, orientation]\n")

    loaded = load_path_files(course(), [good, unknown, typo, twice])

    assert [path.id for path in loaded.paths] == ["good"]
    messages = [str(problem) for problem in loaded.problems]
    assert any(m.startswith(f"{unknown}:6:5: modules[1]: no module 'no-such-module'") for m in messages), messages
    assert any(m.startswith(f"{typo}:5:1") for m in messages), messages
    assert any("listed twice" in m for m in messages), messages


def test_validate_checks_the_learning_paths_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from academy.cli import main

    (tmp_path / "bad.yaml").write_text("schema_version: 1\nid: bad\ntitle: Bad\nmodules: [nope]\n")
    monkeypatch.setenv("ACADEMY_PATHS_DIR", str(tmp_path))

    assert main(["validate"]) == 1

    err = capsys.readouterr().err
    assert f"{tmp_path / 'bad.yaml'}:4:11: modules[0]: no module 'nope'" in err
    monkeypatch.delenv("ACADEMY_PATHS_DIR")
    assert main(["validate"]) == 0
    assert "ok    path new-starter: 3 modules, one certificate" in capsys.readouterr().out
