"""Checks on a scenario's graph, for the content linter.

``scenario_problems`` returns every problem found, each with a field path relative to the
scenario (``("nodes", 3, "choices", 1, "next")``); the linter puts the module's
``("scenarios", k)`` in front and turns the path into a file line.

Structural checks read the graph as written (ignoring conditions). When the graph itself
is sound (unique ids, every target known), the scenario is also played through
(``scenario_search.analyse``) to find what the conditions make impossible: endings or nodes no
run can reach, and states in which a node offers no choice.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence

from academy.content.schema import Scenario
from academy.engine import scenario_search
from academy.engine._results import Result
from academy.engine.scenario import TRUST
from academy.engine.scenario_search import (
    ScenarioAnalysis,
    StuckState,
    analyse,
    reachable,
    strongly_connected,
    successors,
)

PathPart = str | int


class GraphProblem(Result):
    path: tuple[PathPart, ...]
    """Field path inside the scenario, e.g. ("nodes", 3, "choices", 1, "next")."""
    message: str

    def location(self, prefix: str = "") -> str:
        """The path as text, e.g. ``nodes[3].choices[1].next`` (after ``prefix`` if given)."""
        text = prefix
        for part in self.path:
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
        return text


def scenario_problems(scenario: Scenario) -> list[GraphProblem]:
    """Every problem of the scenario's graph, in the order of the checks below."""
    problems: list[GraphProblem] = []
    node_index = _first_index((node.id for node in scenario.nodes), "nodes", "node", problems)
    ending_index = _first_index((ending.id for ending in scenario.endings), "endings", "ending", problems)
    for ending_id, index in ending_index.items():
        if ending_id in node_index:
            problems.append(
                GraphProblem(
                    path=("endings", index, "id"),
                    message=(
                        f"'{ending_id}' is both a node and an ending id; choices pointing at it would be ambiguous"
                    ),
                )
            )
    problems += _start_problems(scenario, node_index, ending_index)
    problems += _target_problems(scenario, node_index, ending_index)
    sound = not problems
    problems += _variable_problems(scenario)
    if len(ending_index) < 2:
        problems.append(
            GraphProblem(
                path=("endings",),
                message=(f"a scenario needs at least two endings (a good and a bad one); it has {len(ending_index)}"),
            )
        )
    graph = successors(scenario)
    if scenario.start in node_index:
        problems += _reachability_problems(scenario.start, graph, node_index, ending_index)
    traps = _trap_problems(graph, node_index, ending_index)
    problems += traps
    # Playing through a broken graph would only repeat its problems in vaguer words.
    analysis = analyse(scenario) if sound and not traps else None
    problems += _conditional_problems(scenario, analysis)
    if analysis is not None:
        problems += _played_problems(scenario, graph, node_index, ending_index, analysis)
    return problems


def _first_index(ids: Iterable[str], section: str, what: str, problems: list[GraphProblem]) -> dict[str, int]:
    index: dict[str, int] = {}
    for position, item_id in enumerate(ids):
        if item_id in index:
            problems.append(
                GraphProblem(
                    path=(section, position, "id"),
                    message=(f"duplicate {what} id '{item_id}' (first used at {section}[{index[item_id]}])"),
                )
            )
        else:
            index[item_id] = position
    return index


def _known(names: Iterable[str]) -> str:
    return ", ".join(names) or "none"


def _did_you_mean(name: str, candidates: Sequence[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


def _start_problems(
    scenario: Scenario, node_index: Mapping[str, int], ending_index: Mapping[str, int]
) -> list[GraphProblem]:
    if scenario.start in node_index:
        return []
    if scenario.start in ending_index:
        message = f"start must be a node, but '{scenario.start}' is an ending"
    else:
        message = (
            f"'{scenario.start}' is not a node of this scenario; known: {_known(node_index)}"
            f"{_did_you_mean(scenario.start, list(node_index))}"
        )
    return [GraphProblem(path=("start",), message=message)]


def _target_problems(
    scenario: Scenario, node_index: Mapping[str, int], ending_index: Mapping[str, int]
) -> list[GraphProblem]:
    known = [*node_index, *ending_index]
    return [
        GraphProblem(
            path=("nodes", i, "choices", j, "next"),
            message=(
                f"'{choice.next}' is not a node or ending of this scenario; known: {_known(known)}"
                f"{_did_you_mean(choice.next, known)}"
            ),
        )
        for i, node in enumerate(scenario.nodes)
        for j, choice in enumerate(node.choices)
        if choice.next not in node_index and choice.next not in ending_index
    ]


def _variable_problems(scenario: Scenario) -> list[GraphProblem]:
    problems: list[GraphProblem] = []
    set_somewhere = {name for node in scenario.nodes for choice in node.choices for name in choice.set}
    for i, node in enumerate(scenario.nodes):
        for j, choice in enumerate(node.choices):
            if TRUST in choice.set:
                problems.append(
                    GraphProblem(
                        path=("nodes", i, "choices", j, "set", TRUST),
                        message=(
                            "'trust' is the trust meter and cannot be set; change it with the choice's `trust:` delta"
                        ),
                    )
                )
            variable = choice.when.variable if choice.when else None
            if variable is not None and variable != TRUST and variable not in set_somewhere:
                problems.append(
                    GraphProblem(
                        path=("nodes", i, "choices", j, "when", "variable"),
                        message=(
                            f"no choice sets '{variable}', so it is always 0; known: "
                            f"{_known([TRUST, *sorted(set_somewhere - {TRUST})])}"
                            f"{_did_you_mean(variable, [TRUST, *sorted(set_somewhere)])}"
                        ),
                    )
                )
    return problems


def _reachability_problems(
    start: str, graph: Mapping[str, Sequence[str]], node_index: Mapping[str, int], ending_index: Mapping[str, int]
) -> list[GraphProblem]:
    reached = reachable(graph, [start])
    problems = [
        GraphProblem(
            path=("nodes", index),
            message=(f"node '{node_id}' cannot be reached from the start '{start}': no choice leads to it"),
        )
        for node_id, index in node_index.items()
        if node_id not in reached
    ]
    problems += [
        GraphProblem(
            path=("endings", index),
            message=(f"ending '{ending_id}' cannot be reached from the start '{start}': no choice leads to it"),
        )
        for ending_id, index in ending_index.items()
        if ending_id not in reached and ending_id not in node_index
    ]
    return problems


def _trap_problems(
    graph: Mapping[str, Sequence[str]], node_index: Mapping[str, int], ending_index: Mapping[str, int]
) -> list[GraphProblem]:
    """Nodes from which no ending can be reached, one problem per connected group of them."""
    reversed_graph: dict[str, list[str]] = {}
    for source, targets in graph.items():
        for target in targets:
            reversed_graph.setdefault(target, []).append(source)
    can_finish = reachable(reversed_graph, [e for e in ending_index if e not in node_index])
    trapped = [node_id for node_id in node_index if node_id not in can_finish]
    problems = []
    for group in _groups(trapped, graph):
        names = ", ".join(f"'{node_id}'" for node_id in group)
        components = strongly_connected({node_id: graph[node_id] for node_id in group})
        loops = any(len(components[n]) > 1 or n in graph[n] for n in group)
        why = "their choices only lead round a loop with no way out" if loops else "no choice leads on to one"
        problems.append(
            GraphProblem(
                path=("nodes", node_index[group[0]]),
                message=(f"no ending can be reached from {'nodes' if len(group) > 1 else 'node'} {names}: {why}"),
            )
        )
    return problems


def _groups(members: Sequence[str], graph: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """Split ``members`` into groups linked by choices (either way), each in document order."""
    inside = set(members)
    links: dict[str, set[str]] = {member: set() for member in members}
    for member in members:
        for target in graph[member]:
            if target in inside:
                links[member].add(target)
                links[target].add(member)
    groups: list[list[str]] = []
    placed: set[str] = set()
    for member in members:
        if member not in placed:
            group = reachable(links, [member])
            placed |= group
            groups.append([m for m in members if m in group])
    return groups


def _conditional_problems(scenario: Scenario, analysis: ScenarioAnalysis | None) -> list[GraphProblem]:
    stuck: dict[str, StuckState] = {}
    for state in analysis.stuck if analysis else ():
        stuck.setdefault(state.node, state)
    problems = []
    for i, node in enumerate(scenario.nodes):
        if all(choice.when is not None for choice in node.choices):
            example = ""
            if node.id in stuck:
                state = stuck[node.id]
                settings = ", ".join(
                    f"{name} = {value}" for name, value in [(TRUST, state.trust), *sorted(state.variables.items())]
                )
                example = f" (it happens, e.g. with {settings})"
            problems.append(
                GraphProblem(
                    path=("nodes", i, "choices"),
                    message=(
                        f"every choice of node '{node.id}' has a condition: when none holds the learner is stuck"
                        f"{example}; give at least one choice without `when`"
                    ),
                )
            )
    return problems


def _played_problems(
    scenario: Scenario,
    graph: Mapping[str, Sequence[str]],
    node_index: Mapping[str, int],
    ending_index: Mapping[str, int],
    analysis: ScenarioAnalysis,
) -> list[GraphProblem]:
    """What the conditions make impossible, among what the graph alone would allow."""
    if not analysis.complete:
        return [_too_complex(scenario, graph)]
    reached = reachable(graph, [scenario.start])
    if analysis.best is None:
        return [
            GraphProblem(
                path=("start",),
                message=(
                    "no run can reach an ending: on every path without a revisited node, some choice's condition "
                    "fails first"
                ),
            )
        ]
    why = "on every path without a revisited node, the conditions of the choices leading to it fail"
    problems = [
        GraphProblem(path=("nodes", index), message=f"node '{node_id}' can never be reached: {why}")
        for node_id, index in node_index.items()
        if node_id in reached and node_id not in analysis.reachable_nodes
    ]
    problems += [
        GraphProblem(path=("endings", index), message=f"ending '{ending_id}' can never be reached: {why}")
        for ending_id, index in ending_index.items()
        if ending_id in reached and ending_id not in analysis.reachable_endings
    ]
    return problems


def _too_complex(scenario: Scenario, graph: Mapping[str, Sequence[str]]) -> GraphProblem:
    components = strongly_connected(graph)
    tangle = max(components.values(), key=len)
    reads_trust = any(
        choice.when is not None and choice.when.variable == TRUST for node in scenario.nodes for choice in node.choices
    )
    if len(tangle) > 1:
        names = ", ".join(f"'{node_id}'" for node_id in graph if node_id in tangle)
        why = f"the choices leading back among nodes {names} multiply the paths; remove some ways back"
    elif reads_trust:
        why = "the conditions on trust multiply the states; use fewer of them"
    else:
        why = "its paths are too long; split it into several scenarios"
    return GraphProblem(
        path=("nodes",),
        message=(
            "too many ways through this scenario to score it "
            f"(gave up after {scenario_search.STATE_BUDGET:,} states): {why}"
        ),
    )
