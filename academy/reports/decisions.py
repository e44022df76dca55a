"""Decision analysis of one role-play: per decision node, who got there, what they chose, how
often the best option was taken; and which endings the runs reached.

"Best" is judged when the choice was made: the store keeps each decision's cost against the
best choice available at that moment (0 = the best), as the engine computed it. A node is
reached by a run that made a decision there or is waiting there now. Runs of every status
count for the nodes and choices; endings count finished runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from academy.content.schema import Course, Scenario
from academy.engine.roleplay import analyse
from academy.reports.access import Scope, learners
from academy.reports.course_index import index_for
from academy.store import ChoiceRow, Run, Store

NODE_COLUMNS = ["node_id", "customer", "reached_learners", "reached_runs", "decisions", "best_share"]
CHOICE_COLUMNS = [
    "node_id",
    "choice_index",
    "text",
    "count",
    "share",
    "learners",
    "best_share",
    "mean_cost",
    "can_be_best",
]
ENDING_COLUMNS = ["ending_id", "title", "outcome", "runs", "learners", "share", "reachable"]


@dataclass(frozen=True)
class DecisionAnalysis:
    scenario_id: str
    title: str
    runs: int
    finished_runs: int
    learners: int
    nodes: pd.DataFrame
    """One row per node, in scenario order (``NODE_COLUMNS``)."""
    choices: pd.DataFrame
    """One row per choice of every node, chosen or not (``CHOICE_COLUMNS``)."""
    endings: pd.DataFrame
    """One row per ending (``ENDING_COLUMNS``)."""


def decision_analysis(
    store: Store, course: Course, scope: Scope, scenario_id: str, *, team_ids: Iterable[int] | None = None
) -> DecisionAnalysis:
    """The analysis over the learners in scope; KeyError for a scenario not in the course."""
    scenario = index_for(course).scenarios[scenario_id]
    chosen = scope.pick(team_ids)
    user_ids = None if chosen is None else [person.id for person in learners(store, scope, team_ids)]
    if user_ids == []:
        return analyse_decisions(scenario, [], [])
    runs = store.runs_of_scenario(scenario_id, user_ids=user_ids)
    if user_ids is None:
        return analyse_decisions(scenario, runs, store.choice_rows(scenario_id))
    # Some learners: their runs came through the (user_id, scenario_id) index; their choices by run.
    return analyse_decisions(scenario, runs, store.choices_of_runs([run.id for run in runs]))


def analyse_decisions(scenario: Scenario, runs: Sequence[Run], decisions: Sequence[ChoiceRow]) -> DecisionAnalysis:
    node_ids = {node.id for node in scenario.nodes}
    frame = pd.DataFrame(
        [(d.run_id, d.user_id, d.step, d.node_id, d.choice_index, d.cost) for d in decisions],
        columns=["run_id", "user_id", "step", "node_id", "choice_index", "cost"],
    )
    visits = _visits(scenario, runs, frame, node_ids)
    static_best = analyse(scenario).best_choices
    return DecisionAnalysis(
        scenario_id=scenario.id,
        title=scenario.title,
        runs=len(runs),
        finished_runs=sum(run.finished for run in runs),
        learners=len({run.user_id for run in runs}),
        nodes=_nodes(scenario, frame, visits),
        choices=_choices(scenario, frame, static_best),
        endings=_endings(scenario, runs),
    )


def _visits(scenario: Scenario, runs: Sequence[Run], frame: pd.DataFrame, node_ids: set[str]) -> pd.DataFrame:
    """(run_id, user_id, node_id) for every node each run reached."""
    rows = {(row.run_id, row.user_id, row.node_id) for row in frame.itertuples()}
    last_step = frame.sort_values("step").groupby("run_id").last() if len(frame) else pd.DataFrame()
    choices = {node.id: node.choices for node in scenario.nodes}
    for run in runs:
        if run.status != "in_progress":
            continue
        # An open run waits at the start, or where its last choice led.
        where = scenario.start
        if run.id in last_step.index:
            last = last_step.loc[run.id]
            options = choices.get(str(last["node_id"]), [])
            index = int(last["choice_index"])
            where = options[index].next if 0 <= index < len(options) else ""
        if where in node_ids:
            rows.add((run.id, run.user_id, where))
    return pd.DataFrame(sorted(rows), columns=["run_id", "user_id", "node_id"])


def _nodes(scenario: Scenario, frame: pd.DataFrame, visits: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for node in scenario.nodes:
        reached = visits[visits["node_id"] == node.id]
        made = frame[frame["node_id"] == node.id]
        rows.append(
            (
                node.id,
                node.customer,
                reached["user_id"].nunique(),
                reached["run_id"].nunique(),
                len(made),
                float((made["cost"] == 0).mean()) if len(made) else None,
            )
        )
    return pd.DataFrame(rows, columns=NODE_COLUMNS)


def _choices(scenario: Scenario, frame: pd.DataFrame, static_best: dict[str, tuple[int, ...]]) -> pd.DataFrame:
    rows = []
    for node in scenario.nodes:
        made = frame[frame["node_id"] == node.id]
        for index, choice in enumerate(node.choices):
            picked = made[made["choice_index"] == index]
            rows.append(
                (
                    node.id,
                    index,
                    choice.text,
                    len(picked),
                    len(picked) / len(made) if len(made) else None,
                    picked["user_id"].nunique(),
                    float((picked["cost"] == 0).mean()) if len(picked) else None,
                    float(picked["cost"].mean()) if len(picked) else None,
                    index in static_best.get(node.id, ()),
                )
            )
    return pd.DataFrame(rows, columns=CHOICE_COLUMNS)


def _endings(scenario: Scenario, runs: Sequence[Run]) -> pd.DataFrame:
    finished = [run for run in runs if run.finished]
    reachable = set(analyse(scenario).reachable_endings)
    rows = []
    for ending in scenario.endings:
        reached = [run for run in finished if run.ending_id == ending.id]
        rows.append(
            (
                ending.id,
                ending.title,
                ending.outcome,
                len(reached),
                len({run.user_id for run in reached}),
                len(reached) / len(finished) if finished else None,
                ending.id in reachable,
            )
        )
    return pd.DataFrame(rows, columns=ENDING_COLUMNS)
