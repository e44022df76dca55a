"""Catalog (AppTest) and where "Continue where you left off" leads (progress_view)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from academy.engine import quiz as quiz_engine
from academy.settings import DEFAULT_LESSONS_DIR as DEFAULT_LESSONS
from academy.settings import DEFAULT_QUIZZES_DIR as DEFAULT_QUIZZES
from academy.settings import LESSONS_DIR_ENV as LESSONS_ENV
from academy.settings import QUIZZES_DIR_ENV as QUIZZES_ENV
from academy.ui import progress_view, text, words
from tests.ui_helpers import World, no_exceptions, texts, title, world

__all__ = ["world"]


def test_every_module_is_listed_with_objectives_time_and_progress(world: World) -> None:
    at = world.app(world.user("ana"), "catalog")
    no_exceptions(at)
    shown = texts(at)
    modules = sorted(world.course.modules, key=lambda module: module.order)
    assert [element.value for element in at.subheader] == [text.course(module.title) for module in modules]
    for module in modules:
        assert f"about {module.estimated_minutes} min" in shown
        for objective in module.objectives:
            assert text.course(objective) in shown
    bars = at.get("progress")
    assert len(bars) == len(modules)
    assert all(bar.proto.value == 0 for bar in bars)
    assert [button.label for button in at.button if button.key.startswith("continue-")] == ["Start"] * len(modules)


def test_counts_read_as_english(world: World) -> None:
    """Once "1 lessons · 1 role-plays"."""
    at = world.app(world.user("ana"), "catalog")
    shown = texts(at)
    for module in world.course.modules:
        lessons, scenarios = len(module.lessons), len(module.scenarios)
        assert f"{words.count(lessons, 'lesson')} · {words.count(scenarios, 'role-play')}" in shown
    assert "1 lessons" not in shown
    assert "1 role-plays" not in shown
    assert words.count(1, "lesson") == "1 lesson"
    assert words.count(2, "role-play") == "2 role-plays"
    assert words.count(0, "quiz", "quizzes") == "0 quizzes"


def test_status_and_progress_follow_the_learners_work(world: World) -> None:
    learner = world.user("ana")
    module = world.course.module("customer-creation")
    for lesson in module.lessons[:2]:
        world.store.mark_complete(learner.id, module.id, lesson.id, world.version(module.id))
    at = world.app(learner, "catalog")
    steps = len(module.lessons) + len(module.scenarios) + 1
    bar = at.get("progress")[[m.id for m in sorted(world.course.modules, key=lambda m: m.order)].index(module.id)]
    assert bar.proto.text == f"2 of {steps} steps done"
    badges = [element.value for element in at.markdown if "-badge[" in element.value]
    assert sum("In progress" in badge for badge in badges) == 1
    assert sum("Not started" in badge for badge in badges) == len(world.course.modules) - 1
    assert at.button(key=f"continue-{module.id}").label == "Continue where you left off"


def test_continue_opens_the_exact_lesson_left_off(world: World) -> None:
    learner = world.user("ana")
    module = world.course.module("service-recovery")
    lesson = module.lessons[2]
    world.store.mark_viewed(learner.id, module.id, lesson.id, world.version(module.id))
    at = world.app(learner, "catalog")
    at.button(key=f"continue-{module.id}").click().run()
    no_exceptions(at)
    assert title(at) == "Lessons"
    assert at.header[0].value == text.course(lesson.title)


def test_continue_opens_the_open_quiz_at_its_question(world: World) -> None:
    learner = world.user("ana")
    module = world.course.module("promise-keeping")
    bank = world.course.bank_for(module)
    seed = 4242
    drawn = [entry.question_id for entry in quiz_engine.draw(bank, seed)]
    attempt = world.store.start_attempt(learner.id, module.id, bank.id, seed, drawn, world.version(module.id))
    world.store.save_answer(attempt.id, drawn[0], None, 0, 1)
    at = world.app(learner, "catalog")
    at.button(key=f"continue-{module.id}").click().run()
    assert title(at) == "Quizzes"
    assert f"Question 2 of {len(drawn)}" in at.get("progress")[0].proto.text


def test_broken_modules_are_hidden_from_learners(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lessons, quizzes = broken_course(tmp_path)
    monkeypatch.setenv(LESSONS_ENV, str(lessons))
    monkeypatch.setenv(QUIZZES_ENV, str(quizzes))
    at = world.app(world.user("ana"), "catalog")
    assert "A broken tour" not in texts(at)
    assert len(at.subheader) == len(world.course.modules)


def broken_course(folder: Path) -> tuple[Path, Path]:
    """The real course plus one module whose pass mark is out of range (line 'pass_mark: 7')."""
    lessons = folder / "lessons"
    quizzes = folder / "quizzes"
    shutil.copytree(DEFAULT_LESSONS, lessons)
    shutil.copytree(DEFAULT_QUIZZES, quizzes)
    source = (DEFAULT_LESSONS / "orientation.yaml").read_text()
    broken = (
        source.replace("id: orientation\n", "id: broken-tour\n", 1)
        .replace('title: "Start here: a ten-minute tour"', 'title: "A broken tour"', 1)
        .replace("pass_mark: 0.6", "pass_mark: 7", 1)
    )
    assert broken != source
    (lessons / "broken-tour.yaml").write_text(broken)
    return lessons, quizzes


@pytest.mark.parametrize(("seconds", "shown"), [(42, "42 s"), (600, "10 min"), (3900, "1 h 05 min")])
def test_durations_read_naturally(seconds: float, shown: str) -> None:
    assert progress_view.duration(seconds) == shown
