"""The best and worst a role-play allows, from its start or from any point of a run.

Best and worst
    Computed over simple paths: a path never revisits a node, so a loop cannot be farmed
    for points and every path is finite. The best achievable score from a point of a run
    looks only forward from that point (where the run has been before does not matter),
    so a learner who went astray but can still go back and recover is told so.

One solver per scenario is cached (``solver_for``); its search is memoised and bounded by
``STATE_BUDGET``, past which a scenario is reported as too complex to score.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from academy.content.schema import Choice, Ending, Node, Scenario
from academy.engine._results import Result
from academy.engine.scenario import TRUST, RunState, Variables, available_choices, clamp_trust, condition_holds


class PathChoice(Result):
    node: str
    choice: int


class StuckState(Result):
    """A state reachable from the start in which a node offers no choice at all."""

    node: str
    trust: int
    variables: dict[str, int]


class ScenarioAnalysis(Result):
    scenario_id: str
    complete: bool = True
    """False when the scenario has too many ways through it to search (see ``STATE_BUDGET``);
    then nothing below is known."""
    states: int = 0
    """How many distinct states the search went through (a measure of the scenario's size)."""
    best: int | None
    """Best achievable score; ``None`` when no ending can be reached."""
    worst: int | None
    best_path: tuple[PathChoice, ...]
    best_ending: str | None
    worst_path: tuple[PathChoice, ...]
    worst_ending: str | None
    reachable_endings: tuple[str, ...]
    """Endings some simple path honouring the conditions reaches, in scenario order."""
    reachable_nodes: tuple[str, ...]
    best_choices: dict[str, tuple[int, ...]]
    """Per node: the choice indexes that are best in at least one way of arriving there."""
    stuck: tuple[StuckState, ...]


STATE_BUDGET = 100_000
"""Most states one search may go through. The longest simple path is a hard problem: a large
tangle of loops can have more paths than any machine can try, so such a scenario is reported
as too complex rather than hanging the validator or a page."""


def analyse(scenario: Scenario) -> ScenarioAnalysis:
    """Best and worst achievable scores, their paths, and what can be reached (see the module doc)."""
    return solver_for(scenario).analysis


def successors(scenario: Scenario) -> dict[str, list[str]]:
    """Node id -> the targets its choices name, ignoring conditions (first node of a duplicated id)."""
    graph: dict[str, list[str]] = {}
    for node in scenario.nodes:
        graph.setdefault(node.id, [choice.next for choice in node.choices])
    return graph


def reachability(graph: Mapping[str, Sequence[str]]) -> dict[str, set[str]]:
    """Node -> every node and target reachable from it through choices (itself included)."""
    return {source: reachable(graph, [source]) for source in graph}


def strongly_connected(
    graph: Mapping[str, Sequence[str]], reach: Mapping[str, set[str]] | None = None
) -> dict[str, frozenset[str]]:
    """Node -> the set of nodes that can both reach it and be reached from it (itself included)."""
    reach = reach if reach is not None else reachability(graph)
    return {node: frozenset(other for other in reach[node] if node in reach.get(other, ())) | {node} for node in graph}


def reachable(graph: Mapping[str, Collection[str]], sources: Iterable[str]) -> set[str]:
    """Every node and target reachable through choices from any of ``sources`` (themselves included)."""
    seen = set(sources)
    frontier = list(seen)
    while frontier:
        for target in graph.get(frontier.pop(), ()):
            if target not in seen:
                seen.add(target)
                frontier.append(target)
    return seen


@dataclass(frozen=True)
class _Value:
    """Best and worst score still to come from one state, and how to get them."""

    best: int
    worst: int
    best_choices: tuple[int, ...]
    worst_choice: int | None
    endings: frozenset[str]


class _OverBudgetError(Exception):
    pass


_EMPTY: frozenset[str] = frozenset()


@dataclass
class _Solver:
    """Searches simple paths of one scenario, memoised on the state that decides the future.

    That state is (node, raw trust, variables, visited nodes of the node's strongly connected
    component), where raw trust counts only if a condition on trust lies ahead of the node,
    and variables only those tested ahead; visited nodes outside the component cannot be
    reached again. Without loops every component is one node, so paths collapse into states.
    """

    scenario: Scenario
    budget: int = field(default_factory=lambda: STATE_BUDGET)
    nodes: dict[str, Node] = field(init=False)
    endings: dict[str, Ending] = field(init=False)
    components: dict[str, frozenset[str]] = field(init=False)
    trust_ahead: dict[str, bool] = field(init=False)
    tested_ahead: dict[str, frozenset[str]] = field(init=False)
    tested: frozenset[str] = field(init=False)
    memo: dict[tuple[Any, ...], _Value | None] = field(init=False, default_factory=dict)
    explored: int = field(init=False, default=0)
    lock: threading.Lock = field(init=False, default_factory=threading.Lock)
    too_large: bool = field(init=False, default=False)
    recording: bool = field(init=False, default=True)
    seen_nodes: set[str] = field(init=False, default_factory=set)
    node_best: dict[str, set[int]] = field(init=False, default_factory=dict)
    stuck: dict[tuple[str, int, Variables], None] = field(init=False, default_factory=dict)
    analysis: ScenarioAnalysis = field(init=False)

    def __post_init__(self) -> None:
        self.nodes = {}
        for node in self.scenario.nodes:
            self.nodes.setdefault(node.id, node)
        self.endings = {}
        for ending in self.scenario.endings:
            self.endings.setdefault(ending.id, ending)
        graph = successors(self.scenario)
        reach = reachability(graph)
        self.components = strongly_connected(graph, reach)
        tests = {
            node_id: {choice.when.variable for choice in node.choices if choice.when}
            for node_id, node in self.nodes.items()
        }
        ahead = {
            node_id: set().union(*(tests[other] for other in reach[node_id] if other in tests))
            for node_id in self.nodes
        }
        self.trust_ahead = {node_id: TRUST in variables for node_id, variables in ahead.items()}
        self.tested_ahead = {node_id: frozenset(variables - {TRUST}) for node_id, variables in ahead.items()}
        self.tested = frozenset().union(*self.tested_ahead.values())
        self.analysis = self._analyse()
        self.recording = False

    # The search ------------------------------------------------------------------------

    def value(self, target: str, raw: int, variables: Variables, visited: frozenset[str]) -> _Value | None:
        """What is still to come after moving to ``target``; ``None`` if no ending can be reached."""
        if target not in self.nodes:
            ending = self.endings.get(target)
            if ending is None:
                return None
            return _Value(ending.score, ending.score, (), None, frozenset({target}))
        if target in visited:
            return None
        component = self.components[target]
        tested = self.tested_ahead[target]
        key = (
            target,
            raw if self.trust_ahead[target] else None,
            tuple(pair for pair in variables if pair[0] in tested) if tested else (),
            visited & component if len(component) > 1 else _EMPTY,
        )
        if key in self.memo:
            return self.memo[key]
        self.explored += 1
        if self.explored > self.budget:
            raise _OverBudgetError
        result = self._explore(target, raw, variables, visited | {target})
        self.memo[key] = result
        return result

    def _explore(self, node_id: str, raw: int, variables: Variables, visited: frozenset[str]) -> _Value | None:
        offered = self._offered(node_id, raw, variables)
        if self.recording:
            self.seen_nodes.add(node_id)
            if not offered:
                self.stuck[(node_id, clamp_trust(raw), variables)] = None
        outcomes: dict[int, tuple[int, int, frozenset[str]]] = {}
        for index, choice in offered:
            after = self.value(choice.next, raw + choice.trust, self._apply(choice, variables), visited)
            if after is not None:
                outcomes[index] = (choice.trust + after.best, choice.trust + after.worst, after.endings)
        if not outcomes:
            return None
        best = max(best for best, _, _ in outcomes.values())
        worst = min(worst for _, worst, _ in outcomes.values())
        result = _Value(
            best=best,
            worst=worst,
            best_choices=tuple(index for index, (value, _, _) in outcomes.items() if value == best),
            worst_choice=next(index for index, (_, value, _) in outcomes.items() if value == worst),
            endings=frozenset().union(*(endings for _, _, endings in outcomes.values())),
        )
        if self.recording:
            self.node_best.setdefault(node_id, set()).update(result.best_choices)
        return result

    def _offered(self, node_id: str, raw: int, variables: Variables) -> list[tuple[int, Choice]]:
        trust = clamp_trust(raw)
        values = dict(variables)
        return [
            (index, choice)
            for index, choice in enumerate(self.nodes[node_id].choices)
            if choice.when is None or condition_holds(choice.when, trust, values)
        ]

    def _apply(self, choice: Choice, variables: Variables) -> Variables:
        changes = {name: value for name, value in choice.set.items() if name in self.tested}
        if not changes:
            return variables
        return tuple(sorted({**dict(variables), **changes}.items()))

    def _search(self, target: str, raw: int, variables: Variables) -> _Value | None:
        """One search from a fresh start; ``_OverBudgetError`` past the budget (and forever after)."""
        # Pages of several sessions share one solver; its memo and budget count are per search.
        with self.lock:
            if self.too_large:
                raise _OverBudgetError
            self.explored = 0
            try:
                return self.value(target, raw, variables, _EMPTY)
            except (_OverBudgetError, RecursionError) as error:  # a chain of hundreds of nodes
                self.too_large = True
                self.memo.clear()  # a half-searched tangle is only memory now
                raise _OverBudgetError from error

    # Uses ------------------------------------------------------------------------------

    def choice_values(self, state: RunState) -> dict[int, int | None]:
        """Each available choice's delta plus the best achievable after it (looking forward only)."""
        raw = self.scenario.customer.trust + state.gained
        variables = tuple(pair for pair in state.variables if pair[0] in self.tested)
        values: dict[int, int | None] = {}
        for index, choice in available_choices(self.scenario, state):
            try:
                after = self._search(choice.next, raw + choice.trust, self._apply(choice, variables))
            except _OverBudgetError:
                after = None
            values[index] = None if after is None else choice.trust + after.best
        return values

    def _analyse(self) -> ScenarioAnalysis:
        try:
            root = self._search(self.scenario.start, self.scenario.customer.trust, ())
        except _OverBudgetError:
            return ScenarioAnalysis(
                scenario_id=self.scenario.id,
                complete=False,
                states=self.explored,
                best=None,
                worst=None,
                best_path=(),
                best_ending=None,
                worst_path=(),
                worst_ending=None,
                reachable_endings=(),
                reachable_nodes=(),
                best_choices={},
                stuck=(),
            )
        best_path, best_ending = self._follow(root, lambda value: value.best_choices[0])
        worst_path, worst_ending = self._follow(root, lambda value: value.worst_choice)
        reachable = root.endings if root else _EMPTY
        return ScenarioAnalysis(
            scenario_id=self.scenario.id,
            states=len(self.memo),
            best=root.best if root else None,
            worst=root.worst if root else None,
            best_path=best_path,
            best_ending=best_ending,
            worst_path=worst_path,
            worst_ending=worst_ending,
            reachable_endings=tuple(ending_id for ending_id in self.endings if ending_id in reachable),
            reachable_nodes=tuple(node_id for node_id in self.nodes if node_id in self.seen_nodes),
            best_choices={
                node_id: tuple(sorted(self.node_best[node_id])) for node_id in self.nodes if node_id in self.node_best
            },
            stuck=tuple(
                StuckState(node=node_id, trust=trust, variables=dict(variables))
                for node_id, trust, variables in self.stuck
            ),
        )

    def _follow(
        self, root: _Value | None, pick: Callable[[_Value], int | None]
    ) -> tuple[tuple[PathChoice, ...], str | None]:
        """Walk from the start taking ``pick``'s choice at each node, down to an ending."""
        if root is None:
            return (), None
        variables: Variables = ()
        target, raw, visited, value = self.scenario.start, self.scenario.customer.trust, _EMPTY, root
        path: list[PathChoice] = []
        while target in self.nodes:
            index = pick(value)
            assert index is not None  # a node with a value has a choice leading to an ending
            choice = self.nodes[target].choices[index]
            path.append(PathChoice(node=target, choice=index))
            visited = visited | {target}
            raw, variables, target = raw + choice.trust, self._apply(choice, variables), choice.next
            next_value = self.value(target, raw, variables, visited)
            assert next_value is not None
            value = next_value
        return tuple(path), target


_SOLVERS: dict[int, _Solver] = {}


_SOLVER_CACHE_SIZE = 64


_SOLVERS_LOCK = threading.Lock()


def solver_for(scenario: Scenario) -> _Solver:
    # Keyed by identity: a loaded course is immutable and long-lived, and a pydantic model
    # holding lists cannot be hashed. The solver keeps its scenario alive, so ids are not reused.
    with _SOLVERS_LOCK:
        cached = _SOLVERS.get(id(scenario))
    if cached is not None and cached.scenario is scenario:
        return cached
    solver = _Solver(scenario)  # outside the lock: one slow scenario must not hold up the others
    with _SOLVERS_LOCK:
        if len(_SOLVERS) >= _SOLVER_CACHE_SIZE:
            _SOLVERS.pop(next(iter(_SOLVERS)))
        _SOLVERS[id(scenario)] = solver
    return solver
