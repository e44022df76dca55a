"""Checks of a scenario's graph for the linter: every problem found, each with its field path."""

from __future__ import annotations

from typing import Any

import pytest

from academy.content.schema import Scenario
from academy.engine.graph import GraphProblem, scenario_problems
from tests.test_roleplay_engine import CALL, LOOP, ChoiceSpec, build_scenario, scenario_dict


def problems(scenario: Scenario) -> list[tuple[tuple[Any, ...], str]]:
    return [(problem.path, problem.message) for problem in scenario_problems(scenario)]


def paths(scenario: Scenario) -> list[tuple[Any, ...]]:
    return [problem.path for problem in scenario_problems(scenario)]


def with_nodes(nodes: dict[str, list[ChoiceSpec]], endings: dict[str, int] | None = None, **options: Any) -> Scenario:
    return build_scenario(nodes, endings or {"good": 10, "bad": -10}, **options)


def test_sound_scenarios_have_no_problems() -> None:
    assert problems(CALL) == []
    assert problems(LOOP) == []


def test_duplicate_node_and_ending_ids() -> None:
    data = scenario_dict({"a": [{"next": "b"}], "b": [{"next": "good"}, {"next": "bad"}]}, {"good": 1, "bad": 0})
    data["nodes"].append({**data["nodes"][1], "choices": [{**data["nodes"][1]["choices"][0]}]})
    data["endings"].append({**data["endings"][0], "title": "Again"})
    assert problems(Scenario.model_validate(data)) == [
        (("nodes", 2, "id"), "duplicate node id 'b' (first used at nodes[1])"),
        (("endings", 2, "id"), "duplicate ending id 'good' (first used at endings[0])"),
    ]


def test_an_id_used_by_a_node_and_an_ending() -> None:
    scenario = with_nodes({"a": [{"next": "good"}, {"next": "bad"}], "good": [{"next": "bad"}]})
    assert (
        ("endings", 0, "id"),
        "'good' is both a node and an ending id; choices pointing at it would be ambiguous",
    ) in problems(scenario)


def test_a_choice_to_an_unknown_target_names_the_known_ones() -> None:
    scenario = with_nodes(
        {"node-1": [{"next": "node-3"}, {"next": "good"}], "node-3": [{"next": "bad"}, {"next": "nde-3"}]}
    )
    assert problems(scenario) == [
        (
            ("nodes", 1, "choices", 1, "next"),
            "'nde-3' is not a node or ending of this scenario; known: node-1, node-3, good, bad; "
            "did you mean 'node-3'?",
        ),
    ]


def test_a_missing_start() -> None:
    scenario = with_nodes({"opening": [{"next": "good"}, {"next": "bad"}]}, start="openin")
    assert problems(scenario)[0] == (
        ("start",),
        "'openin' is not a node of this scenario; known: opening; did you mean 'opening'?",
    )


def test_a_start_that_is_an_ending() -> None:
    scenario = with_nodes({"opening": [{"next": "good"}, {"next": "bad"}]}, start="good")
    assert problems(scenario)[0] == (("start",), "start must be a node, but 'good' is an ending")


def test_unreachable_nodes_and_endings() -> None:
    scenario = with_nodes({"a": [{"next": "good"}], "orphan": [{"next": "bad"}]}, {"good": 1, "bad": 0, "never": 0})
    assert problems(scenario) == [
        (("nodes", 1), "node 'orphan' cannot be reached from the start 'a': no choice leads to it"),
        (("endings", 1), "ending 'bad' cannot be reached from the start 'a': no choice leads to it"),
        (("endings", 2), "ending 'never' cannot be reached from the start 'a': no choice leads to it"),
    ]


def test_a_node_whose_choices_are_all_conditional() -> None:
    # The conditions happen to cover every case, yet the next edit could open a gap: flagged anyway.
    scenario = with_nodes(
        {
            "a": [{"next": "b"}, {"next": "b", "trust": -20}],
            "b": [{"next": "good", "when": "trust >= 40"}, {"next": "bad", "when": "trust < 40"}],
        }
    )
    assert problems(scenario) == [
        (
            ("nodes", 1, "choices"),
            "every choice of node 'b' has a condition: when none holds the learner is "
            "stuck; give at least one choice without `when`",
        ),
    ]


def test_a_stuck_state_is_shown_as_an_example() -> None:
    scenario = with_nodes(
        {
            "a": [{"next": "b", "trust": 20, "set": {"asked": 1}}, {"next": "b", "trust": -10}],
            "b": [{"next": "good", "when": "trust >= 70"}, {"next": "bad", "when": "asked == 1"}],
        }
    )
    assert problems(scenario) == [
        (
            ("nodes", 1, "choices"),
            "every choice of node 'b' has a condition: when none holds the learner is "
            "stuck (it happens, e.g. with trust = 40); give at least one choice without `when`",
        ),
    ]


def test_a_loop_with_no_exit() -> None:
    scenario = with_nodes(
        {
            "a": [{"next": "good"}, {"next": "b"}, {"next": "bad"}],
            "b": [{"next": "c"}],
            "c": [{"next": "b"}, {"next": "d"}],
            "d": [{"next": "d"}],
        }
    )
    assert problems(scenario) == [
        (
            ("nodes", 1),
            "no ending can be reached from nodes 'b', 'c', 'd': their choices only lead round a loop with no way out",
        ),
    ]


def test_separate_traps_are_reported_separately() -> None:
    scenario = with_nodes(
        {
            "a": [{"next": "good"}, {"next": "b"}, {"next": "d"}, {"next": "bad"}],
            "b": [{"next": "c"}],
            "c": [{"next": "b"}],
            "d": [{"next": "d"}],
        }
    )
    assert paths(scenario) == [("nodes", 1), ("nodes", 3)]


def test_a_node_leading_only_to_an_unknown_target_is_also_a_trap() -> None:
    scenario = with_nodes({"a": [{"next": "good"}, {"next": "bad"}, {"next": "b"}], "b": [{"next": "nowhere"}]})
    assert [message for _, message in problems(scenario)][1] == (
        "no ending can be reached from node 'b': no choice leads on to one"
    )


def test_fewer_than_two_endings() -> None:
    sound = with_nodes({"a": [{"next": "good"}, {"next": "bad"}]})
    # The schema refuses this already; the check still holds for models built another way.
    one_ending = Scenario.model_construct(**{**dict(sound), "endings": [sound.endings[0]]})
    assert (("endings",), "a scenario needs at least two endings (a good and a bad one); it has 1") in problems(
        one_ending
    )


def test_setting_trust_is_refused() -> None:
    scenario = with_nodes({"a": [{"next": "good", "set": {"trust": 90}}, {"next": "bad"}]})
    assert problems(scenario) == [
        (
            ("nodes", 0, "choices", 0, "set", "trust"),
            "'trust' is the trust meter and cannot be set; change it with the choice's `trust:` delta",
        ),
    ]


def test_a_condition_on_a_variable_nothing_sets() -> None:
    scenario = with_nodes(
        {
            "a": [{"next": "b", "set": {"apologised": 1}}, {"next": "b"}],
            "b": [{"next": "good", "when": "apologized == 1"}, {"next": "bad"}],
        }
    )
    assert problems(scenario)[0] == (
        ("nodes", 1, "choices", 0, "when", "variable"),
        "no choice sets 'apologized', so it is always 0; known: trust, apologised; did you mean 'apologised'?",
    )


def test_an_ending_the_conditions_never_allow() -> None:
    scenario = with_nodes(
        {
            "a": [{"next": "b", "trust": -20}, {"next": "b"}],
            "b": [{"next": "good", "when": "trust > 50"}, {"next": "bad"}],
        }
    )
    assert problems(scenario) == [
        (
            ("endings", 0),
            "ending 'good' can never be reached: on every path without a revisited node, "
            "the conditions of the choices leading to it fail",
        ),
    ]


def test_a_node_the_conditions_never_allow() -> None:
    scenario = with_nodes(
        {"a": [{"next": "b", "when": "trust > 60"}, {"next": "good"}, {"next": "bad"}], "b": [{"next": "good"}]}
    )
    assert paths(scenario) == [("nodes", 1)]


def test_no_ending_reachable_at_all_once_conditions_are_honoured() -> None:
    scenario = with_nodes(
        {
            "a": [{"next": "good", "when": "trust > 60"}, {"next": "b"}],
            "b": [{"next": "bad", "when": "trust > 60"}, {"next": "a"}],
        }
    )
    found = problems(scenario)
    assert found[0][0] == ("start",)
    assert found[0][1].startswith("no run can reach an ending")


def test_every_problem_is_reported_at_once() -> None:
    data = scenario_dict(
        {
            "a": [{"next": "b", "set": {"trust": 1}}, {"next": "gone"}],
            "b": [{"next": "b", "when": "mood == 1"}],
            "island": [{"next": "good"}],
        },
        {"good": 1, "bad": 0},
    )
    data["endings"].append(data["endings"][1])
    assert paths(Scenario.model_validate(data)) == [
        ("endings", 2, "id"),
        ("nodes", 0, "choices", 1, "next"),
        ("nodes", 0, "choices", 0, "set", "trust"),
        ("nodes", 1, "choices", 0, "when", "variable"),
        ("nodes", 2),
        ("endings", 0),
        ("endings", 1),
        ("nodes", 0),  # a and b: a's ways out are b's endless loop and an unknown target
        ("nodes", 1, "choices"),
    ]


def test_a_problem_path_as_text() -> None:
    problem = GraphProblem(path=("nodes", 3, "choices", 1, "next"), message="m")
    assert problem.location() == "nodes[3].choices[1].next"
    assert problem.location("scenarios[0]") == "scenarios[0].nodes[3].choices[1].next"
    assert GraphProblem(path=("start",), message="m").location() == "start"
    assert GraphProblem.from_dict(problem.to_dict()) == problem


def test_a_scenario_too_tangled_to_search(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("academy.engine.scenario_search.STATE_BUDGET", 2)
    tangled = with_nodes(
        {
            "a": [{"next": "b"}, {"next": "good"}],
            "b": [{"next": "a"}, {"next": "c"}],
            "c": [{"next": "b"}, {"next": "bad"}],
        }
    )
    assert problems(tangled) == [
        (
            ("nodes",),
            "too many ways through this scenario to score it (gave up after 2 states): the choices "
            "leading back among nodes 'a', 'b', 'c' multiply the paths; remove some ways back",
        ),
    ]
    straight = with_nodes(
        {
            "a": [{"next": "b", "trust": 5}, {"next": "b"}],
            "b": [{"next": "c", "when": "trust > 50"}, {"next": "c"}],
            "c": [{"next": "good"}, {"next": "bad"}],
        }
    )
    assert problems(straight)[0][1].endswith("the conditions on trust multiply the states; use fewer of them")


def test_a_scenario_too_long_to_search() -> None:
    chain = {f"n{i}": [{"next": f"n{i + 1}" if i < 799 else "good"}, {"next": "bad"}] for i in range(800)}
    assert problems(with_nodes(chain))[0][1].endswith("its paths are too long; split it into several scenarios")
