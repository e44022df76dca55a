"""Role-plays: a learner starts a run, makes choices until an ending, or abandons it.

The engine plays the scenario and prices each decision; the store keeps the run. The
choice that reaches an ending closes the run in the same transaction, with the engine's
debrief score, and passes the module when that was all it still needed.
"""

from __future__ import annotations

from dataclasses import dataclass

from academy.content.schema import Course, Scenario
from academy.engine import roleplay as engine
from academy.learning._lookup import module_of, scenario_of
from academy.learning.errors import ContentChangedError, NotInCourseError
from academy.learning.rules import after_step, module_rule
from academy.store import Run, RunChoice, RunEnding, Store


@dataclass(frozen=True)
class Chosen:
    """What one choice did."""

    run: Run
    """The run as it now stands (finished when the choice reached an ending)."""
    choice: RunChoice
    """The choice stored for this step: the learner's, unless another window chose first."""
    outcome: engine.StepOutcome
    """What the learner's choice did (feedback, trust, its cost)."""

    @property
    def taken(self) -> bool:
        """Whether the learner's choice is the one stored (False: another window answered this step first)."""
        return self.choice.choice_index == self.outcome.choice_index


def start_roleplay(store: Store, course: Course, user_id: int, module_id: str, scenario_id: str) -> Run:
    """Start a run of the role-play, or return the learner's open run of it (to resume).

    To start over mid-run, use ``restart_roleplay``; after an ending a new run starts.
    """
    module = module_of(course, module_id)
    scenario = scenario_of(module, scenario_id)
    return store.start_run(user_id, module.id, scenario.id, course.versions[module.id])


def run_state(course: Course, run: Run) -> engine.RunState:
    """Where the run stands, replayed from its stored choices.

    Raises ``ContentChangedError`` when the role-play changed so that the run's choices
    can no longer be replayed (the learner has to start it again).
    """
    scenario = _scenario(course, run)
    try:
        return engine.replay(scenario, run.path)
    except ValueError as error:
        raise ContentChangedError(f"the role-play changed since this run began: {error}") from error


def choose(store: Store, course: Course, run: Run, choice_index: int) -> Chosen:
    """Make choice ``choice_index`` (an index into the current node's choices) and save it.

    Saves the choice with what it cost against the best one (``None`` when the engine cannot
    tell), and when it reaches an ending, closes the run with the debrief's score. Raises
    ``ValueError`` when the choice is not offered now, ``ContentChangedError``, or the
    store's ``RunClosedError`` / ``InvalidActionError`` when another window ended, restarted
    or advanced the run meanwhile.
    """
    scenario = _scenario(course, run)
    state = run_state(course, run)
    after, outcome = engine.choose(scenario, state, choice_index)
    module = module_of(course, run.module_id)
    saved = store.save_choice(
        run.id,
        len(state.path),
        state.node,
        choice_index,
        outcome.cost,
        detail={
            "skills": list(outcome.choice.skills),
            "trust_delta": outcome.trust_delta,
            "trust_after": outcome.trust_after,
            "best": choice_index in outcome.best_choices,
        },
        ending=_ending(scenario, after) if after.finished else None,
        passes_module=module_rule(module),
    )
    if after.finished:
        after_step(store, course, run.user_id, module.id)
    return Chosen(run=saved.run, choice=saved.choice, outcome=outcome)


def finish_roleplay(store: Store, course: Course, run: Run) -> Run:
    """Close a run whose stored choices reach an ending but which is still open.

    ``choose`` closes a run with its last choice; this is for a run saved before it did.
    Raises ``ValueError`` when the run has not reached an ending.
    """
    scenario = _scenario(course, run)
    state = run_state(course, run)
    ending = _ending(scenario, state)
    module = module_of(course, run.module_id)
    finished = store.finish_run(
        run.id,
        ending.ending_id,
        ending.outcome,
        ending.score,
        ending.best,
        ending.worst,
        scaled=ending.scaled,
        detail=ending.detail,
        passes_module=module_rule(module),
    )
    after_step(store, course, run.user_id, module.id)
    return finished


def abandon_roleplay(store: Store, run: Run) -> bool:
    """Give up an open run; True if it was open. Its choices stay in the record."""
    return store.abandon_run(run.id)


def restart_roleplay(store: Store, course: Course, run: Run) -> Run:
    """Abandon the run and start the same role-play again; returns the new run."""
    store.abandon_run(run.id)
    return start_roleplay(store, course, run.user_id, run.module_id, run.scenario_id)


def _ending(scenario: Scenario, state: engine.RunState) -> RunEnding:
    debrief = engine.debrief(scenario, state)
    return RunEnding(
        ending_id=debrief.ending.id,
        outcome=debrief.outcome,
        score=debrief.score,
        best=debrief.best,
        worst=debrief.worst,
        scaled=debrief.scaled,
        detail={"trust": debrief.trust, "skills": [tally.skill for tally in debrief.skills]},
    )


def _scenario(course: Course, run: Run) -> Scenario:
    try:
        return scenario_of(module_of(course, run.module_id), run.scenario_id)
    except NotInCourseError as error:
        raise ContentChangedError(f"the role-play of this run is no longer in the course: {error}") from error
