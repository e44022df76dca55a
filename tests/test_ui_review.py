"""Pages touched by the course review: a gate's hint in the role-play (AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest

from academy import settings
from academy.course.loader import load_course
from academy.review import review_course
from academy.ui import text
from tests.ui_helpers import World, button, no_exceptions, texts, world

__all__ = ["world"]

CLEAN = Path(__file__).parent / "fixtures" / "review" / "clean"


@pytest.fixture
def clean_world(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv(settings.LESSONS_DIR_ENV, str(CLEAN / "lessons"))
    monkeypatch.setenv(settings.QUIZZES_DIR_ENV, str(CLEAN / "quizzes"))
    world.course = load_course(CLEAN / "lessons", CLEAN / "quizzes").course
    return world


def test_a_closed_reply_with_a_hint_is_announced(clean_world: World) -> None:
    scenario = clean_world.course.module("clean").scenarios[0]
    closing = next(node for node in scenario.nodes if node.id == "close")
    hints = [text.course(choice.when.hint) for choice in closing.choices if choice.when and choice.when.hint]
    at = clean_world.app(clean_world.user("ana"), "roleplay", module="clean", scenario=scenario.id)
    button(at, "Start the role-play").click().run()
    # The worst replies keep trust low and make no promise, so both gated replies stay closed.
    for reply in ("Well, deliveries are handled by the courier", "No idea."):
        next(b for b in at.button if b.label.startswith(text.course(reply)[:20])).click().run()
        no_exceptions(at)
    shown = texts(at)
    assert len(hints) == 2
    assert all(hint in shown for hint in hints)
    assert [b.label for b in at.button if (b.key or "").startswith("choice-")] == [text.course("Bye for now.")]


FLAWED = Path(__file__).parent / "fixtures" / "review" / "flawed"


@pytest.fixture
def flawed_world(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv(settings.LESSONS_DIR_ENV, str(FLAWED / "lessons"))
    monkeypatch.setenv(settings.QUIZZES_DIR_ENV, str(FLAWED / "quizzes"))
    world.course = load_course(FLAWED / "lessons", FLAWED / "quizzes").course
    return world


def test_course_health_shows_findings_beside_item_statistics(flawed_world: World) -> None:
    at = flawed_world.app(flawed_world.user("chief", "admin"), "course-health")
    no_exceptions(at)
    metrics = {metric.label: metric.value for metric in at.metric}
    result = load_course(FLAWED / "lessons", FLAWED / "quizzes")
    findings = review_course(result.course)
    assert metrics["Review errors"] == str(sum(f.severity == "error" for f in findings))
    assert metrics["Review warnings"] == str(sum(f.severity == "warning" for f in findings))
    # The bank's own findings stand above its questions.
    assert any("true-false-balance" in element.value for element in at.error)
    health = at.dataframe[0].value
    row = health[health["question_id"] == "longest"].iloc[0]
    assert "correct-longest" in row["rules"]
    assert row["verdict"] == "flawed by rule (no attempts yet)"
    assert list(health.columns[-3:]) == ["facility", "discrimination", "efficiency"]
    # Role-plays: the players' figures and each scenario's findings.
    players = at.dataframe[1].value
    assert players.iloc[0]["longest"] == "100% / 100%"
    assert "hidden-gate" in texts(at)
    # Every finding, with its file and line.
    everything = at.dataframe[2].value
    assert len(everything) == len(findings)
    assert everything.iloc[0]["severity"] == "error"
    assert everything["file"].str.endswith("flawed.yaml").all()


def test_course_health_review_is_for_administrators_only(flawed_world: World) -> None:
    at = flawed_world.app(flawed_world.user("mara", "manager"), "course-health")
    assert "Review errors" not in [metric.label for metric in at.metric]
    assert not at.dataframe
