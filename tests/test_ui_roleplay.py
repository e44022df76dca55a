"""Role-play player (AppTest): chat, feedback, trust meter, every choice saved, resume, debrief, replay."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from academy.content.schema import Scenario
from academy.engine import roleplay as engine
from academy.store import User
from academy.ui import text
from tests.ui_helpers import World, button, no_exceptions, texts, world

__all__ = ["world"]

MODULE = "customer-creation"


def scenario_of(world: World) -> Scenario:
    return world.course.module(MODULE).scenarios[0]


def started(world: World, learner: User) -> AppTest:
    scenario = scenario_of(world)
    at = world.app(learner, "roleplay", module=MODULE, scenario=scenario.id)
    button(at, "Start the role-play").click().run()
    no_exceptions(at)
    return at


def choice_buttons(at: AppTest) -> list:
    return [element for element in at.button if element.key and element.key.startswith("choice-")]


def choose(at: AppTest, scenario: Scenario, state: engine.RunState, index: int) -> engine.RunState:
    choice = dict(engine.available_choices(scenario, state))[index]
    next(element for element in choice_buttons(at) if element.label == text.course(choice.text)).click().run()
    no_exceptions(at)
    return engine.choose(scenario, state, index)[0]


def test_before_starting_the_brief_and_customer_are_shown(world: World) -> None:
    scenario = scenario_of(world)
    at = world.app(world.user("ana"), "roleplay", module=MODULE, scenario=scenario.id)
    shown = texts(at)
    assert text.course(scenario.brief) in shown
    assert text.course(scenario.customer.name) in shown
    assert not choice_buttons(at)


def test_starting_shows_the_customer_the_choices_and_the_trust_meter(world: World) -> None:
    learner = world.user("ana")
    scenario = scenario_of(world)
    at = started(world, learner)
    run = world.store.in_progress_run(learner.id, scenario.id)
    assert run is not None
    state = engine.start(scenario)
    first = next(node for node in scenario.nodes if node.id == scenario.start)
    assert [message.name for message in at.chat_message] == ["customer"]
    assert text.course(first.customer) in texts(at)
    shown = engine.presentation_order(engine.available_choices(scenario, state), f"{run.id}:0")
    assert [element.label for element in choice_buttons(at)] == [text.course(choice.text) for _, choice in shown]
    meter = at.get("progress")[0].proto
    assert meter.value == state.trust
    assert f"{state.trust} / 100" in meter.text


def test_each_choice_is_saved_at_once_with_feedback_and_the_new_trust(world: World) -> None:
    learner = world.user("ana")
    scenario = scenario_of(world)
    at = started(world, learner)
    state = engine.start(scenario)
    index = engine.available_choices(scenario, state)[-1][0]
    after, outcome = engine.choose(scenario, state, index)
    choose(at, scenario, state, index)
    run = world.store.in_progress_run(learner.id, scenario.id)
    assert run is not None
    assert run.path == (index,)
    assert run.choices[0].cost == outcome.cost
    assert text.course(outcome.feedback) in at.info[-1].value
    assert at.get("progress")[0].proto.value == after.trust
    assert [message.name for message in at.chat_message] == ["customer", "rep", "customer"]


def test_a_new_session_resumes_the_run_exactly(world: World) -> None:
    learner = world.user("ana")
    scenario = scenario_of(world)
    at = started(world, learner)
    state = engine.start(scenario)
    for step in engine.analyse(scenario).best_path[:2]:
        state = choose(at, scenario, state, step.choice)
    again = world.app(learner, "roleplay", module=MODULE, scenario=scenario.id)  # a reload: a fresh session
    no_exceptions(again)
    assert [message.name for message in again.chat_message] == ["customer", "rep", "customer", "rep", "customer"]
    run = world.store.in_progress_run(learner.id, scenario.id)
    assert run is not None
    # The same buttons in the same order as before the reload.
    shown = engine.presentation_order(engine.available_choices(scenario, state), f"{run.id}:2")
    assert [element.label for element in choice_buttons(again)] == [text.course(choice.text) for _, choice in shown]
    assert [element.label for element in choice_buttons(again)] == [element.label for element in choice_buttons(at)]
    assert again.get("progress")[0].proto.value == state.trust


def test_a_stale_second_tab_cannot_add_a_choice(world: World) -> None:
    learner = world.user("ana")
    scenario = scenario_of(world)
    first_tab = started(world, learner)
    second_tab = world.app(learner, "roleplay", module=MODULE, scenario=scenario.id)
    state = engine.start(scenario)
    options = [index for index, _ in engine.available_choices(scenario, state)]
    choose(first_tab, scenario, state, options[0])
    choose(second_tab, scenario, state, options[1])  # the button of an earlier step, clicked late
    run = world.store.in_progress_run(learner.id, scenario.id)
    assert run is not None
    assert run.path == (options[0],)


def test_an_ending_shows_the_debrief_and_saves_the_run(world: World) -> None:
    learner = world.user("ana")
    scenario = scenario_of(world)
    at = started(world, learner)
    state = engine.start(scenario)
    worst = engine.analyse(scenario).worst_path
    for step in worst:
        state = choose(at, scenario, state, step.choice)
    assert state.finished
    debrief = engine.debrief(scenario, state)
    runs = world.store.runs(learner.id, scenario_id=scenario.id)
    assert [(run.status, run.ending_id, run.score, run.best) for run in runs] == [
        ("finished", debrief.ending.id, debrief.score, debrief.best)
    ]
    shown = texts(at)
    assert f"Debrief: {text.course(debrief.ending.title)}" in shown
    assert f"{debrief.scaled:.0%} of the best" in [metric.value for metric in at.metric]
    assert f"{debrief.score:+d} points; best possible {debrief.best:+d}, worst {debrief.worst:+d}" in [
        caption.value for caption in at.caption
    ]
    for decision in debrief.decisions:
        assert text.course(decision.text) in shown
        if decision.cost:
            assert f"cost {decision.cost} points" in shown
    for tally in debrief.skills:
        assert f"**{text.course(tally.skill)}**: helped {tally.helped}×, hurt {tally.hurt}×" in shown
    assert not choice_buttons(at)


def test_play_again_starts_a_new_run_and_start_over_abandons_the_open_one(world: World) -> None:
    learner = world.user("ana")
    scenario = scenario_of(world)
    at = started(world, learner)
    state = engine.start(scenario)
    for step in engine.analyse(scenario).best_path:
        state = choose(at, scenario, state, step.choice)
    button(at, "Play again").click().run()
    state = choose(at, scenario, engine.start(scenario), engine.analyse(scenario).best_path[0].choice)
    button(at, "Start over").click().run()
    statuses = [run.status for run in world.store.runs(learner.id, scenario_id=scenario.id)]
    assert statuses == ["finished", "abandoned", "in_progress"]
    assert [message.name for message in at.chat_message] == ["customer"]
