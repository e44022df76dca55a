"""xAPI export: every kind of learning record becomes a statement ralph's xAPI models accept."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter
from ralph.models.xapi.base.statements import BaseXapiStatement

from academy.cli import main
from academy.content.schema import Course
from academy.course.loader import load_course
from academy.demo import Actor, Persona
from academy.engine.quiz import correct_response
from academy.reports.access import operator_scope, scope_for
from academy.reports.xapi import (
    ADL_ACTIVITY,
    ADL_VERB,
    StatementBuilder,
    XapiSettings,
    iso_duration,
    statements,
)
from academy.store import LearningRecord, Store, Verb

HOME = "https://academy.example.com"
EXPECTED = {
    # record kind: (verb, object's activity type)
    Verb.LESSON_VIEWED: ("experienced", "lesson"),
    Verb.LESSON_COMPLETED: ("completed", "lesson"),
    Verb.MODULE_COMPLETED: ("completed", "module"),
    Verb.SCENARIO_STARTED: ("attempted", "simulation"),
    Verb.CHOICE_MADE: ("answered", "cmi.interaction"),
    Verb.ENDING_REACHED: ("completed", "simulation"),
    Verb.SCENARIO_ABANDONED: ("exited", "simulation"),
    Verb.QUIZ_STARTED: ("attempted", "assessment"),
    Verb.ANSWER_SUBMITTED: ("answered", "cmi.interaction"),
}
INTERACTION_TYPES = {
    "single": "choice",
    "multiple": "choice",
    "true_false": "true-false",
    "ordering": "sequencing",
    "matching": "matching",
    "numeric": "numeric",
}


@cache
def course() -> Course:
    return load_course().course


def _actor(store: Store, clock: Any, username: str, skill: float) -> Actor:
    user = store.create_user(username, "correct horse", display_name=username.title())
    return Actor(store, course(), user, Persona("test", skill, 0, 0, 0, 0), random.Random(username), clock)


@pytest.fixture
def records(store: Store, clock: Any) -> list[LearningRecord]:
    """Every kind of learning record, made through the real engine."""
    orientation = course().module("orientation")
    good = _actor(store, clock, "ana.silva", 0.98)
    good.read_lesson(orientation, orientation.lessons[0].id)
    good.play(orientation, orientation.scenarios[0])
    good.play(orientation, orientation.scenarios[0], give_up_after=1)
    assert good.take_quiz(orientation) is True  # the orientation bank draws all six question types
    other = course().module("customer-creation")
    store.complete_module(good.user.id, other.id, course().versions[other.id])
    weak = _actor(store, clock, "ben.okafor", 0.02)
    assert weak.take_quiz(orientation) is False
    return list(store.records())


def _statements(records: list[LearningRecord], **settings: Any) -> list[dict[str, Any]]:
    builder = StatementBuilder(course(), XapiSettings(home_page=HOME, **settings))
    return [builder.statement(record) for record in records]


def test_every_record_kind_is_covered(records: list[LearningRecord]) -> None:
    assert {record.verb for record in records} == set(Verb)


def test_every_statement_is_valid_for_ralph(records: list[LearningRecord]) -> None:
    for statement in _statements(records):
        # Through JSON, as an LRS would receive it.
        BaseXapiStatement.model_validate(json.loads(json.dumps(statement)))


def test_one_statement_per_record_with_its_uuid_utc_time_and_version(records: list[LearningRecord]) -> None:
    made = _statements(records)
    assert [statement["id"] for statement in made] == [record.id for record in records]
    for statement, record in zip(made, records, strict=True):
        assert statement["version"] == "1.0.3"
        assert statement["timestamp"].endswith("Z")
        parsed = TypeAdapter(BaseXapiStatement).validate_python(statement).timestamp
        assert parsed is not None
        assert abs(parsed - record.at) < timedelta(milliseconds=1)


def test_verbs_and_activity_types_follow_the_mapping(records: list[LearningRecord]) -> None:
    for statement, record in zip(_statements(records), records, strict=True):
        if record.verb is Verb.QUIZ_FINISHED:
            verb = "passed" if record.detail["passed"] else "failed"
            kind = "assessment"
        else:
            verb, kind = EXPECTED[record.verb]
        assert statement["verb"]["id"] == ADL_VERB + verb
        assert statement["object"]["definition"]["type"] == ADL_ACTIVITY + kind
        assert statement["object"]["id"].startswith(HOME + "/")


def test_actor_is_an_account_on_the_home_page(records: list[LearningRecord]) -> None:
    for statement, record in zip(_statements(records), records, strict=True):
        assert statement["actor"]["account"] == {"homePage": HOME, "name": record.username}
        assert "mbox" not in statement["actor"]


def test_anonymised_export_names_no_one_but_keeps_learners_apart(records: list[LearningRecord]) -> None:
    made = _statements(records, anonymise=True, salt=b"k1")
    text = json.dumps(made)
    assert "ana.silva" not in text
    assert "ben.okafor" not in text
    names = {
        record.username: statement["actor"]["account"]["name"] for statement, record in zip(made, records, strict=True)
    }
    assert len(set(names.values())) == 2
    again = _statements(records, anonymise=True, salt=b"k2")
    assert again[0]["actor"]["account"]["name"] != made[0]["actor"]["account"]["name"]


def test_questions_are_interactions_with_their_correct_responses(records: list[LearningRecord]) -> None:
    questions = {question.id: question for question in course().banks["orientation"].questions}
    seen = set()
    for statement, record in zip(_statements(records), records, strict=True):
        if record.verb is not Verb.ANSWER_SUBMITTED:
            continue
        question = questions[record.question_id]
        definition = statement["object"]["definition"]
        assert definition["interactionType"] == INTERACTION_TYPES[question.type]
        seen.add(question.type)
        pattern = definition["correctResponsesPattern"]
        result = statement["result"]
        assert result["success"] == record.detail["correct"]
        if record.detail["correct"] and question.type != "numeric":
            assert result["response"] in pattern
        if question.type == "numeric":  # "answer" or "low[:]high" with a tolerance
            bounds = [float(part) for part in pattern[0].split("[:]")]
            assert min(bounds) <= float(correct_response(question)) <= max(bounds)
    assert seen == set(INTERACTION_TYPES)


def test_quiz_results_carry_score_success_completion_and_duration(records: list[LearningRecord]) -> None:
    finished = [
        (statement, record)
        for statement, record in zip(_statements(records), records, strict=True)
        if record.verb is Verb.QUIZ_FINISHED
    ]
    assert len(finished) == 2
    for statement, record in finished:
        result = statement["result"]
        # scaled is rounded to 6 decimals so that 1/6 is not written with float noise
        assert result["score"]["scaled"] == pytest.approx(record.detail["score"] / record.detail["max"], abs=1e-6)
        assert result["score"]["raw"] == pytest.approx(record.detail["score"])
        assert result["success"] is record.detail["passed"]
        assert result["completion"] is True
        assert result["duration"].startswith("PT")
        assert statement["context"]["registration"] == record.attempt_id


def test_context_names_parent_and_grouping(records: list[LearningRecord]) -> None:
    for statement, record in zip(_statements(records), records, strict=True):
        activities = statement["context"]["contextActivities"]
        grouping = {activity["id"] for activity in activities.get("grouping", [])}
        parents = {activity["id"] for activity in activities["parent"]}
        assert f"{HOME}/course" in grouping | parents
        if record.verb is Verb.ANSWER_SUBMITTED:
            assert parents == {f"{HOME}/modules/{record.module_id}/quiz"}
            assert grouping == {f"{HOME}/modules/{record.module_id}", f"{HOME}/course"}
        if record.verb is Verb.CHOICE_MADE:
            assert parents == {f"{HOME}/modules/{record.module_id}/scenarios/{record.scenario_id}"}
        assert statement["context"]["revision"] == record.content_version


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "PT0S"), (5, "PT5S"), (65.5, "PT1M5.50S"), (3600, "PT1H"), (3725.25, "PT1H2M5.25S")]
)
def test_iso_durations(seconds: float, text: str) -> None:
    assert iso_duration(seconds) == text
    assert TypeAdapter(timedelta).validate_python(text) == timedelta(seconds=seconds)


def test_a_manager_exports_only_their_teams(store: Store, clock: Any) -> None:
    orientation = course().module("orientation")
    mine = _actor(store, clock, "ana.silva", 0.9)
    theirs = _actor(store, clock, "ben.okafor", 0.9)
    for actor in (mine, theirs):
        actor.read_lesson(orientation, orientation.lessons[0].id)
    team = store.create_team("Front desk")
    store.create_team("Billing")
    store.add_member(team.id, mine.user.id)
    manager = store.create_user("mara", "correct horse", role="manager")
    store.add_member(team.id, manager.id, manager=True)
    settings = XapiSettings(home_page=HOME)
    exported = list(statements(store, course(), scope_for(store, manager), settings))
    assert {statement["actor"]["account"]["name"] for statement in exported} == {"ana.silva"}
    everything = list(statements(store, course(), operator_scope(store), settings))
    assert {statement["actor"]["account"]["name"] for statement in everything} == {"ana.silva", "ben.okafor"}


def test_export_command_writes_the_statements_since_a_day(
    store: Store, records: list[LearningRecord], tmp_path: Path
) -> None:
    out = tmp_path / "statements.json"
    url = store.url
    assert main(["export", "xapi", "--database-url", url, "--home-page", HOME, "--out", str(out)]) == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert [statement["id"] for statement in exported] == [record.id for record in records]
    later = (records[-1].at + timedelta(days=1)).date().isoformat()
    assert main(["export", "xapi", "--database-url", url, "--since", later, "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == []


def test_ralph_rejects_a_broken_statement(records: list[LearningRecord]) -> None:
    # The validation above is only worth something if a wrong statement fails it.
    statement = _statements(records)[0]
    statement["result"] = {"response": ""}  # xAPI forbids empty values
    with pytest.raises(ValueError, match="empty"):
        BaseXapiStatement.model_validate(statement)
