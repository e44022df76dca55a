"""Test-wise players: people who score a role-play without reading it.

Each player picks among the replies on offer by a rule that ignores their meaning:
always the longest, always the shortest, always the one written first in the file, or one
at random. If such a player scores near the best, or reaches the best ending, the score
rewards a habit rather than the skill. Runs go through the engine's own ``replay``, so a
player's score is exactly the score a learner taking the same replies would get.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from academy.content.schema import Choice, Scenario
from academy.engine import roleplay
from academy.engine._results import Result

RANDOM_RUNS = 1000
MAX_STEPS = 200
"""A run longer than this is a player going round a loop; it counts as never finishing."""

OUTCOME_RANK = {"referring": 4, "retained": 3, "wary": 2, "lost": 1, "lost_and_telling": 0}

Pick = Callable[[Sequence[tuple[int, Choice]], random.Random], int]


def _length(choice: Choice) -> int:
    return len(" ".join(choice.text.split()))


def _longest(offered: Sequence[tuple[int, Choice]], _rng: random.Random) -> int:
    return max(offered, key=lambda pair: (_length(pair[1]), -pair[0]))[0]


def _shortest(offered: Sequence[tuple[int, Choice]], _rng: random.Random) -> int:
    return min(offered, key=lambda pair: (_length(pair[1]), pair[0]))[0]


def _first(offered: Sequence[tuple[int, Choice]], _rng: random.Random) -> int:
    return offered[0][0]


def _random(offered: Sequence[tuple[int, Choice]], rng: random.Random) -> int:
    return rng.choice(offered)[0]


PLAYERS: dict[str, tuple[str, Pick, int]] = {
    "longest": ("always the longest reply", _longest, 1),
    "shortest": ("always the shortest reply", _shortest, 1),
    "first": ("always the reply written first", _first, 1),
    "random": (f"a reply at random ({RANDOM_RUNS:,} runs)", _random, RANDOM_RUNS),
}


class PlayerFigures(Result):
    scenario_id: str
    player: str
    """longest, shortest, first or random."""
    runs: int
    share_of_best: float
    """Mean score as a share of the way from the worst to the best run (the debrief's headline)."""
    best_ending_share: float
    """Share of runs that end with the best outcome the scenario offers."""
    finished_share: float
    """Share of runs that reach an ending at all (a player can go round a loop forever)."""
    ending: str | None = None
    """The ending reached (deterministic players only)."""

    @property
    def label(self) -> str:
        return PLAYERS[self.player][0]


def best_outcome(scenario: Scenario) -> str | None:
    """The best outcome among the endings a run can reach, or None when none can be."""
    analysis = roleplay.analyse(scenario)
    reachable = [e.outcome for e in scenario.endings if e.id in analysis.reachable_endings]
    return max(reachable, key=OUTCOME_RANK.__getitem__) if reachable else None


def play(
    scenario: Scenario, pick: Pick, rng: random.Random, seen: dict[tuple[int, ...], roleplay.RunState] | None = None
) -> roleplay.RunState:
    """One run with ``pick`` choosing every reply; unfinished if it exceeds ``MAX_STEPS``.

    ``seen`` caches the states of choice sequences already replayed (a thousand random runs
    share most of their beginnings).
    """
    seen = {} if seen is None else seen
    state = roleplay.start(scenario)
    chosen: tuple[int, ...] = ()
    while not state.finished and len(chosen) < MAX_STEPS:
        offered = roleplay.available_choices(scenario, state)
        if not offered:
            break
        chosen = (*chosen, pick(offered, rng))
        if chosen not in seen:
            seen[chosen] = roleplay.replay(scenario, chosen)
        state = seen[chosen]
    return state


def player_figures(scenario: Scenario, player: str) -> PlayerFigures:
    _, pick, runs = PLAYERS[player]
    analysis = roleplay.analyse(scenario)
    best, worst = analysis.best, analysis.worst
    top = best_outcome(scenario)
    outcome_of = {ending.id: ending.outcome for ending in scenario.endings}
    rng = random.Random(f"{scenario.id}:{player}")  # fixed, so the figures in docs/course.md are stable
    shares: list[float] = []
    best_endings = finished = 0
    last_ending: str | None = None
    seen: dict[tuple[int, ...], roleplay.RunState] = {}
    for _ in range(runs):
        state = play(scenario, pick, rng, seen)
        if not state.finished or best is None or worst is None:
            shares.append(0.0)
            continue
        finished += 1
        last_ending = state.ending
        shares.append(roleplay.scaled_score(state.score, best, worst))
        best_endings += outcome_of.get(state.ending or "") == top
    return PlayerFigures(
        scenario_id=scenario.id,
        player=player,
        runs=runs,
        share_of_best=sum(shares) / runs,
        best_ending_share=best_endings / runs,
        finished_share=finished / runs,
        ending=last_ending if runs == 1 else None,
    )


def all_players(scenario: Scenario) -> list[PlayerFigures]:
    return [player_figures(scenario, player) for player in PLAYERS]
