"""Learning-record detail, one type per verb: written checked, read back as attributes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from academy.store import InvalidActionError, LearningRecord, Store, User, Verb
from academy.store.details import DETAIL_TYPES, ChoiceMade, EndingReached, QuizFinished, detail_as, detail_for


def record(verb: Verb, detail: dict[str, object]) -> LearningRecord:
    return LearningRecord(
        1, "id", 1, "ana", "m", "v", verb, None, "s", "r", "n", None, None, detail, datetime(2026, 1, 1, tzinfo=UTC)
    )


def test_every_verb_has_a_detail_type() -> None:
    assert set(DETAIL_TYPES) == set(Verb)


def test_a_field_the_verb_does_not_have_is_refused() -> None:
    with pytest.raises(InvalidActionError, match="no field"):
        detail_for(Verb.CHOICE_MADE, {"step": 0}, {"stpe": 1})


def test_the_stores_own_fields_win_over_the_callers() -> None:
    assert detail_for(Verb.CHOICE_MADE, {"cost": 0.0}, {"cost": 5, "best": True}) == {"cost": 0.0, "best": True}


def test_an_older_record_reads_back_with_what_it_has() -> None:
    old = detail_as(record(Verb.CHOICE_MADE, {"choice_index": 2, "retired_field": 1}), ChoiceMade)
    assert old == ChoiceMade(choice_index=2)
    assert old.skills is None
    with pytest.raises(ValueError, match="ChoiceMade"):
        detail_as(record(Verb.CHOICE_MADE, {}), EndingReached)


def test_a_store_write_rejects_an_unknown_extra_field_and_writes_nothing(store: Store, learner: User) -> None:
    attempt = store.start_attempt(learner.id, "basics", "bank", 1, ["q1"], "v1")
    with pytest.raises(InvalidActionError):
        store.save_answer(attempt.id, "q1", "a", 1, 1, detail={"colour": "red"})
    assert [r.verb for r in store.records(user_id=learner.id)] == [Verb.QUIZ_STARTED]
    store.finish_attempt(attempt.id, 0, 1, False, scaled=0.0)
    [finished] = [r for r in store.records(user_id=learner.id) if r.verb is Verb.QUIZ_FINISHED]
    assert detail_as(finished, QuizFinished).number == 1
