"""The role-play engine: runs, the trust meter, conditions, decision costs, analysis, debrief."""

from __future__ import annotations

import operator
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from academy.content.schema import Scenario
from academy.engine.roleplay import (
    Debrief,
    RunState,
    SkillTally,
    analyse,
    available_choices,
    choose,
    debrief,
    decisions,
    presentation_order,
    replay,
    scaled_score,
    start,
)

# --- building scenarios from short dicts ------------------------------------------------

ChoiceSpec = dict[str, Any]


def _choice(node_id: str, spec: ChoiceSpec) -> dict[str, Any]:
    choice = {
        "text": f"{node_id} -> {spec['next']}",
        "skills": ["listening"],
        "feedback": f"Feedback on {node_id} -> {spec['next']}.",
        **spec,
    }
    if isinstance(choice.get("when"), str):
        variable, op, value = choice["when"].split()
        choice["when"] = {"variable": variable, "op": op, "value": int(value)}
    return choice


def scenario_dict(
    nodes: dict[str, list[ChoiceSpec]],
    endings: dict[str, int],
    *,
    start: str | None = None,
    trust: int = 50,
    scenario_id: str = "sc",
) -> dict[str, Any]:
    """A scenario as a YAML file would hold it: ``nodes`` maps node id -> choices, ``endings`` id -> score.

    A choice is a dict with ``next`` and any Choice field; ``when`` may be written "trust >= 60".
    """
    outcomes = ["referring", "retained", "wary", "lost", "lost_and_telling"]
    return {
        "id": scenario_id,
        "title": "A scenario",
        "brief": "Help the customer.",
        "customer": {"name": "Sam", "situation": "Invoice is wrong.", "mood": "irritated", "trust": trust},
        "start": start or next(iter(nodes)),
        "nodes": [
            {
                "id": node_id,
                "customer": f"Customer at {node_id}.",
                "choices": [_choice(node_id, spec) for spec in choices],
            }
            for node_id, choices in nodes.items()
        ],
        "endings": [
            {
                "id": ending_id,
                "outcome": outcomes[index % len(outcomes)],
                "title": ending_id.title(),
                "debrief": f"Debrief {ending_id}.",
                "score": score,
            }
            for index, (ending_id, score) in enumerate(endings.items())
        ],
        "sources": ["customer-keeping"],
    }


def build_scenario(nodes: dict[str, list[ChoiceSpec]], endings: dict[str, int], **options: Any) -> Scenario:
    return Scenario.model_validate(scenario_dict(nodes, endings, **options))


# Hand-computed below: customer trust 50.
#   greet 0 apologise +10 (trust 60, apologised=1) -> listen: fix 5+5=10, upsell 15+20=35, remind 5+20=25
#   greet 1 blame -20 (trust 30) -> angry: calm 15 + listen(trust 45: only fix, 10) = 25, argue -10-30 = -40
#   greet 2 deflect -5 (trust 45) -> listen: only fix, 10
# best 45 (apologise, upsell, referring); worst -60 (blame, argue, lost).
CALL = build_scenario(
    {
        "greet": [
            {"next": "listen", "trust": 10, "set": {"apologised": 1}, "skills": ["empathy"]},
            {"next": "angry", "trust": -20, "skills": ["ownership"]},
            {"next": "listen", "trust": -5, "skills": ["empathy", "listening"]},
        ],
        "listen": [
            {"next": "retained", "trust": 5, "skills": ["ownership"]},
            {"next": "referring", "trust": 15, "when": "trust >= 60", "skills": ["follow-through"]},
            {"next": "referring", "trust": 5, "when": "apologised == 1", "skills": ["empathy"]},
        ],
        "angry": [
            {"next": "listen", "trust": 15, "skills": ["empathy"]},
            {"next": "lost", "trust": -10, "skills": ["ownership"]},
        ],
    },
    {"referring": 20, "retained": 5, "lost": -30},
)

# A loop: going to "b" is a detour the learner can undo by going back (at -5).
#   simple paths from a: a->good 10; a->b->bad -20 (a->b->a revisits a). best 10, worst -20.
LOOP = build_scenario(
    {"a": [{"next": "good"}, {"next": "b"}], "b": [{"next": "a", "trust": -5}, {"next": "bad"}]},
    {"good": 10, "bad": -20},
)


def play(scenario: Scenario, *indexes: int) -> tuple[RunState, list[Any]]:
    state, outcomes = start(scenario), []
    for index in indexes:
        state, outcome = choose(scenario, state, index)
        outcomes.append(outcome)
    return state, outcomes


# --- runs -------------------------------------------------------------------------------


def test_a_run_starts_at_the_start_with_the_customers_trust() -> None:
    state = start(CALL)
    assert (state.scenario_id, state.node, state.trust, state.score, state.finished) == ("sc", "greet", 50, 0, False)
    assert state.path == ()


def test_a_choice_moves_the_run_and_the_meter() -> None:
    state, (outcome,) = play(CALL, 0)
    assert (state.node, state.trust, state.gained, state.score) == ("listen", 60, 10, 10)
    assert state.variable("apologised") == 1
    assert state.variable("never-set") == 0
    assert state.variable("trust") == 60
    assert (outcome.node, outcome.choice_index, outcome.trust_before, outcome.trust_after) == ("greet", 0, 50, 60)
    assert (outcome.next_node, outcome.ending, outcome.finished) == ("listen", None, False)
    assert outcome.feedback == "Feedback on greet -> listen."
    assert [(s.node, s.choice, s.trust_delta, s.trust_after) for s in state.path] == [("greet", 0, 10, 60)]


def test_reaching_an_ending_adds_its_score() -> None:
    state, outcomes = play(CALL, 0, 1)
    assert (state.finished, state.ending, state.node) == (True, "referring", "referring")
    assert (state.gained, state.score, state.trust) == (25, 45, 75)
    assert outcomes[-1].ending is not None
    assert outcomes[-1].ending.id == "referring"
    assert outcomes[-1].next_node is None
    assert available_choices(CALL, state) == []


def test_conditions_show_and_hide_choices() -> None:
    after_apology, _ = play(CALL, 0)  # trust 60, apologised = 1
    assert [index for index, _ in available_choices(CALL, after_apology)] == [0, 1, 2]
    after_deflecting, _ = play(CALL, 2)  # trust 45, nothing set
    assert [index for index, _ in available_choices(CALL, after_deflecting)] == [0]
    choice_texts = [choice.text for _, choice in available_choices(CALL, after_deflecting)]
    assert choice_texts == ["listen -> retained"]


def test_a_condition_on_trust_reads_the_meter_at_that_moment() -> None:
    scenario = build_scenario(
        {
            "a": [{"next": "b", "trust": 9}, {"next": "b", "trust": 10}],
            "b": [{"next": "end"}, {"next": "top", "when": "trust > 59"}],
        },
        {"end": 0, "top": 10},
    )
    assert [i for i, _ in available_choices(scenario, play(scenario, 0)[0])] == [0]
    assert [i for i, _ in available_choices(scenario, play(scenario, 1)[0])] == [0, 1]


def test_an_unavailable_choice_is_refused() -> None:
    state, _ = play(CALL, 2)
    with pytest.raises(ValueError, match=re.escape("choice 1 is not available at node 'listen'; available: [0]")):
        choose(CALL, state, 1)
    with pytest.raises(ValueError, match="choice 7 is not available"):
        choose(CALL, state, 7)
    with pytest.raises(ValueError, match="choice -1 is not available"):
        choose(CALL, state, -1)


def test_a_finished_run_or_another_scenarios_run_is_refused() -> None:
    finished, _ = play(CALL, 0, 0)
    with pytest.raises(ValueError, match="already ended at 'retained'"):
        choose(CALL, finished, 0)
    with pytest.raises(ValueError, match="belongs to scenario 'other'"):
        choose(CALL, start(CALL).model_copy(update={"scenario_id": "other"}), 0)


def test_the_meter_clamps_the_total_not_each_step() -> None:
    scenario = build_scenario(
        {
            "a": [{"next": "b", "trust": 10}],
            "b": [{"next": "c", "trust": 10}],
            "c": [{"next": "d", "trust": -10}],
            "d": [{"next": "e", "trust": -100}],
            "e": [{"next": "f", "trust": -10}],
            "f": [{"next": "x"}, {"next": "y"}],
        },
        {"x": 0, "y": 0},
        trust=95,
    )
    state, _ = play(scenario, 0, 0, 0, 0, 0)
    # 95+10 = 105 -> 100; 115 -> 100; 105 -> 100 (still above the top); 5; -5 -> 0.
    assert [step.trust_after for step in state.path] == [100, 100, 100, 5, 0]
    assert state.gained == -100


def test_replay_equals_live_play() -> None:
    for indexes in [(0, 1), (1, 0, 0), (2, 0), (1, 1)]:
        live, _ = play(CALL, *indexes)
        assert replay(CALL, indexes) == live
        assert live.choices_made == indexes


def test_replay_refuses_a_choice_no_longer_possible() -> None:
    with pytest.raises(ValueError, match="cannot replay decision 2: choice 1 is not available at node 'listen'"):
        replay(CALL, [2, 1])


def test_a_run_round_trips_through_plain_dicts() -> None:
    state, _ = play(CALL, 0)
    stored = state.to_dict()
    assert stored["variables"] == {"apologised": 1}
    assert RunState.from_dict(stored) == state
    with pytest.raises(TypeError):
        state.variables["x"] = 1  # type: ignore[index]


# --- cost of each decision --------------------------------------------------------------


def test_each_decision_costs_the_gap_to_the_best_choice() -> None:
    _, (first,) = play(CALL, 0)
    assert (first.cost, first.best_choices) == (0, (0,))
    _, (blame, calm, fix) = play(CALL, 1, 0, 0)
    # Before: best 45. After blaming: -20 + calm 15 + fix 5 + retained 5 = 5 at best.
    assert blame.cost == 40
    assert calm.cost == 0  # calm (25 to come) beats arguing (-40)
    assert fix.cost == 0  # the only choice left
    _, (_, fix_instead) = play(CALL, 0, 0)
    assert fix_instead.cost == 25  # upsell 35 vs fix 10
    assert fix_instead.best_choices == (1,)


def test_costs_add_up_to_the_gap_between_best_and_score() -> None:
    best = analyse(CALL).best
    assert best is not None
    for indexes in [(0, 0), (0, 1), (0, 2), (1, 0, 0), (1, 1), (2, 0)]:
        state, outcomes = play(CALL, *indexes)
        assert sum(outcome.cost for outcome in outcomes) == best - state.score


def test_a_detour_costs_only_what_going_back_costs() -> None:
    state, (detour, back, finish) = play(LOOP, 1, 0, 0)
    # From a: good 10; via b the best is back to a (-5) and on to good (10): 5.
    assert detour.cost == 5
    assert back.cost == 0  # back (-5 + 10) beats bad (-20)
    assert finish.cost == 0
    assert state.score == 5
    assert detour.cost + back.cost + finish.cost == 10 - state.score


def test_a_choice_into_a_dead_end_has_no_cost() -> None:
    # "trap" is only left through a condition that never holds, so nothing can follow it.
    scenario = build_scenario(
        {"a": [{"next": "end"}, {"next": "trap"}], "trap": [{"next": "end", "when": "trust > 100"}]},
        {"end": 3, "other": 0},
    )
    _, (into_trap,) = play(scenario, 1)
    assert into_trap.cost is None
    assert into_trap.best_choices == (0,)


# --- analysis ---------------------------------------------------------------------------


def test_analysis_honours_conditions_and_state() -> None:
    analysis = analyse(CALL)
    assert (analysis.best, analysis.worst) == (45, -60)
    assert [(step.node, step.choice) for step in analysis.best_path] == [("greet", 0), ("listen", 1)]
    assert analysis.best_ending == "referring"
    assert [(step.node, step.choice) for step in analysis.worst_path] == [("greet", 1), ("angry", 1)]
    assert analysis.worst_ending == "lost"
    assert analysis.reachable_endings == ("referring", "retained", "lost")
    assert analysis.reachable_nodes == ("greet", "listen", "angry")
    # listen: upsell after the apology; fix when trust is only 45.
    assert analysis.best_choices == {"greet": (0,), "listen": (0, 1), "angry": (0,)}
    assert analysis.stuck == ()


def test_the_best_path_replays_to_the_best_score() -> None:
    analysis = analyse(CALL)
    best = replay(CALL, [step.choice for step in analysis.best_path])
    worst = replay(CALL, [step.choice for step in analysis.worst_path])
    assert (best.score, best.ending) == (analysis.best, analysis.best_ending)
    assert (worst.score, worst.ending) == (analysis.worst, analysis.worst_ending)


def test_analysis_never_revisits_a_node() -> None:
    analysis = analyse(LOOP)
    assert (analysis.best, analysis.worst) == (10, -20)
    # A loop that gains trust cannot be farmed: a -> b -> a is not a simple path.
    farm = build_scenario(
        {"a": [{"next": "b", "trust": 10}, {"next": "x"}], "b": [{"next": "a", "trust": 10}, {"next": "y"}]},
        {"x": 0, "y": 0},
    )
    assert (analyse(farm).best, analyse(farm).worst) == (10, 0)


def test_a_self_loop_is_not_taken_by_the_analysis() -> None:
    scenario = build_scenario(
        {"a": [{"next": "a", "trust": 30}, {"next": "x", "trust": 1}, {"next": "y"}]}, {"x": 0, "y": -5}
    )
    assert (analyse(scenario).best, analyse(scenario).worst) == (1, -5)


def test_an_ending_behind_a_revisit_is_not_reachable() -> None:
    # The great ending needs asking first and coming back to "a", which no simple path does.
    scenario = build_scenario(
        {
            "a": [{"next": "b", "set": {"asked": 1}}, {"next": "great", "when": "asked == 1"}, {"next": "ok"}],
            "b": [{"next": "a"}, {"next": "ok"}],
        },
        {"great": 30, "ok": 5},
    )
    analysis = analyse(scenario)
    assert analysis.reachable_endings == ("ok",)
    assert analysis.best == 5


def test_analysis_reports_states_where_the_learner_is_stuck() -> None:
    scenario = build_scenario(
        {
            "a": [{"next": "b", "trust": -20}, {"next": "b", "trust": 20}],
            "b": [{"next": "x", "when": "trust >= 60"}, {"next": "y", "when": "trust < 20"}],
        },
        {"x": 10, "y": 0},
    )
    analysis = analyse(scenario)
    assert [(s.node, s.trust, s.variables) for s in analysis.stuck] == [("b", 30, {})]
    assert (analysis.best, analysis.worst) == (30, 30)


def test_no_reachable_ending_gives_no_best() -> None:
    scenario = build_scenario({"a": [{"next": "x", "when": "trust > 90"}]}, {"x": 0, "y": 0})
    analysis = analyse(scenario)
    assert (analysis.best, analysis.worst, analysis.best_path, analysis.best_ending) == (None, None, (), None)
    assert analysis.reachable_endings == ()


def test_variables_set_on_the_way_change_the_best() -> None:
    # The bonus needs the flag; the flag costs 5 up front; the bonus is worth it.
    scenario = build_scenario(
        {
            "a": [{"next": "b", "trust": -5, "set": {"flag": 1}}, {"next": "b"}],
            "b": [{"next": "x"}, {"next": "x", "trust": 20, "when": "flag == 1"}, {"next": "x", "set": {"flag": 0}}],
        },
        {"x": 0, "z": 0},
    )
    analysis = analyse(scenario)
    assert (analysis.best, analysis.worst) == (15, -5)
    assert [step.choice for step in analysis.best_path] == [0, 1]


def test_a_forty_node_scenario_with_loops_and_conditions_is_analysed() -> None:
    scenario = _ladder(40)
    analysis = analyse(scenario)
    # Each rung: +3 forward, or +1 forward; the last rung's bonus needs trust >= 100 (50 + 3*17).
    assert analysis.best == 3 * 39 + 50
    assert analysis.worst == 39 * 1 - 50
    assert len(analysis.reachable_nodes) == 40


def _ladder(size: int) -> Scenario:
    nodes: dict[str, list[ChoiceSpec]] = {}
    for rung in range(size - 1):
        nodes[f"n{rung}"] = [
            {"next": f"n{rung + 1}", "trust": 3},
            {"next": f"n{rung + 1}", "trust": 1},
            {"next": f"n{max(rung - 2, 0)}", "trust": -1},
        ]
    nodes[f"n{size - 1}"] = [{"next": "top", "when": "trust >= 100"}, {"next": "bottom"}]
    return build_scenario(nodes, {"top": 50, "bottom": -50})


# --- debrief ----------------------------------------------------------------------------


def test_debrief_puts_the_score_in_proportion() -> None:
    state, _ = play(CALL, 2, 0)  # deflect -5, fix +5, retained +5
    result = debrief(CALL, state)
    assert (result.score, result.best, result.worst) == (5, 45, -60)
    assert result.scaled == pytest.approx((5 + 60) / (45 + 60))
    assert (result.outcome, result.ending.id, result.trust) == ("retained", "retained", 50)
    assert [(d.node, d.choice, d.cost, d.trust_delta) for d in result.decisions] == [
        ("greet", 2, 40, -5),
        ("listen", 0, 0, 5),
    ]
    assert [(step.node, step.choice) for step in result.best_path] == [("greet", 0), ("listen", 1)]


def test_debrief_counts_skills_that_helped_and_hurt() -> None:
    state, _ = play(CALL, 2, 0)
    # deflect (cost 40, -5: hurt) is tagged empathy and listening; fix (cost 0: helped) ownership.
    assert debrief(CALL, state).skills == (
        SkillTally(skill="empathy", helped=0, hurt=1),
        SkillTally(skill="listening", helped=0, hurt=1),
        SkillTally(skill="ownership", helped=1, hurt=0),
    )
    state, _ = play(CALL, 1, 0, 0)
    # blame (cost 40: hurt, ownership), calm (cost 0: helped, empathy), fix (helped, ownership).
    assert debrief(CALL, state).skills == (
        SkillTally(skill="ownership", helped=1, hurt=1),
        SkillTally(skill="empathy", helped=1, hurt=0),
    )


def test_a_costly_choice_that_still_raised_trust_helped() -> None:
    state, outcomes = play(CALL, 0, 0)  # fix: +5 trust but upsell was 25 better
    assert outcomes[1].cost == 25
    made = decisions(CALL, state)
    assert made[1].helped


def test_debrief_of_the_best_and_worst_runs() -> None:
    assert debrief(CALL, play(CALL, 0, 1)[0]).scaled == 1.0
    assert debrief(CALL, play(CALL, 1, 1)[0]).scaled == 0.0


def test_debrief_scales_to_one_when_best_equals_worst() -> None:
    scenario = build_scenario({"a": [{"next": "x", "trust": 5}, {"next": "y", "trust": 10}]}, {"x": 5, "y": 0})
    result = debrief(scenario, play(scenario, 0)[0])
    assert (result.best, result.worst, result.scaled) == (10, 10, 1.0)


def test_debrief_needs_a_finished_run() -> None:
    with pytest.raises(ValueError, match="finished run"):
        debrief(CALL, play(CALL, 0)[0])
    assert [d.cost for d in decisions(CALL, play(CALL, 1)[0])] == [40]


def test_a_debrief_round_trips_through_plain_dicts() -> None:
    result = debrief(CALL, play(CALL, 1, 0, 0)[0])
    assert Debrief.from_dict(result.to_dict()) == result


# --- properties against a brute-force walk of every simple path --------------------------

_OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq, "!=": operator.ne}


def brute_force(
    scenario: Scenario, origin: str | None = None, raw: int | None = None, variables: dict[str, int] | None = None
) -> list[tuple[int, str]]:
    """(score still to come, ending) of every simple path from ``origin`` (the start by default)
    with the raw trust and variables given, written independently of the engine."""
    nodes = {node.id: node for node in scenario.nodes}
    endings = {ending.id: ending.score for ending in scenario.endings}
    finished: list[tuple[int, str]] = []

    def walk(target: str, raw: int, variables: dict[str, int], visited: frozenset[str], score: int) -> None:
        if target in endings:
            finished.append((score + endings[target], target))
            return
        if target in visited:
            return
        meter = max(0, min(100, raw))
        for choice in nodes[target].choices:
            when = choice.when
            if when is not None:
                value = meter if when.variable == "trust" else variables.get(when.variable, 0)
                if not _OPS[when.op](value, when.value):
                    continue
            walk(choice.next, raw + choice.trust, {**variables, **choice.set}, visited | {target}, score + choice.trust)

    walk(origin or scenario.start, scenario.customer.trust if raw is None else raw, variables or {}, frozenset(), 0)
    return finished


def brute_force_cost(scenario: Scenario, state: RunState, index: int) -> int | None:
    """Best of (delta + best still to come) over the choices offered, minus that of choice ``index``."""
    raw = scenario.customer.trust + state.gained
    values = {}
    for offered, choice in available_choices(scenario, state):
        after = brute_force(scenario, choice.next, raw + choice.trust, {**dict(state.variables), **choice.set})
        values[offered] = choice.trust + max(score for score, _ in after) if after else None
    known = [value for value in values.values() if value is not None]
    return None if values[index] is None or not known else max(known) - values[index]


@st.composite
def random_scenarios(draw: st.DrawFn, acyclic: bool = False) -> Scenario:
    size = draw(st.integers(min_value=1, max_value=6))
    node_ids = [f"n{i}" for i in range(size)]
    endings = {f"e{i}": draw(st.integers(-30, 30)) for i in range(draw(st.integers(2, 3)))}
    conditions = st.one_of(
        st.none(),
        st.builds(lambda op, value: f"trust {op} {value}", st.sampled_from(list(_OPS)), st.integers(20, 80)),
        st.builds(lambda op, value: f"flag {op} {value}", st.sampled_from(list(_OPS)), st.integers(0, 1)),
    )
    nodes: dict[str, list[ChoiceSpec]] = {}
    for position, node_id in enumerate(node_ids):
        targets = (node_ids[position + 1 :] if acyclic else node_ids) + list(endings)
        nodes[node_id] = [
            {
                "next": draw(st.sampled_from(targets)),
                "trust": draw(st.integers(-25, 25)),
                **({"when": when} if (when := draw(conditions)) else {}),
                **({"set": {"flag": flag}} if (flag := draw(st.sampled_from([None, 0, 1]))) is not None else {}),
            }
            for _ in range(draw(st.integers(1, 3)))
        ]
    return build_scenario(nodes, endings, trust=draw(st.integers(0, 100)))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=random_scenarios())
def test_analysis_matches_every_simple_path(scenario: Scenario) -> None:
    paths = brute_force(scenario)
    analysis = analyse(scenario)
    if not paths:
        assert (analysis.best, analysis.worst, analysis.reachable_endings) == (None, None, ())
        return
    assert analysis.best == max(score for score, _ in paths)
    assert analysis.worst == min(score for score, _ in paths)
    assert set(analysis.reachable_endings) == {ending for _, ending in paths}
    best = replay(scenario, [step.choice for step in analysis.best_path])
    assert (best.score, best.ending) == (analysis.best, analysis.best_ending)
    worst = replay(scenario, [step.choice for step in analysis.worst_path])
    assert (worst.score, worst.ending) == (analysis.worst, analysis.worst_ending)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=random_scenarios(), data=st.data())
def test_any_live_run_has_fair_costs_and_replays(scenario: Scenario, data: st.DataObject) -> None:
    state = start(scenario)
    for _ in range(12):
        offered = available_choices(scenario, state)
        if not offered:
            break
        index = data.draw(st.sampled_from([i for i, _ in offered]))
        expected_cost = brute_force_cost(scenario, state, index)
        state, outcome = choose(scenario, state, index)
        assert outcome.cost == expected_cost
        assert outcome.cost is None or outcome.cost >= 0
        assert (outcome.cost == 0) == (index in outcome.best_choices)
        assert outcome.trust_after == max(0, min(100, scenario.customer.trust + state.gained))
    assert replay(scenario, state.choices_made) == state


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=random_scenarios(acyclic=True), data=st.data())
def test_without_loops_costs_add_up_and_scores_stay_in_range(scenario: Scenario, data: st.DataObject) -> None:
    state, costs = start(scenario), []
    while offered := available_choices(scenario, state):
        state, outcome = choose(scenario, state, data.draw(st.sampled_from([i for i, _ in offered])))
        costs.append(outcome.cost)
    if not state.finished:
        return  # stuck at a node whose conditions all fail
    analysis = analyse(scenario)
    assert analysis.best is not None
    assert analysis.worst is not None
    assert analysis.worst <= state.score <= analysis.best
    assert sum(costs) == analysis.best - state.score
    assert 0.0 <= debrief(scenario, state).scaled <= 1.0


def test_a_scenario_too_tangled_to_search_is_reported_not_searched_forever(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("academy.engine.scenario_search.STATE_BUDGET", 2)
    scenario = Scenario.model_validate(CALL.model_dump())  # a new object: no cached analysis
    analysis = analyse(scenario)
    assert (analysis.complete, analysis.best, analysis.reachable_endings) == (False, None, ())
    # Play goes on; costs are simply unknown.
    state, outcomes = play(scenario, 0, 1)
    assert [outcome.cost for outcome in outcomes] == [None, None]
    assert (debrief(scenario, state).score, debrief(scenario, state).scaled) == (45, 1.0)


def test_a_chain_too_long_to_search_is_reported_not_crashed() -> None:
    chain = {f"n{i}": [{"next": f"n{i + 1}" if i < 799 else "x", "trust": 1}, {"next": "y"}] for i in range(800)}
    scenario = build_scenario(chain, {"x": 0, "y": 0})
    assert analyse(scenario).complete is False
    state, outcome = choose(scenario, start(scenario), 0)
    assert (state.node, outcome.cost) == ("n1", None)


@pytest.mark.parametrize(
    ("score", "best", "worst", "scaled"),
    [
        (5, 45, -60, 65 / 105),
        (45, 45, -60, 1.0),
        (-60, 45, -60, 0.0),
        (50, 45, -60, 1.0),
        (-70, 45, -60, 0.0),
        (10, 10, 10, 1.0),
    ],
)
def test_scaled_score(score: int, best: int, worst: int, scaled: float) -> None:
    assert scaled_score(score, best, worst) == pytest.approx(scaled)


def test_presentation_order_is_a_stable_shuffle_of_the_offered_choices() -> None:
    choices = [(index, f"choice {index}") for index in range(4)]
    first = presentation_order(choices, "run-1:0")  # type: ignore[arg-type]
    assert sorted(first) == choices
    assert presentation_order(choices, "run-1:0") == first  # type: ignore[arg-type]
    orders = {tuple(presentation_order(choices, f"run-{n}:0")) for n in range(40)}  # type: ignore[arg-type]
    assert len(orders) > 5  # different runs see different orders
    leading = {order[0][0] for order in orders}
    assert leading == {0, 1, 2, 3}  # the first-written choice is not always shown first
