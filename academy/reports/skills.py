"""Scores per skill tag, per learner and per team, from quiz answers and role-play decisions.

Evidence for a skill:
* each answered question tagged with it counts its share of the points (0..1);
* each role-play decision whose choice is tagged with it counts 1 when it was the best
  choice available at that moment (cost 0), else 0.

A skill's score is the mean over its evidence (each answer and each decision weighs one),
shown beside the quiz and decision parts so a manager sees where it comes from. Every
answer counts (open attempts too) and every decision (abandoned runs too): each is
something the learner did.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from academy.content.schema import Course
from academy.reports.access import Learner, Scope, learners
from academy.reports.course_index import index_for
from academy.reports.overview import frame
from academy.store import Store
from academy.store.analysis import LEARNER_ANSWER_COLUMNS, LEARNER_CHOICE_COLUMNS

EVIDENCE_COLUMNS = ["user_id", "skill", "source", "value"]
SKILL_COLUMNS = ["skill", "quiz_answers", "quiz_score", "decisions", "decision_score", "evidence", "score"]


@dataclass(frozen=True)
class SkillReport:
    per_learner: pd.DataFrame
    """user_id, username, display_name, teams and ``SKILL_COLUMNS``: one row per learner and skill with evidence."""
    per_team: pd.DataFrame
    """team and ``SKILL_COLUMNS`` plus learners: the evidence of a team's members pooled."""

    def learner_matrix(self) -> pd.DataFrame:
        """Learner x skill scores (NaN where a learner has no evidence for a skill)."""
        if self.per_learner.empty:
            return pd.DataFrame()
        return self.per_learner.pivot(index="username", columns="skill", values="score")


def skill_report(store: Store, course: Course, scope: Scope, *, team_ids: Iterable[int] | None = None) -> SkillReport:
    """Skills of the chosen teams' learners; reads their answers and decisions through indexes (O(team))."""
    people = learners(store, scope, team_ids)
    ids = [person.id for person in people]
    answers = pd.DataFrame(columns=list(LEARNER_ANSWER_COLUMNS))
    choices = pd.DataFrame(columns=list(LEARNER_CHOICE_COLUMNS))
    if ids:
        answers = frame(store.learner_answer_table(ids))
        choices = frame(store.learner_choice_table(ids))
    return skills_from(course, people, evidence(course, answers, choices))


def evidence(course: Course, answers: pd.DataFrame, choices: pd.DataFrame) -> pd.DataFrame:
    """One row per (piece of evidence, skill): user_id, skill, source ("quiz" / "decision"), value 0..1.

    ``answers`` has user_id, bank_id, question_id, points, max_points; ``choices`` has user_id,
    scenario_id, node_id, choice_index, cost.
    """
    index = index_for(course)
    rows = []
    for user_id, bank_id, question_id, points, maximum in zip(
        answers["user_id"],
        answers["bank_id"],
        answers["question_id"],
        answers["points"],
        answers["max_points"],
        strict=True,
    ):
        question = index.question(bank_id, question_id)
        if question is None or maximum <= 0:
            continue
        for skill in question.skills:
            rows.append((user_id, skill, "quiz", points / maximum))
    for user_id, scenario_id, node_id, choice_index, cost in zip(
        choices["user_id"],
        choices["scenario_id"],
        choices["node_id"],
        choices["choice_index"],
        choices["cost"],
        strict=True,
    ):
        choice = index.choice(scenario_id, node_id, int(choice_index))
        if choice is None:
            continue
        for skill in choice.skills:
            rows.append((user_id, skill, "decision", 1.0 if cost == 0 else 0.0))
    return pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)


def skills_from(course: Course, people: Sequence[Learner], found: pd.DataFrame) -> SkillReport:
    known = {person.id: person for person in people}
    found = found[found["user_id"].isin(known.keys())]
    per_learner = _summarise(found, ["user_id"])
    if not per_learner.empty:
        per_learner.insert(1, "username", per_learner["user_id"].map(lambda uid: known[uid].username))
        per_learner.insert(2, "display_name", per_learner["user_id"].map(lambda uid: known[uid].display_name))
        per_learner.insert(3, "teams", per_learner["user_id"].map(lambda uid: known[uid].team_label))
    membership = pd.DataFrame(
        [(person.id, team) for person in people for team in person.teams or ("(no team)",)], columns=["user_id", "team"]
    )
    pooled = found.merge(membership, on="user_id")
    per_team = _summarise(pooled, ["team"])
    if not per_team.empty:
        learners_with_evidence = pooled.groupby(["team", "skill"])["user_id"].nunique().rename("learners")
        per_team = per_team.join(learners_with_evidence, on=["team", "skill"])
    return SkillReport(per_learner=per_learner, per_team=per_team)


def _summarise(found: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    if found.empty:
        return pd.DataFrame(columns=[*keys, *SKILL_COLUMNS])
    by = [*keys, "skill"]
    quiz = found[found["source"] == "quiz"].groupby(by)["value"].agg(quiz_answers="count", quiz_score="mean")
    decision = found[found["source"] == "decision"].groupby(by)["value"].agg(decisions="count", decision_score="mean")
    overall = found.groupby(by)["value"].agg(evidence="count", score="mean")
    table = overall.join(quiz).join(decision).reset_index()
    table[["quiz_answers", "decisions"]] = table[["quiz_answers", "decisions"]].fillna(0).astype(int)
    return table[[*keys, *SKILL_COLUMNS]].sort_values(by, ignore_index=True)
