"""What each role-play outcome means: its label, and whether the customer was kept.

The one place that says so: the role-play debrief, the learner and manager pages and the
xAPI export all ask here. An outcome no longer known (from an older course) is shown as
written and counts as not kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Mood = Literal["good", "mixed", "bad"]


@dataclass(frozen=True, slots=True)
class OutcomeKind:
    label: str
    kept: bool
    """The customer stays (they may still be wary)."""
    mood: Mood
    """How the ending feels: good (kept and happy), mixed (kept but wary) or bad (lost)."""
    rank: int
    """Higher is better: referring 4 down to lost_and_telling 0."""


OUTCOMES: dict[str, OutcomeKind] = {
    "referring": OutcomeKind("Retained and referring others", kept=True, mood="good", rank=4),
    "retained": OutcomeKind("Retained", kept=True, mood="good", rank=3),
    "wary": OutcomeKind("Retained, but wary", kept=True, mood="mixed", rank=2),
    "lost": OutcomeKind("Lost", kept=False, mood="bad", rank=1),
    "lost_and_telling": OutcomeKind("Lost, and telling others", kept=False, mood="bad", rank=0),
}


def outcome_kind(outcome: str | None) -> OutcomeKind:
    """The outcome's meaning; an unknown one is labelled as written, not kept, and bad."""
    known = OUTCOMES.get(outcome or "")
    if known is not None:
        return known
    return OutcomeKind((outcome or "unknown").replace("_", " "), kept=False, mood="bad", rank=-1)


def outcome_label(outcome: str | None) -> str:
    return outcome_kind(outcome).label


def customer_kept(outcome: str | None) -> bool:
    return outcome_kind(outcome).kept


OUTCOME_LABELS: dict[str, str] = {outcome: kind.label for outcome, kind in OUTCOMES.items()}
"""Outcome -> label, in the schema's order from best to worst (for chart legends)."""
