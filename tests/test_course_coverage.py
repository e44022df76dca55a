"""The shipped course meets the content brief: sizes, question types, sources and the facts checklist."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from academy.content.schema import Course, Module, MultipleSelect, SingleChoice
from academy.content.sources import ARTICLES, CHECKLIST, OUTSIDE_SOURCES, SOURCES
from academy.course.loader import load_course
from academy.engine.roleplay import analyse
from academy.reports.course_doc import render_course_doc

ROOT = Path(__file__).resolve().parents[1]
CORE_MODULES = ["customer-creation", "promise-keeping", "service-recovery", "relationships", "hard-conversations"]
GIVEAWAYS = re.compile(r"\b(all|none) of the above\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def course() -> Course:
    result = load_course()
    assert result.ok, "\n".join(str(p) for p in result.problems)
    return result.course


@pytest.fixture(scope="module", params=CORE_MODULES)
def module(request: pytest.FixtureRequest, course: Course) -> Module:
    return course.module(request.param)


def test_the_core_modules_are_in_the_course(course: Course) -> None:
    ids = [m.id for m in course.modules]
    assert set(CORE_MODULES) <= set(ids)
    assert [i for i in ids if i in CORE_MODULES] == CORE_MODULES  # catalog order follows the brief


def test_module_has_three_lessons_each_with_key_points_and_a_try_this(module: Module) -> None:
    assert len(module.lessons) >= 3
    for lesson in module.lessons:
        assert lesson.key_points
        assert lesson.try_this.strip()
        assert len(lesson.body.split()) >= 150, f"{lesson.id} is too thin to teach"


def test_module_has_two_scenarios_with_eight_decisions_and_three_reachable_endings(module: Module) -> None:
    assert len(module.scenarios) >= 2
    for scenario in module.scenarios:
        assert len(scenario.nodes) >= 8, scenario.id
        assert len(scenario.endings) >= 3, scenario.id
        assert len({e.outcome for e in scenario.endings}) >= 3, f"{scenario.id} needs three kinds of outcome"
        analysis = analyse(scenario)
        assert set(analysis.reachable_endings) == {e.id for e in scenario.endings}, scenario.id
        assert analysis.best > analysis.worst, scenario.id
        for node in scenario.nodes:
            assert len(node.choices) >= 2, f"{scenario.id}.{node.id} offers no real decision"
            assert len({c.trust for c in node.choices}) >= 2, f"{scenario.id}.{node.id}: all choices score alike"


def test_module_quiz_has_fifteen_questions_of_four_types(course: Course, module: Module) -> None:
    bank = course.bank_for(module)
    assert bank is not None
    assert len(bank.questions) >= 15
    assert len({q.type for q in bank.questions}) >= 4
    for question in bank.questions:
        assert question.explanation.strip()
        assert question.sources
        assert question.skills
        if isinstance(question, SingleChoice | MultipleSelect):
            for option in question.options:
                assert option.feedback.strip()
                assert not GIVEAWAYS.search(option.text), f"{question.id}: '{option.text}' is a giveaway"


def test_every_source_is_cited(course: Course) -> None:
    cited = {s for m in course.modules for lesson in m.lessons for s in lesson.sources}
    cited |= {q_source for bank in course.banks.values() for q in bank.questions for q_source in q.sources}
    assert cited == set(SOURCES)


def test_every_checklist_fact_is_taught_and_tested(course: Course) -> None:
    taught = Counter(
        fact.checklist for m in course.modules for lesson in m.lessons for fact in lesson.facts if fact.checklist
    )
    tested = Counter(fact for bank in course.banks.values() for q in bank.questions for fact in q.covers)
    assert [fact for fact in CHECKLIST if not taught[fact]] == []
    assert [fact for fact in CHECKLIST if not tested[fact]] == []


def test_taught_facts_cite_the_article_the_checklist_names(course: Course) -> None:
    for module in course.modules:
        for lesson in module.lessons:
            for fact in lesson.facts:
                if fact.checklist:
                    assert fact.source == CHECKLIST[fact.checklist][0], f"{lesson.id}: {fact.text[:40]}"


def test_reported_figures_say_who_reported_them(course: Course) -> None:
    second_hand = {"five-times", "repeat-odds", "ninety-one"}
    for module in course.modules:
        for lesson in module.lessons:
            for fact in lesson.facts:
                if fact.checklist in second_hand:
                    assert fact.reported_by, f"{lesson.id}: '{fact.text[:50]}' needs reported_by"


def test_course_doc_is_current(course: Course) -> None:
    on_disk = (ROOT / "docs" / "course.md").read_text(encoding="utf-8")
    assert on_disk == render_course_doc(course), "run: python -m academy course-doc > docs/course.md"


def test_hard_conversations_has_a_written_channel_role_play_and_outside_sources_named(course: Course) -> None:
    module = course.module("hard-conversations")
    briefs = [scenario.brief.lower() for scenario in module.scenarios]
    assert any("written channel" in brief for brief in briefs), "one role-play must be set in chat, email or a review"
    outside = {source for lesson in module.lessons for source in lesson.sources} - set(ARTICLES)
    assert outside, "the module teaches topics the articles do not cover, so it cites outside sources"
    assert outside <= set(OUTSIDE_SOURCES)
