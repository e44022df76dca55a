"""Role-play outcomes: one table says what each means (label, customer kept, mood)."""

from __future__ import annotations

from typing import get_args

from academy.content.outcomes import OUTCOMES, customer_kept, outcome_kind, outcome_label
from academy.content.schema import Outcome


def test_every_outcome_the_schema_allows_has_a_meaning() -> None:
    assert list(OUTCOMES) == list(get_args(Outcome))


def test_the_customer_is_kept_unless_lost() -> None:
    assert [outcome for outcome in OUTCOMES if customer_kept(outcome)] == ["referring", "retained", "wary"]
    assert outcome_kind("wary").mood == "mixed"
    assert sorted(OUTCOMES, key=lambda outcome: -OUTCOMES[outcome].rank) == list(OUTCOMES)


def test_an_outcome_no_longer_known_is_shown_as_written_and_not_kept() -> None:
    assert outcome_label("gone_elsewhere") == "gone elsewhere"
    assert not customer_kept("gone_elsewhere")
    assert not customer_kept(None)
    assert outcome_label("lost_and_telling") == "Lost, and telling others"
