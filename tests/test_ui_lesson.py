"""Lesson reader (AppTest): the text and its sources, views and completion saved, previous / next."""

from __future__ import annotations

import re

import pytest

from academy.content.sources import SOURCES
from academy.store import Verb
from academy.ui import text
from tests.ui_helpers import World, button, no_exceptions, texts, world

__all__ = ["world"]

MODULE = "customer-creation"


def test_the_lesson_shows_its_body_key_points_try_this_facts_and_sources(world: World) -> None:
    lesson = world.course.module(MODULE).lessons[0]
    at = world.app(world.user("ana"), "lesson", module=MODULE, lesson=lesson.id)
    no_exceptions(at)
    shown = texts(at)
    assert at.header[0].value == text.course(lesson.title)
    assert text.course(lesson.body) in shown
    for point in lesson.key_points:
        assert text.course(point) in shown
    assert text.course(lesson.try_this) in shown
    for fact in lesson.facts:
        assert text.course(fact.text) in shown
        if fact.reported_by:
            assert f"Reported by {text.course(fact.reported_by)}" in shown
    for source in {*lesson.sources, *(fact.source for fact in lesson.facts)}:
        assert text.course(SOURCES[source]) in shown


def test_a_fact_reported_by_someone_says_so(world: World) -> None:
    lesson, fact = next(
        (lesson, fact)
        for module in world.course.modules
        for lesson in module.lessons
        for fact in lesson.facts
        if fact.reported_by
    )
    module = next(module for module in world.course.modules if lesson in module.lessons)
    at = world.app(world.user("ana"), "lesson", module=module.id, lesson=lesson.id)
    assert f"*Reported by {text.course(fact.reported_by)}.*" in texts(at)


def test_dollar_amounts_are_not_turned_into_formulas(world: World) -> None:
    module, lesson = next(
        (module, lesson) for module in world.course.modules for lesson in module.lessons if "$" in lesson.body
    )
    at = world.app(world.user("ana"), "lesson", module=module.id, lesson=lesson.id)
    body = next(element.value for element in at.markdown if "\\$" in element.value)
    assert "$" not in body.replace("\\$", "")


def test_opening_a_lesson_is_saved_once_not_on_every_rerun(world: World) -> None:
    learner = world.user("ana")
    lesson = world.course.module(MODULE).lessons[1]
    at = world.app(learner, "lesson", module=MODULE, lesson=lesson.id)
    assert world.store.lesson_progress(learner.id, MODULE)[lesson.id].first_viewed_at is not None
    assert world.store.module_summaries(learner.id)[MODULE].last_lesson_id == lesson.id
    records = world.store.count_records(user_id=learner.id)
    at.run()
    at.run()
    assert world.store.count_records(user_id=learner.id) == records


def test_mark_complete_saves_and_updates_the_module_progress_at_once(world: World) -> None:
    learner = world.user("ana")
    module = world.course.module(MODULE)
    lesson = module.lessons[0]
    at = world.app(learner, "lesson", module=MODULE, lesson=lesson.id)
    assert f"0 of {len(module.lessons)} lessons complete" in at.get("progress")[0].proto.text
    button(at, "Mark complete").click().run()
    no_exceptions(at)
    assert world.store.completed_lessons(learner.id, MODULE) == {lesson.id}
    assert f"1 of {len(module.lessons)} lessons complete" in at.get("progress")[0].proto.text
    assert [element.value for element in at.success] == ["You completed this lesson."]
    assert "Mark complete" not in [element.label for element in at.button]
    verbs = [record.verb for record in world.store.records(user_id=learner.id)]
    assert verbs.count(Verb.LESSON_COMPLETED) == 1


def test_previous_and_next_walk_through_the_module(world: World) -> None:
    module = world.course.module(MODULE)
    at = world.app(world.user("ana"), "lesson", module=MODULE)
    assert at.header[0].value == text.course(module.lessons[0].title)
    assert not any(element.label.startswith("Previous") for element in at.button)
    next(element for element in at.button if element.label.startswith("Next")).click().run()
    assert at.header[0].value == text.course(module.lessons[1].title)
    next(element for element in at.button if element.label.startswith("Previous")).click().run()
    assert at.header[0].value == text.course(module.lessons[0].title)


def test_an_unknown_lesson_or_module_falls_back_to_the_first(world: World) -> None:
    at = world.app(world.user("ana"), "lesson", module="no-such-module", lesson="nope")
    first = sorted(world.course.modules, key=lambda module: module.order)[0]
    assert at.selectbox[0].value == first.id
    assert at.header[0].value == text.course(first.lessons[0].title)
    assert "That module is not available" in at.warning[0].value


def test_changing_module_opens_its_first_lesson(world: World) -> None:
    at = world.app(world.user("ana"), "lesson", module=MODULE)
    other = world.course.module("service-recovery")
    at.selectbox[0].set_value(other.id).run()
    at.run()
    assert at.header[0].value == text.course(other.lessons[0].title)


def test_course_markdown_escapes_only_dollars_and_user_text_escapes_everything() -> None:
    assert text.course("**Save $25** today") == "**Save \\$25** today"
    assert text.course("already \\$5") == "already \\$5"
    assert text.plain("**bold** [x](http://e) <b>$1</b>") == (
        "\\*\\*bold\\*\\* \\[x\\]\\(http\\:\u2060//e\\) \\<b\\>\\$1\\</b\\>"
    )


@pytest.mark.parametrize(
    "name", ["http://host/beacon.png", "see https://x.example", "www.x.example", "ana@x.example", "ftp://x"]
)
def test_user_text_breaks_every_gfm_autolink_pattern(name: str) -> None:
    # The patterns remark-gfm's autolink transform looks for in text (after escapes are read).
    shown = text.plain(name).replace("\\", "")
    assert not re.search(r"[a-z][a-z0-9+.-]*://|www\.|[-.\w+]+@[-\w]+(\.[-\w]+)+", shown, re.IGNORECASE)
    assert shown.replace(text.WORD_JOINER, "") == name
