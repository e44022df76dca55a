"""Role-play logic: play a branching scenario, score it, and say what each decision cost.

Pure functions over ``academy.content.schema.Scenario``; no I/O. The state machine (trust,
conditions, replaying a run) is ``academy.engine.scenario``, the search for the best and
worst is ``academy.engine.scenario_search``; both are re-exported here, so callers need
only this module.

Cost of a decision
    At each choice, every available choice is valued at its trust delta plus the best
    achievable from where it leads; a decision's cost is the best such value minus its
    own (0 for the best choice, never negative). In a scenario without loops the costs
    of a run add up to ``best - score``. A choice after which no ending can be reached
    on a simple path has no value, and its cost is ``None``.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Mapping, Sequence

from academy.content.schema import Choice, Ending, Outcome, Scenario
from academy.engine._results import Result
from academy.engine.scenario import (
    TRUST,
    RunState,
    Step,
    Variables,
    advance,
    available_choices,
    clamp_trust,
    condition_holds,
    ending_of,
    node_of,
    replay,
    start,
)
from academy.engine.scenario_search import (
    STATE_BUDGET,
    PathChoice,
    ScenarioAnalysis,
    StuckState,
    analyse,
    reachability,
    reachable,
    solver_for,
    strongly_connected,
    successors,
)

__all__ = [
    "STATE_BUDGET",
    "TRUST",
    "Debrief",
    "Decision",
    "PathChoice",
    "RunState",
    "ScenarioAnalysis",
    "SkillTally",
    "Step",
    "StepOutcome",
    "StuckState",
    "Variables",
    "analyse",
    "available_choices",
    "choose",
    "clamp_trust",
    "condition_holds",
    "debrief",
    "decisions",
    "presentation_order",
    "reachability",
    "reachable",
    "replay",
    "scaled_score",
    "start",
    "strongly_connected",
    "successors",
]


def presentation_order(choices: Sequence[tuple[int, Choice]], key: str) -> list[tuple[int, Choice]]:
    """The offered choices in the order to show them, shuffled by ``key`` (e.g. run id and step).

    Authors tend to write the best reply first; shown as written, the first button would
    give the answer away. The same key always gives the same order, so a rerun or a resumed
    run shows the buttons where they were.
    """
    seed = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big")
    shuffled = list(choices)
    random.Random(seed).shuffle(shuffled)
    return shuffled


class StepOutcome(Result):
    """What one choice did, for the page to show right after it."""

    node: str
    """The node the choice was made at."""
    choice_index: int
    choice: Choice
    feedback: str
    trust_before: int
    trust_after: int
    trust_delta: int
    next_node: str | None
    """The node now shown, or ``None`` when an ending was reached."""
    ending: Ending | None
    cost: int | None
    """Best achievable before this choice minus best achievable after it; see the module doc."""
    best_choices: tuple[int, ...]
    """The indexes of the best choices that were available."""

    @property
    def finished(self) -> bool:
        return self.ending is not None


def choose(scenario: Scenario, state: RunState, choice_index: int) -> tuple[RunState, StepOutcome]:
    """Make choice ``choice_index`` of the current node; ``ValueError`` if it is not available."""
    after = advance(scenario, state, choice_index)
    values = solver_for(scenario).choice_values(state)
    choice = node_of(scenario, state.node).choices[choice_index]
    ending = ending_of(scenario, after.node) if after.finished else None
    best, best_choices = _best_of(values)
    own = values[choice_index]
    return after, StepOutcome(
        node=state.node,
        choice_index=choice_index,
        choice=choice,
        feedback=choice.feedback,
        trust_before=state.trust,
        trust_after=after.trust,
        trust_delta=choice.trust,
        next_node=None if after.finished else after.node,
        ending=ending,
        cost=None if own is None or best is None else best - own,
        best_choices=best_choices,
    )


def _best_of(values: Mapping[int, int | None]) -> tuple[int | None, tuple[int, ...]]:
    known = {index: value for index, value in values.items() if value is not None}
    if not known:
        return None, ()
    best = max(known.values())
    return best, tuple(index for index, value in known.items() if value == best)


class Decision(Result):
    """One decision of a run, as the debrief shows it."""

    node: str
    choice: int
    text: str
    skills: tuple[str, ...]
    trust_delta: int
    trust_after: int
    cost: int | None
    best_choices: tuple[int, ...]
    feedback: str

    @property
    def helped(self) -> bool:
        """The best choice available, or one that raised trust."""
        return self.cost == 0 or self.trust_delta > 0


class SkillTally(Result):
    skill: str
    helped: int
    hurt: int


class Debrief(Result):
    scenario_id: str
    outcome: Outcome
    ending: Ending
    score: int
    best: int
    worst: int
    scaled: float
    """(score - worst) / (best - worst), clamped to 0..1; 1.0 when best == worst."""
    trust: int
    decisions: tuple[Decision, ...]
    skills: tuple[SkillTally, ...]
    """Skill tags of the choices made, in order of first use: how often they helped or hurt."""
    best_path: tuple[PathChoice, ...]


def decisions(scenario: Scenario, state: RunState) -> tuple[Decision, ...]:
    """Each decision of a run (finished or not) with its cost, by replaying its choices."""
    replayed = start(scenario)
    made: list[Decision] = []
    for step in state.path:
        replayed, outcome = choose(scenario, replayed, step.choice)
        made.append(
            Decision(
                node=outcome.node,
                choice=outcome.choice_index,
                text=outcome.choice.text,
                skills=tuple(outcome.choice.skills),
                trust_delta=outcome.trust_delta,
                trust_after=outcome.trust_after,
                cost=outcome.cost,
                best_choices=outcome.best_choices,
                feedback=outcome.feedback,
            )
        )
    return tuple(made)


def debrief(scenario: Scenario, state: RunState) -> Debrief:
    """The end-of-run summary; ``ValueError`` for a run that has not reached an ending."""
    if not state.finished or state.ending is None:
        raise ValueError("a debrief needs a finished run")
    ending = ending_of(scenario, state.ending)
    analysis = analyse(scenario)
    # No simple path to any ending (the run got there through a loop): nothing to compare with.
    best = analysis.best if analysis.best is not None else state.score
    worst = analysis.worst if analysis.worst is not None else state.score
    made = decisions(scenario, state)
    return Debrief(
        scenario_id=scenario.id,
        outcome=ending.outcome,
        ending=ending,
        score=state.score,
        best=best,
        worst=worst,
        scaled=scaled_score(state.score, best, worst),
        trust=state.trust,
        decisions=made,
        skills=_tally(made),
        best_path=analysis.best_path,
    )


def scaled_score(score: float, best: float, worst: float) -> float:
    """Where a score sits between the worst (0.0) and the best (1.0); 1.0 when they are equal."""
    if best <= worst:
        return 1.0
    return max(0.0, min(1.0, (score - worst) / (best - worst)))


def _tally(made: Iterable[Decision]) -> tuple[SkillTally, ...]:
    counts: dict[str, list[int]] = {}
    for decision in made:
        for skill in decision.skills:
            helped_hurt = counts.setdefault(skill, [0, 0])
            helped_hurt[0 if decision.helped else 1] += 1
    return tuple(SkillTally(skill=skill, helped=helped, hurt=hurt) for skill, (helped, hurt) in counts.items())
