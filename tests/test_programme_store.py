"""Assignments, cycles and certificates in the store (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from academy.programme import assign, standing
from academy.programme.assign import AssignError
from academy.programme.paths import LearningPath
from academy.programme.rules import DueState
from academy.store import InvalidActionError, NotFoundError, Store
from tests.conftest import FakeClock
from tests.reports_helpers import Org, course, make_org, quiz

# The FakeClock starts on Monday 2 March 2026, 09:00 UTC.
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def org(store: Store) -> Org:
    return make_org(store)


def pass_module(store: Store, user_id: int, module_id: str) -> None:
    user = store.get_user(user_id)
    assert user is not None
    quiz(store, user, module_id, [1.0, 1.0, 1.0])


def states(store: Store, user_id: int, clock: FakeClock) -> dict[str, DueState]:
    return {s.assignment.title: s.state for s in standing.learner_standings(store, user_id, clock.now)}


def test_a_team_assignment_covers_members_and_a_later_joiner_from_the_day_they_join(
    store: Store, org: Org, clock: FakeClock
) -> None:
    made = assign.assign(
        store,
        course(),
        org.mara,
        modules=["promise-keeping"],
        team_id=org.front_desk,
        due_on=date(2026, 3, 20),
        days_allowed=10,
        today=START.date(),
    )
    clock.advance(5 * 86_400)  # Saturday 7 March: a new learner joins Front desk
    newcomer = store.create_user("newcomer", "correct horse")
    store.add_member(org.front_desk, newcomer.id)

    covered = {
        (s.user_id, s.due) for s in standing.standings(standing.read_facts(store, [org.a1.id, newcomer.id]), clock.now)
    }

    assert covered == {(org.a1.id, date(2026, 3, 20)), (newcomer.id, date(2026, 3, 17))}
    assert made.title == course().module("promise-keeping").title
    # Billing's learner is not covered; neither is anyone after the assignment is withdrawn.
    assert standing.learner_standings(store, org.b1.id, clock.now) == []
    store.withdraw_assignment(made.id, actor_id=org.mara.id, reason="replaced")
    assert standing.learner_standings(store, newcomer.id, clock.now) == []


def test_due_states_turn_at_midnight_in_the_learners_own_time_zone(store: Store, org: Org, clock: FakeClock) -> None:
    store.create_assignment(
        actor_id=org.admin.id,
        title="Promises",
        modules=["promise-keeping"],
        learner_ids=[org.a1.id, org.a2.id],
        due_on=date(2026, 3, 20),
        days_allowed=7,
    )
    store.set_timezone(org.a1.id, "Pacific/Auckland")  # UTC+13 in March
    store.set_timezone(org.a2.id, "America/Los_Angeles")  # UTC-7 after 8 March

    clock.now = datetime(2026, 3, 12, 10, 59, tzinfo=UTC)  # 12 March 23:59 in Auckland: 8 days left
    assert states(store, org.a1.id, clock) == {"Promises": DueState.ON_TRACK}
    clock.now = datetime(2026, 3, 12, 11, 0, tzinfo=UTC)  # 13 March 00:00 there: 7 days left
    assert states(store, org.a1.id, clock) == {"Promises": DueState.DUE_SOON}

    clock.now = datetime(2026, 3, 20, 10, 59, tzinfo=UTC)  # 20 March 23:59 in Auckland
    assert states(store, org.a1.id, clock) == {"Promises": DueState.DUE_SOON}
    clock.now = datetime(2026, 3, 20, 11, 0, tzinfo=UTC)  # 21 March 00:00 in Auckland
    assert states(store, org.a1.id, clock) == {"Promises": DueState.OVERDUE}
    # Still 20 March in Los Angeles until 07:00 UTC on the 21st.
    assert states(store, org.a2.id, clock) == {"Promises": DueState.DUE_SOON}
    clock.now = datetime(2026, 3, 21, 6, 59, tzinfo=UTC)
    assert states(store, org.a2.id, clock) == {"Promises": DueState.DUE_SOON}
    clock.now = datetime(2026, 3, 21, 7, 0, tzinfo=UTC)
    overdue = standing.learner_standings(store, org.a2.id, clock.now)[0]
    assert (overdue.state, overdue.days_late) == (DueState.OVERDUE, 1)

    pass_module(store, org.a2.id, "promise-keeping")
    assert states(store, org.a2.id, clock) == {"Promises": DueState.DONE}


def test_passing_issues_a_certificate_once_and_recertification_reopens_after_expiry(
    store: Store, org: Org, clock: FakeClock
) -> None:
    made = store.create_assignment(
        actor_id=org.admin.id,
        title="Promises",
        modules=["promise-keeping"],
        team_id=org.front_desk,
        due_on=date(2026, 3, 31),
        days_allowed=14,
        recert_months=12,
    )
    clock.advance(3600)
    pass_module(store, org.a1.id, "promise-keeping")
    issued = standing.sync_certificates(store, [org.a1.id, org.a2.id], course(), clock.now)
    assert standing.sync_certificates(store, [org.a1.id, org.a2.id], course(), clock.now) == []  # idempotent

    assert [(c.user_id, c.cycle, c.title, c.learner_name) for c in issued] == [(org.a1.id, 1, "Promises", "Ana One")]
    first = issued[0]
    assert first.expires_at == datetime(2027, 3, 2, 10, 0, tzinfo=UTC)
    assert first.score == pytest.approx(1.0)

    clock.now = datetime(2027, 3, 2, 10, 0, tzinfo=UTC)  # the certificate expires
    reopened = standing.learner_standings(store, org.a1.id, clock.now)[0]
    assert (reopened.cycle, reopened.state, reopened.due) == (2, DueState.ON_TRACK, date(2027, 3, 16))
    assert store.certificate_by_code(first.code).state(clock.now) == "expired"  # type: ignore[union-attr]
    assert standing.sync_certificates(store, [org.a1.id], course(), clock.now) == []  # the old pass is not enough

    clock.advance(86_400)
    pass_module(store, org.a1.id, "promise-keeping")
    second = standing.sync_certificates(store, [org.a1.id], course(), clock.now)
    assert [(c.cycle, c.issued_at) for c in second] == [(2, clock.now)]
    # The first cycle's certificate and attempts are still there.
    assert [c.cycle for c in store.certificates_for([org.a1.id])] == [1, 2]
    assert len(store.attempts(org.a1.id, "promise-keeping")) == 2
    assert made.id == second[0].assignment_id


def test_revoking_a_certificate_reopens_the_cycle_and_is_recorded(store: Store, org: Org, clock: FakeClock) -> None:
    made = store.create_assignment(
        actor_id=org.admin.id,
        title="Promises",
        modules=["promise-keeping"],
        learner_ids=[org.a1.id],
        due_on=date(2026, 3, 31),
        days_allowed=14,
    )
    pass_module(store, org.a1.id, "promise-keeping")
    (certificate,) = standing.sync_certificates(store, [org.a1.id], course(), clock.now)
    with pytest.raises(InvalidActionError):
        store.revoke_certificate(certificate.code, actor_id=org.admin.id, reason="  ")
    with pytest.raises(NotFoundError):
        store.revoke_certificate("0000-0000-0000", actor_id=org.admin.id, reason="typo")

    clock.advance(86_400)
    revoked = store.revoke_certificate(certificate.code.lower(), actor_id=org.admin.id, reason="shared answers")

    assert revoked.state(clock.now) == "revoked"
    assert revoked.revoke_reason == "shared answers"
    now_standing = standing.learner_standings(store, org.a1.id, clock.now)[0]
    assert (now_standing.cycle, now_standing.state) == (2, DueState.ON_TRACK)
    assert standing.sync_certificates(store, [org.a1.id], course(), clock.now) == []
    assert [event.action for event in store.assignment_history(made.id)] == ["created", "certificate_revoked"]


def test_every_change_to_an_assignment_is_recorded_with_the_old_values(
    store: Store, org: Org, clock: FakeClock
) -> None:
    made = store.create_assignment(
        actor_id=org.mara.id,
        title="Promises",
        modules=["promise-keeping", "orientation"],
        learner_ids=[org.a1.id],
        due_on=date(2026, 3, 31),
        days_allowed=14,
    )
    clock.advance(60)
    store.change_assignment(made.id, actor_id=org.mara.id, due_on=date(2026, 4, 15), recert_months=6)
    store.change_assignment(made.id, actor_id=org.mara.id, due_on=date(2026, 4, 15))  # no change: no event
    store.add_assignment_learners(made.id, [org.a2.id, org.a1.id], actor_id=org.mara.id)
    store.remove_assignment_learners(made.id, [org.a1.id], actor_id=org.mara.id)
    withdrawn = store.withdraw_assignment(made.id, actor_id=org.admin.id, reason="merged")

    history = store.assignment_history(made.id)
    assert [(e.action, e.actor_id) for e in history] == [
        ("created", org.mara.id),
        ("changed", org.mara.id),
        ("learners_added", org.mara.id),
        ("learners_removed", org.mara.id),
        ("withdrawn", org.admin.id),
    ]
    assert history[0].detail["modules"] == ["promise-keeping", "orientation"]
    assert history[1].detail == {
        "before": {"due_on": "2026-03-31", "recert_months": None},
        "after": {"due_on": "2026-04-15", "recert_months": 6},
    }
    assert history[2].detail == {"learner_ids": [org.a2.id]}
    assert withdrawn.withdrawn_at == clock.now
    assert withdrawn.learner_ids == (org.a2.id,)
    assert store.list_assignments() == []
    assert [a.id for a in store.list_assignments(include_withdrawn=True)] == [made.id]
    with pytest.raises(InvalidActionError):
        store.change_assignment(made.id, actor_id=org.admin.id, title="Again")


def test_a_path_with_a_certificate_per_module_issues_one_per_module_passed(
    store: Store, org: Org, clock: FakeClock
) -> None:
    path = LearningPath(
        schema_version=1,
        id="refresher",
        title="Refresher",
        modules=["promise-keeping", "orientation"],
        certificate="module",
    )
    assign.assign(
        store, course(), org.admin, path=path, learner_ids=[org.a1.id], due_on=date(2026, 3, 31), today=START.date()
    )
    pass_module(store, org.a1.id, "promise-keeping")

    issued = standing.sync_certificates(store, [org.a1.id], course(), clock.now)

    assert [(c.unit, c.title) for c in issued] == [("promise-keeping", course().module("promise-keeping").title)]
    (now_standing,) = standing.learner_standings(store, org.a1.id, clock.now)
    assert [(m.module_id, m.state) for m in now_standing.modules] == [
        ("promise-keeping", DueState.DONE),
        ("orientation", DueState.ON_TRACK),
    ]


def test_managers_assign_only_to_their_own_teams_and_members(store: Store, org: Org) -> None:
    today = START.date()
    kwargs = {"modules": ["orientation"], "due_on": date(2026, 4, 1), "today": today}
    with pytest.raises(AssignError, match="teams you manage"):
        assign.assign(store, course(), org.mara, team_id=org.billing, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(AssignError, match="members of the teams you manage"):
        assign.assign(store, course(), org.mara, learner_ids=[org.b1.id], **kwargs)  # type: ignore[arg-type]
    with pytest.raises(AssignError, match="in the past"):
        assign.assign(
            store,
            course(),
            org.mara,
            team_id=org.front_desk,
            modules=["orientation"],
            due_on=date(2026, 3, 1),
            today=today,
        )
    with pytest.raises(AssignError, match="no module"):
        assign.assign(
            store, course(), org.admin, team_id=org.billing, modules=["nope"], due_on=date(2026, 4, 1), today=today
        )
    assert store.list_assignments() == []

    made = assign.assign(store, course(), org.mara, learner_ids=[org.a1.id], **kwargs)  # type: ignore[arg-type]
    assert made.days_allowed == 30  # defaults to the time the first learners were given
    assert assign.may_change(store, org.mara, made)
    assert not assign.may_change(store, org.theo, made)


def test_deleting_a_learner_removes_their_certificates_and_settings(store: Store, org: Org, clock: FakeClock) -> None:
    store.create_assignment(
        actor_id=org.admin.id,
        title="Promises",
        modules=["promise-keeping"],
        learner_ids=[org.a1.id],
        due_on=date(2026, 3, 31),
        days_allowed=14,
    )
    store.set_timezone(org.a1.id, "Europe/Lisbon")
    pass_module(store, org.a1.id, "promise-keeping")
    standing.sync_certificates(store, [org.a1.id], course(), clock.now)
    store.record_reminders(org.a1.id, ["x"], clock.now.date())
    exported = store.learner_export("a1")
    assert len(exported["certificates"]) == 1
    assert exported["settings"][0]["timezone"] == "Europe/Lisbon"

    removed = store.learner_delete("a1")

    assert removed["certificates"] == 1
    assert removed["learner_settings"] == 1
    assert removed["reminders_sent"] == 1
    assert store.certificates_for([org.a1.id]) == []


def test_passing_through_the_learning_actions_issues_the_certificate_at_once(
    store: Store, org: Org, clock: FakeClock
) -> None:
    from academy import learning
    from academy.engine import quiz as quiz_engine

    store.create_assignment(
        actor_id=org.admin.id,
        title="Promises",
        modules=["promise-keeping"],
        learner_ids=[org.a1.id],
        due_on=date(2026, 3, 31),
        days_allowed=14,
    )
    attempt = learning.start_quiz(store, course(), org.a1.id, "promise-keeping", seed=5)
    for question, _ in learning.attempt_questions(course(), attempt):
        assert store.certificates_for([org.a1.id]) == []
        clock.advance(30)
        attempt = learning.answer_question(
            store, course(), attempt, question.id, quiz_engine.correct_response(question)
        )

    (certificate,) = store.certificates_for([org.a1.id])
    assert (certificate.title, certificate.issued_at, certificate.score) == ("Promises", clock.now, 1.0)


def test_a_new_cycle_gives_the_quiz_its_full_attempt_allowance_again(store: Store, org: Org, clock: FakeClock) -> None:
    from academy import learning
    from academy.store import AttemptLimitError

    bank = course().bank_for(course().module("promise-keeping"))
    assert bank is not None
    assert bank.attempts == 3
    store.create_assignment(
        actor_id=org.admin.id,
        title="Promises",
        modules=["promise-keeping"],
        learner_ids=[org.a1.id, org.a2.id],
        due_on=date(2026, 3, 31),
        days_allowed=14,
        recert_months=1,
    )
    for user in (org.a1, org.a2):
        quiz(store, user, "promise-keeping", [0.0, 0.0, 0.0])
        quiz(store, user, "promise-keeping", [0.0, 0.0, 0.0])
        quiz(store, user, "promise-keeping", [1.0, 1.0, 1.0])
    standing.sync_certificates(store, [org.a1.id, org.a2.id], course(), clock.now)
    assert learning.attempt_allowance(store, course(), org.a1.id, "promise-keeping") == (3, 3)
    with pytest.raises(AttemptLimitError):
        learning.start_quiz(store, course(), org.a1.id, "promise-keeping")

    clock.now = datetime(2026, 4, 3, 9, 0, tzinfo=UTC)  # the one-month certificates have expired
    assert learning.attempt_allowance(store, course(), org.a1.id, "promise-keeping") == (0, 3)
    fourth = learning.start_quiz(store, course(), org.a1.id, "promise-keeping")

    assert fourth.number == 4
    assert learning.attempt_allowance(store, course(), org.a1.id, "promise-keeping") == (1, 3)
