"""Pages touched by the course review: a gate's hint in the role-play (AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest

from academy.content.loader import load_course
from academy.ui import session, text
from tests.ui_helpers import World, button, no_exceptions, texts, world

__all__ = ["world"]

CLEAN = Path(__file__).parent / "fixtures" / "review" / "clean"


@pytest.fixture
def clean_world(world: World, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv(session.LESSONS_ENV, str(CLEAN / "lessons"))
    monkeypatch.setenv(session.QUIZZES_ENV, str(CLEAN / "quizzes"))
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
