"""Role-play player: a chat with the customer, a trust meter, feedback on every choice, a debrief.

The run lives in the store: every choice is saved the moment it is made, and the page
rebuilds the conversation from the stored path with ``engine.roleplay.replay``, so a
reload or a server restart continues exactly where the learner was.
"""

from __future__ import annotations

import contextlib

import streamlit as st

from academy import learning
from academy.auth import User
from academy.content.outcomes import outcome_kind
from academy.content.schema import Module, Node, Scenario
from academy.engine import roleplay as engine
from academy.store import InvalidActionError, Run, RunClosedError
from academy.ui import navigation, session, widgets, words
from academy.ui.navigation import LEARNERS, PageSpec
from academy.ui.text import course as md

URL = "roleplay"
CUSTOMER_AVATAR = ":material/person:"
REP_AVATAR = ":material/support_agent:"
# The newest customer line (or the debrief) sits in a container with this key; after a decision the
# page scrolls it to the top, so on a phone the reply and the next choices are not below the fold.
LATEST = "roleplay-latest"
JUST_CHOSE = "roleplay-just-chose"


def render() -> None:
    user = session.require_role(LEARNERS)
    navigation.title(URL)
    module = widgets.pick_module(keep=("scenario",))
    if module is None:
        return
    if not module.scenarios:
        st.info("This module has no role-plays.", icon=":material/info:")
        return
    scenario = _pick_scenario(module)
    store = session.store()
    open_run = store.in_progress_run(user.id, scenario.id)
    if open_run is not None:
        _play(scenario, open_run)
        return
    finished = [run for run in store.runs(user.id, scenario_id=scenario.id) if run.finished]
    if finished:
        _show_finished(user, module, scenario, finished)
    else:
        _brief(scenario)
        st.button(
            "Start the role-play",
            type="primary",
            icon=":material/play_arrow:",
            key=f"start-{scenario.id}",
            on_click=_start,
            args=(user, module, scenario),
        )


def _pick_scenario(module: Module) -> Scenario:
    ids = [scenario.id for scenario in module.scenarios]
    titles = {scenario.id: scenario.title for scenario in module.scenarios}
    current = widgets.query_choice("scenario", ids)
    chosen = st.selectbox("Role-play", ids, index=ids.index(current), format_func=lambda key: titles[key])
    if chosen != current:
        st.query_params["scenario"] = chosen
    return module.scenarios[ids.index(chosen)]


def _brief(scenario: Scenario) -> None:
    st.header(md(scenario.title), anchor=False)
    customer = scenario.customer
    st.markdown(md(scenario.brief))
    st.caption(f":material/person: **{md(customer.name)}** · {md(customer.situation)} · mood: {md(customer.mood)}")


def _start(user: User, module: Module, scenario: Scenario) -> None:
    """The start buttons' on_click: the run exists before the page runs, so one run shows its first line."""
    learning.start_roleplay(session.store(), session.course(), user.id, module.id, scenario.id)


# --- playing -----------------------------------------------------------------------------


def _play(scenario: Scenario, run: Run) -> None:
    try:
        state = learning.run_state(session.course(), run)
    except learning.ContentChangedError:
        st.warning(
            "This role-play changed since you started it, so your run cannot continue. Start it again.",
            icon=":material/warning:",
        )
        _restart_button(run)
        return
    _brief(scenario)
    _transcript(scenario, state)
    _trust_meter(state.trust)
    if state.finished:  # the ending was reached but not recorded (a run saved before runs closed themselves)
        learning.finish_roleplay(session.store(), session.course(), run)
        st.rerun()
    _choices(run, scenario, state)
    _restart_button(run)
    _bring_latest_into_view(len(state.path))


def _trust_meter(trust: int) -> None:
    st.progress(trust / 100, text=f":material/handshake: Customer trust: {trust} / 100")


def _node(scenario: Scenario, node_id: str) -> Node:
    return next(node for node in scenario.nodes if node.id == node_id)


def _customer_says(scenario: Scenario, node_id: str) -> None:
    node = _node(scenario, node_id)
    with st.chat_message("customer", avatar=CUSTOMER_AVATAR):
        if node.narration:
            st.caption(f"*{md(node.narration)}*")
        st.markdown(f"**{md(scenario.customer.name)}:** {md(node.customer)}")


def _transcript(scenario: Scenario, state: engine.RunState) -> None:
    for number, step in enumerate(state.path, start=1):
        _customer_says(scenario, step.node)
        choice = _node(scenario, step.node).choices[step.choice]
        with st.chat_message("rep", avatar=REP_AVATAR):
            st.markdown(f"**You:** {md(choice.text)}")
            delta = f"{step.trust_delta:+d}" if step.trust_delta else "±0"
            feedback = f"{md(choice.feedback)} (trust {delta})"
            if number == len(state.path):
                st.info(feedback, icon=":material/feedback:")
            else:
                st.caption(feedback)
    if not state.finished:
        with st.container(key=LATEST):
            _customer_says(scenario, state.node)


def _choices(run: Run, scenario: Scenario, state: engine.RunState) -> None:
    st.markdown("**What do you say?**")
    step = len(state.path)
    offered = engine.available_choices(scenario, state)
    for index, choice in engine.presentation_order(offered, f"{run.id}:{step}"):
        # The step is part of the key: a double click cannot answer the next node too. The run's
        # id is not: Streamlit 1.67 keeps every widget id a session has ever drawn (its
        # widget_metadata and key map are never pruned), so keys must come from a bounded set
        # (the course's), or a learner's session grows with every run they play.
        st.button(
            md(choice.text),
            key=f"choice-{scenario.id}-{step}-{index}",
            width="stretch",
            on_click=_choose,
            args=(run, index),
        )
    # A closed reply whose condition carries a hint is announced, so no gate is a secret.
    offered_indexes = {index for index, _ in offered}
    for index, choice in enumerate(_node(scenario, state.node).choices):
        if index not in offered_indexes and choice.when is not None and choice.when.hint:
            st.caption(f":material/lock: {md(choice.when.hint)}")


def _choose(run: Run, index: int) -> None:
    """A reply's on_click: saved before the page runs, so that one run shows what follows
    (saving in the page and then calling st.rerun() cost every choice two runs)."""
    # Another window may have ended, restarted or advanced this run meanwhile: then the
    # page shows what the store holds now.
    with contextlib.suppress(RunClosedError, InvalidActionError):
        learning.choose(session.store(), session.course(), run, index)
    st.session_state[JUST_CHOSE] = True


def _bring_latest_into_view(step: int) -> None:
    """Once per decision: scroll the newest customer line (or the debrief) to the top of the window.

    Streamlit keeps the scroll position across reruns, which on a phone leaves the learner
    looking at the reply they pressed while the customer's answer and the next choices grow
    below the fold. The script is fixed text (the step only makes each one new)."""
    if not st.session_state.pop(JUST_CHOSE, False):
        return
    st.html(
        f"""<script>/* step {step} */
        requestAnimationFrame(() => setTimeout(() => {{
          const latest = document.querySelector(".st-key-{LATEST}");
          if (latest) latest.scrollIntoView({{block: "start"}});
        }}, 50));
        </script>""",
        unsafe_allow_javascript=True,
    )


def _restart_button(run: Run) -> None:
    st.divider()
    if st.button("Start over", icon=":material/restart_alt:", key=f"restart-{run.scenario_id}"):
        learning.restart_roleplay(session.store(), session.course(), run)
        st.rerun()


# --- the debrief ---------------------------------------------------------------------------


def _show_finished(user: User, module: Module, scenario: Scenario, finished: list[Run]) -> None:
    latest = finished[-1]
    best_score = max(run.score or 0 for run in finished)
    _brief(scenario)
    st.button(
        "Play again",
        type="primary",
        icon=":material/replay:",
        key=f"again-{scenario.id}",
        on_click=_start,
        args=(user, module, scenario),
    )
    try:
        state = engine.replay(scenario, latest.path)
    except ValueError:
        st.info("The role-play changed since your last run; play it again to see a debrief.", icon=":material/info:")
        return
    if not state.finished:
        return
    _debrief(scenario, engine.debrief(scenario, state), len(finished), best_score)
    _bring_latest_into_view(len(state.path))


def _debrief(scenario: Scenario, debrief: engine.Debrief, runs: int, best_score: float) -> None:
    ending = debrief.ending
    with st.container(key=LATEST):
        st.subheader(f":material/flag: Debrief: {md(ending.title)}", anchor=False)
        if ending.customer:
            with st.chat_message("customer", avatar=CUSTOMER_AVATAR):
                st.markdown(f"**{md(scenario.customer.name)}:** {md(ending.customer)}")
    _outcome_banner(debrief.outcome, md(ending.debrief))
    score, trust = st.columns(2)
    # Raw points can be negative, so the headline is the share of the way from worst to best.
    score.metric(
        "Score",
        f"{debrief.scaled:.0%} of the best",
        help="Where your points fall between the worst and the best run this role-play allows.",
    )
    score.caption(f"{debrief.score:+d} points; best possible {debrief.best:+d}, worst {debrief.worst:+d}")
    trust.metric("Final trust", f"{debrief.trust} / 100")
    if runs > 1:
        st.caption(f"Your best over {runs} runs: {words.number(best_score)} of {debrief.best}.")
    st.subheader(":material/alt_route: Your decisions", anchor=False)
    for number, decision in enumerate(debrief.decisions, start=1):
        _decision(scenario, number, decision)
    st.subheader(":material/psychology: Skills practised", anchor=False)
    st.markdown("\n".join(_skill_line(tally) for tally in debrief.skills))


def _outcome_banner(outcome: str, text: str) -> None:
    kind = outcome_kind(outcome)
    body = f"**{kind.label}.** {text}"
    if kind.mood == "good":
        st.success(body, icon=":material/sentiment_satisfied:")
    elif kind.mood == "mixed":
        st.warning(body, icon=":material/sentiment_neutral:")
    else:
        st.error(body, icon=":material/sentiment_dissatisfied:")


def _decision(scenario: Scenario, number: int, decision: engine.Decision) -> None:
    node = _node(scenario, decision.node)
    with st.container(border=True):
        st.markdown(f"**{number}.** {md(node.customer)}")
        st.markdown(f"**You said:** {md(decision.text)}")
        if decision.cost == 0:
            st.markdown(":green-badge[:material/check: best choice]")
        elif decision.cost is not None:
            best = [node.choices[index].text for index in decision.best_choices]
            st.markdown(f":orange-badge[cost {decision.cost} points]")
            if best:
                st.markdown(f"**Best choice here:** {md(best[0])}")
        st.caption(md(decision.feedback))


def _skill_line(tally: engine.SkillTally) -> str:
    return f"- **{md(tally.skill)}**: helped {tally.helped}×, hurt {tally.hurt}×"


PAGES = [PageSpec(render, "Role-plays", ":material/forum:", URL, LEARNERS, section="Learn", order=30)]
