"""A role-play's rules as a state machine: where a run stands and which choices it offers.

Pure functions over ``academy.content.schema.Scenario``; no I/O. Scoring a run against the
best is ``academy.engine.scenario_search``; playing one with feedback is ``roleplay``.

Score model
    A run's score is the sum of the ``trust`` deltas of the choices made plus the ``score``
    of the ending reached. The trust meter shown is ``clamp(customer.trust + sum of deltas,
    0, 100)`` (the clamp applies to the total, so a meter pinned at 100 still remembers
    how far above it the customer went). ``Choice.when`` tests ``trust`` (the meter) or a
    variable set by an earlier choice's ``set:`` (a variable never set is 0).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pydantic import field_serializer, field_validator

from academy.content.schema import Choice, Condition, Ending, Node, Scenario
from academy.engine._results import Result

TRUST = "trust"
"""The condition variable that reads the trust meter (it cannot be ``set``)."""


Variables = tuple[tuple[str, int], ...]


_OPERATORS: dict[str, Callable[[int, int], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


def clamp_trust(raw: int) -> int:
    return max(0, min(100, raw))


def condition_holds(condition: Condition, trust: int, variables: Mapping[str, int]) -> bool:
    """Whether ``condition`` holds with the trust meter at ``trust`` (an unset variable is 0)."""
    value = trust if condition.variable == TRUST else variables.get(condition.variable, 0)
    return _OPERATORS[condition.op](value, condition.value)


class Step(Result):
    """One decision taken: at ``node`` the learner made choice number ``choice`` (from 0)."""

    node: str
    choice: int
    trust_delta: int
    trust_after: int


class RunState(Result):
    """Where a run stands. Immutable: every move returns a new state."""

    scenario_id: str
    node: str
    """The current node, or the ending reached once ``finished``."""
    trust: int
    """The meter, 0 to 100."""
    gained: int = 0
    """Sum of the trust deltas of the choices made."""
    score: int = 0
    """``gained``, plus the ending's score once finished."""
    variables: Variables = ()
    """Variables set by the choices made, as sorted (name, value) pairs; a dict in ``to_dict``."""
    path: tuple[Step, ...] = ()
    finished: bool = False
    ending: str | None = None

    @field_validator("variables", mode="before")
    @classmethod
    def _pairs_from_mapping(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            return tuple(sorted(value.items()))
        return value

    @field_serializer("variables")
    def _pairs_as_mapping(self, value: Variables) -> dict[str, int]:
        return dict(value)

    def variable(self, name: str) -> int:
        """A variable's value (0 when never set); ``trust`` reads the meter."""
        if name == TRUST:
            return self.trust
        return dict(self.variables).get(name, 0)

    @property
    def choices_made(self) -> tuple[int, ...]:
        """The choice indexes of the run, enough to ``replay`` it."""
        return tuple(step.choice for step in self.path)


def start(scenario: Scenario) -> RunState:
    return RunState(scenario_id=scenario.id, node=scenario.start, trust=clamp_trust(scenario.customer.trust))


def available_choices(scenario: Scenario, state: RunState) -> list[tuple[int, Choice]]:
    """The choices offered now, with their indexes in ``node.choices``; empty once finished."""
    if state.finished:
        return []
    variables = dict(state.variables)
    return [
        (index, choice)
        for index, choice in enumerate(node_of(scenario, state.node).choices)
        if choice.when is None or condition_holds(choice.when, state.trust, variables)
    ]


def replay(scenario: Scenario, choice_indexes: Iterable[int]) -> RunState:
    """Rebuild a run from its stored choice indexes; ``ValueError`` if one is no longer possible."""
    state = start(scenario)
    for number, index in enumerate(choice_indexes, start=1):
        try:
            state = advance(scenario, state, index)
        except ValueError as error:
            raise ValueError(f"cannot replay decision {number}: {error}") from error
    return state


def advance(scenario: Scenario, state: RunState, choice_index: int) -> RunState:
    if state.scenario_id != scenario.id:
        raise ValueError(f"this run belongs to scenario '{state.scenario_id}', not '{scenario.id}'")
    if state.finished:
        raise ValueError(f"the run has already ended at '{state.node}'")
    offered = dict(available_choices(scenario, state))
    if choice_index not in offered:
        raise ValueError(
            f"choice {choice_index} is not available at node '{state.node}'; available: {sorted(offered) or 'none'}"
        )
    choice = offered[choice_index]
    gained = state.gained + choice.trust
    trust = clamp_trust(scenario.customer.trust + gained)
    variables = {**dict(state.variables), **choice.set}
    step = Step(node=state.node, choice=choice_index, trust_delta=choice.trust, trust_after=trust)
    target_is_node = any(node.id == choice.next for node in scenario.nodes)
    ending = None if target_is_node else ending_of(scenario, choice.next)
    return RunState(
        scenario_id=state.scenario_id,
        node=choice.next,
        trust=trust,
        gained=gained,
        score=gained + (ending.score if ending else 0),
        variables=tuple(sorted(variables.items())),
        path=(*state.path, step),
        finished=ending is not None,
        ending=ending.id if ending else None,
    )


def node_of(scenario: Scenario, node_id: str) -> Node:
    for node in scenario.nodes:
        if node.id == node_id:
            return node
    raise ValueError(f"'{node_id}' is not a node of scenario '{scenario.id}'")


def ending_of(scenario: Scenario, ending_id: str) -> Ending:
    for ending in scenario.endings:
        if ending.id == ending_id:
            return ending
    raise ValueError(f"'{ending_id}' is not a node or ending of scenario '{scenario.id}'")
