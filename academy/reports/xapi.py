"""xAPI 1.0.3 statements, one per learning record.

Mapping (verbs are ADL's, http://adlnet.gov/expapi/verbs/...):

=====================  ===========  ====================================================
learning record        verb         object (activity type, http://adlnet.gov/expapi/activities/...)
=====================  ===========  ====================================================
lesson_viewed          experienced  the lesson (lesson)
lesson_completed       completed    the lesson (lesson)
module_completed       completed    the module (module)
scenario_started       attempted    the role-play (simulation)
choice_made            answered     the decision point (cmi.interaction, choice)
ending_reached         completed    the role-play (simulation), with its score
scenario_abandoned     exited       the role-play (simulation), completion false
quiz_started           attempted    the module's quiz (assessment)
answer_submitted       answered     the question (cmi.interaction: choice, true-false,
                                    sequencing, matching or numeric, with its
                                    correctResponsesPattern)
quiz_finished          passed or    the module's quiz (assessment), with its score
                       failed
=====================  ===========  ====================================================

The actor is an account on the platform: ``homePage`` from the ``ACADEMY_XAPI_HOME_PAGE``
setting (default ``http://localhost:8501``) and ``name`` the username, or with
``anonymise`` a keyed hash of the learner's id (stable within one export, or across
exports given the same salt). Activity ids are IRIs under the home page. The statement
id is the record's UUID; the timestamp is the record's, in UTC. ``context`` names the
direct parent activity and the grouping ones (module, course), the attempt or run as
``registration``, and the module's content version as ``revision``.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import json
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TextIO

from academy import settings
from academy.content.outcomes import customer_kept
from academy.content.schema import Course, Question
from academy.engine.questions import type_of
from academy.engine.quiz import scaled_score
from academy.reports.access import Scope, learners
from academy.reports.assignments import certificate_statements
from academy.reports.course_index import CourseIndex, index_for
from academy.store import LearningRecord, Store, Verb
from academy.store.details import AnswerSubmitted, ChoiceMade, EndingReached, QuizFinished, detail_as

XAPI_VERSION = "1.0.3"
DEFAULT_HOME_PAGE = settings.DEFAULT_XAPI_HOME_PAGE
PLATFORM = "Customer Service Academy"
LANGUAGE = "en-US"

ADL_VERB = "http://adlnet.gov/expapi/verbs/"
ADL_ACTIVITY = "http://adlnet.gov/expapi/activities/"


@dataclass(frozen=True)
class XapiSettings:
    home_page: str = DEFAULT_HOME_PAGE
    anonymise: bool = False
    salt: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    """Key of the anonymous ids; a fresh one per export unless given."""

    @classmethod
    def from_environment(cls, *, anonymise: bool = False, salt: bytes | None = None) -> XapiSettings:
        return cls(
            home_page=settings.xapi_home_page(), anonymise=anonymise, **({"salt": salt} if salt is not None else {})
        )

    @property
    def base(self) -> str:
        return self.home_page.rstrip("/")


def verb_iri(name: str) -> str:
    return ADL_VERB + name


def activity_type(name: str) -> str:
    return ADL_ACTIVITY + name


class StatementBuilder:
    """Turns learning records into statements (dicts ready for ``json.dumps``)."""

    def __init__(self, course: Course, settings: XapiSettings) -> None:
        self.index: CourseIndex = index_for(course)
        self.settings = settings

    # --- the parts ----------------------------------------------------------------------

    def actor(self, record: LearningRecord) -> dict[str, Any]:
        name = record.username
        if self.settings.anonymise:
            digest = hmac.new(self.settings.salt, str(record.user_id).encode(), hashlib.sha256).hexdigest()
            name = f"anon-{digest[:24]}"
        return {"objectType": "Agent", "account": {"homePage": self.settings.home_page, "name": name}}

    def _activity(self, iri: str, kind: str, name: str, description: str | None = None) -> dict[str, Any]:
        definition: dict[str, Any] = {"type": activity_type(kind), "name": {LANGUAGE: name}}
        if description:
            definition["description"] = {LANGUAGE: description}
        return {"objectType": "Activity", "id": iri, "definition": definition}

    def course(self) -> dict[str, Any]:
        return self._activity(f"{self.settings.base}/course", "course", PLATFORM)

    def module(self, module_id: str) -> dict[str, Any]:
        return self._activity(f"{self.settings.base}/modules/{module_id}", "module", self.index.module_title(module_id))

    def lesson(self, module_id: str, lesson_id: str) -> dict[str, Any]:
        return self._activity(
            f"{self.settings.base}/modules/{module_id}/lessons/{lesson_id}",
            "lesson",
            self.index.lesson_title(module_id, lesson_id),
        )

    def simulation(self, module_id: str, scenario_id: str) -> dict[str, Any]:
        scenario = self.index.scenarios.get(scenario_id)
        return self._activity(
            f"{self.settings.base}/modules/{module_id}/scenarios/{scenario_id}",
            "simulation",
            self.index.scenario_title(scenario_id),
            scenario.brief if scenario else None,
        )

    def assessment(self, module_id: str) -> dict[str, Any]:
        return self._activity(
            f"{self.settings.base}/modules/{module_id}/quiz",
            "assessment",
            f"Quiz: {self.index.module_title(module_id)}",
        )

    def decision_point(self, module_id: str, scenario_id: str, node_id: str) -> dict[str, Any]:
        node = self.index.node(scenario_id, node_id)
        activity = self._activity(
            f"{self.settings.base}/modules/{module_id}/scenarios/{scenario_id}/nodes/{node_id}",
            "cmi.interaction",
            f"{self.index.scenario_title(scenario_id)}: {node_id}",
            node.customer if node else None,
        )
        activity["definition"]["interactionType"] = "choice"
        if node is not None:
            activity["definition"]["choices"] = [
                _component(f"choice-{index}", choice.text) for index, choice in enumerate(node.choices)
            ]
        return activity

    def question(self, bank_id: str, question_id: str) -> dict[str, Any]:
        question = self.index.question(bank_id, question_id)
        activity = self._activity(
            f"{self.settings.base}/quizzes/{bank_id}/questions/{question_id}",
            "cmi.interaction",
            question.prompt if question else question_id,
        )
        activity["definition"].update(interaction_definition(question))
        return activity

    # --- one statement --------------------------------------------------------------------

    def statement(self, record: LearningRecord) -> dict[str, Any]:
        verb, target, result, parent, registration = self._shape(record)
        grouping = (
            [self.course()] if parent["id"] == self.course()["id"] else [self.module(record.module_id), self.course()]
        )
        grouping = [activity for activity in grouping if activity["id"] != parent["id"]]
        context: dict[str, Any] = {
            "contextActivities": {"parent": [parent], "grouping": grouping} if grouping else {"parent": [parent]},
            "platform": PLATFORM,
            "language": LANGUAGE,
            "revision": record.content_version,
        }
        if registration:
            context["registration"] = registration
        statement: dict[str, Any] = {
            "id": record.id,
            "actor": self.actor(record),
            "verb": {"id": verb_iri(verb), "display": {LANGUAGE: verb}},
            "object": target,
            "context": context,
            "timestamp": utc_timestamp(record.at),
            "version": XAPI_VERSION,
        }
        if result:
            statement["result"] = result
        return statement

    def _shape(self, record: LearningRecord) -> tuple[str, dict[str, Any], dict[str, Any], dict[str, Any], str | None]:
        """(verb, object, result, parent activity, registration) for one record."""
        module_id = record.module_id
        verb = record.verb
        if verb in (Verb.LESSON_VIEWED, Verb.LESSON_COMPLETED):
            lesson = self.lesson(module_id, record.lesson_id or "")
            if verb is Verb.LESSON_VIEWED:
                return "experienced", lesson, {}, self.module(module_id), None
            return "completed", lesson, {"completion": True}, self.module(module_id), None
        if verb is Verb.MODULE_COMPLETED:
            return "completed", self.module(module_id), {"completion": True, "success": True}, self.course(), None
        if verb in (Verb.SCENARIO_STARTED, Verb.ENDING_REACHED, Verb.SCENARIO_ABANDONED):
            simulation = self.simulation(module_id, record.scenario_id or "")
            if verb is Verb.SCENARIO_STARTED:
                return "attempted", simulation, {}, self.module(module_id), record.run_id
            if verb is Verb.SCENARIO_ABANDONED:
                return "exited", simulation, {"completion": False}, self.module(module_id), record.run_id
            ending = detail_as(record, EndingReached)
            return "completed", simulation, self._ending_result(ending), self.module(module_id), record.run_id
        if verb is Verb.CHOICE_MADE:
            point = self.decision_point(module_id, record.scenario_id or "", record.node_id or "")
            choice = detail_as(record, ChoiceMade)
            result: dict[str, Any] = {"response": f"choice-{choice.choice_index}"}
            cost = choice.cost
            if isinstance(cost, int | float):
                result["success"] = cost == 0
                result["extensions"] = {self._extension("cost"): cost}
            return "answered", point, result, self.simulation(module_id, record.scenario_id or ""), record.run_id
        if verb is Verb.QUIZ_STARTED:
            return "attempted", self.assessment(module_id), {}, self.module(module_id), record.attempt_id
        if verb is Verb.ANSWER_SUBMITTED:
            answer = detail_as(record, AnswerSubmitted)
            return (
                "answered",
                self.question(answer.bank_id or "", record.question_id or ""),
                self._answer_result(record, answer),
                self.assessment(module_id),
                record.attempt_id,
            )
        if verb is Verb.QUIZ_FINISHED:
            finished = detail_as(record, QuizFinished)
            passed = bool(finished.passed)
            result = {
                **_score(finished.score, finished.max, finished.scaled),
                "success": passed,
                "completion": True,
            }
            result.update(_duration(finished.duration_s))
            return (
                "passed" if passed else "failed",
                self.assessment(module_id),
                result,
                self.module(module_id),
                record.attempt_id,
            )
        raise ValueError(f"no xAPI mapping for learning records of kind {verb!r}")

    def _extension(self, name: str) -> str:
        return f"{self.settings.base}/xapi/extensions/{name}"

    def _ending_result(self, ending: EndingReached) -> dict[str, Any]:
        result: dict[str, Any] = {"completion": True}
        outcome = ending.outcome
        if outcome:
            result["success"] = customer_kept(outcome)
        score, best, worst, scaled = ending.score, ending.best, ending.worst, ending.scaled
        in_range = (
            isinstance(score, int | float)
            and isinstance(best, int | float)
            and isinstance(worst, int | float)
            and worst <= score <= best
        )
        result.update(
            _score(score if in_range else None, best if in_range else None, scaled, minimum=worst if in_range else None)
        )
        result.update(_duration(ending.duration_s))
        named = {"outcome": ending.outcome, "ending_id": ending.ending_id}
        extensions = {self._extension(key): value for key, value in named.items() if value}
        if extensions:
            result["extensions"] = extensions
        return result

    def _answer_result(self, record: LearningRecord, answer: AnswerSubmitted) -> dict[str, Any]:
        question = self.index.question(answer.bank_id, record.question_id)
        points, maximum = answer.points, answer.max
        scaled = (
            scaled_score(points, maximum)
            if isinstance(points, int | float) and isinstance(maximum, int | float) and maximum
            else None
        )
        result: dict[str, Any] = {**_score(points, maximum, scaled), "success": bool(answer.correct)}
        response = format_response(question, answer.response)
        if response:
            result["response"] = response
        return result


# --- interactions ---------------------------------------------------------------------------


def _component(component_id: str, text: str) -> dict[str, Any]:
    return {"id": component_id, "description": {LANGUAGE: text}}


def interaction_definition(question: Question | None) -> dict[str, Any]:
    """interactionType, correctResponsesPattern and the components of a question (its type says which)."""
    if question is None:
        return {"interactionType": "other"}
    interaction = type_of(question).interaction(question)
    definition: dict[str, Any] = {"interactionType": interaction.interaction_type}
    if interaction.correct_patterns:
        definition["correctResponsesPattern"] = list(interaction.correct_patterns)
    components = {"choices": interaction.choices, "source": interaction.source, "target": interaction.target}
    for name, parts in components.items():
        if parts:
            definition[name] = [_component(part_id, text) for part_id, text in parts]
    return definition


def format_response(question: Question | None, response: Any) -> str | None:
    """A stored response in xAPI's response format for the question's interaction type."""
    if response is None:
        return None
    if question is None:
        return _bool(response) if isinstance(response, bool) else str(response) or None
    return type_of(question).xapi_response(question, response)


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _score(raw: Any, maximum: Any, scaled: Any, *, minimum: Any = 0) -> dict[str, Any]:
    score: dict[str, Any] = {}
    if isinstance(scaled, int | float):
        score["scaled"] = round(max(-1.0, min(1.0, float(scaled))), 6)
    if (
        isinstance(raw, int | float)
        and isinstance(maximum, int | float)
        and isinstance(minimum, int | float)
        and minimum <= raw <= maximum
    ):
        score.update({"raw": raw, "min": minimum, "max": maximum})
    return {"score": score} if score else {}


def _duration(seconds: Any) -> dict[str, Any]:
    return {"duration": iso_duration(seconds)} if isinstance(seconds, int | float) and seconds >= 0 else {}


def iso_duration(seconds: float) -> str:
    """ISO 8601 duration, e.g. 3725.5 s -> ``PT1H2M5.5S`` (hundredths, as xAPI recommends)."""
    hundredths = round(seconds * 100)
    hours, rest = divmod(hundredths, 360_000)
    minutes, rest = divmod(rest, 6_000)
    text = "PT"
    if hours:
        text += f"{hours}H"
    if minutes:
        text += f"{minutes}M"
    if rest or text == "PT":
        whole, fraction = divmod(rest, 100)
        text += f"{whole}.{fraction:02d}S".replace(".00S", "S")
    return text


def utc_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- exporting ------------------------------------------------------------------------------


def statements(
    store: Store,
    course: Course,
    scope: Scope,
    settings: XapiSettings,
    *,
    team_ids: Iterable[int] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Iterator[dict[str, Any]]:
    """The statements of every learning record the scope may see, in log order."""
    builder = StatementBuilder(course, settings)
    chosen = scope.pick(team_ids)
    if chosen is None:
        records: Iterable[LearningRecord] = store.records(since=since, until=until)
    else:
        per_learner = [
            store.records(user_id=person.id, since=since, until=until)
            for person in learners(store, scope, team_ids, include_disabled=True)
        ]
        records = heapq.merge(*per_learner, key=lambda record: record.seq)
    for record in records:
        yield builder.statement(record)
    # Certificates are not learning records: after the log, one statement each.
    people = learners(store, scope, team_ids, include_disabled=True)
    yield from certificate_statements(builder, store, people, since=since, until=until)


def write_json(items: Iterable[dict[str, Any]], out: TextIO) -> int:
    """Write a JSON array one statement per line (streamed: fine for millions). Returns the count."""
    count = 0
    out.write("[")
    for item in items:
        out.write(",\n" if count else "\n")
        out.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count
