"""Draw by blueprint: per-group counts, near-duplicates kept apart, lint of the rows, coverage review."""

from __future__ import annotations

import random
from typing import Any

import pytest

from academy.content.schema import QuizBank
from academy.course.lint import lint_bank
from academy.engine import blueprint
from academy.engine.quiz import draw
from academy.review.quiz_rules import review_bank

TOPICS = {
    "greet": ["greeting a caller", "opening a chat", "answering the phone"],
    "fix": ["fixing a wrong invoice", "replacing a broken plate", "refunding a late delivery"],
    "close": ["closing a call", "promising a call-back", "sending a written summary", "asking for a referral"],
}


def _question(question_id: str, prompt: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": question_id,
        "type": "true_false",
        "prompt": prompt,
        "answer": True,
        "if_true": "Right, and here is why it is right.",
        "if_false": "Not quite, and here is why it is not.",
        "explanation": "Because.",
        "skills": ["listening"],
        "sources": ["creation-over-service"],
        **extra,
    }


def _bank(rows: list[dict[str, Any]], draw_count: int = 5, extra: list[dict[str, Any]] | None = None, **options: Any):
    questions = [
        _question(f"{group}-{i}", f"What matters most when {topic}?", group=group)
        for group, topics in TOPICS.items()
        for i, topic in enumerate(topics)
    ]
    return QuizBank.model_validate(
        {
            "schema_version": 1,
            "id": "b",
            "title": "B",
            "draw": draw_count,
            "blueprint": rows,
            "questions": questions + (extra or []),
            **options,
        }
    )


ROWS = [{"group": "greet", "draw": 1}, {"group": "fix", "draw": 1}, {"group": "close", "draw": 2}]


def _groups(bank: QuizBank, seed: int) -> list[str]:
    by_id = {question.id: question for question in bank.questions}
    return [by_id[drawn.question_id].group or "" for drawn in draw(bank, seed)]


def test_every_attempt_gets_its_share_of_every_group() -> None:
    bank = _bank(ROWS)
    assert lint_bank(bank) == []
    for seed in range(300):
        groups = _groups(bank, seed)
        assert len(groups) == 5
        assert groups.count("greet") >= 1
        assert groups.count("fix") >= 1
        assert groups.count("close") >= 2
        assert len({drawn.question_id for drawn in draw(bank, seed)}) == 5


def test_a_blueprint_draw_is_repeatable_and_varied() -> None:
    bank = _bank(ROWS)
    assert draw(bank, 7) == draw(bank, 7)
    assert len({tuple(d.question_id for d in draw(bank, seed)) for seed in range(50)}) > 10


def test_rows_by_covers_skill_and_level() -> None:
    extra = [
        _question("odds", "Which group buys again most often?", covers=["repeat-odds"], skills=["product-knowledge"]),
        _question("apply-it", "A regular asks for a discount. What do you say?", level="apply"),
    ]
    rows = [{"covers": "repeat-odds", "draw": 1}, {"level": "apply", "draw": 1}]
    bank = _bank(rows, draw_count=3, extra=extra)
    assert lint_bank(bank) == []
    for seed in range(100):
        ids = {d.question_id for d in draw(bank, seed)}
        assert {"odds", "apply-it"} <= ids
    by_skill = _bank([{"skill": "product-knowledge", "draw": 1}], draw_count=2, extra=extra)
    assert all("odds" in {d.question_id for d in draw(by_skill, seed)} for seed in range(50))


def test_near_duplicates_never_meet_in_one_attempt() -> None:
    twins = [
        _question("odds-set", "What are the odds of a sale to a current, lapsed and new customer?", group="close"),
        _question("odds-order", "Order the odds of a sale to a current, lapsed and new customer.", group="close"),
    ]
    bank = _bank(ROWS, draw_count=8, extra=twins)
    assert blueprint.near_duplicate_pairs(bank)[len(bank.questions) - 1] == {len(bank.questions) - 2}
    for seed in range(300):
        ids = {d.question_id for d in draw(bank, seed)}
        assert len(ids) == 8
        assert not {"odds-set", "odds-order"} <= ids


def test_the_pairs_are_worked_out_once_per_loaded_bank(monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[str, str]] = []
    real = blueprint.near_duplicates

    def counted(first: str, second: str) -> bool:
        compared.append((first, second))
        return real(first, second)

    monkeypatch.setattr(blueprint, "near_duplicates", counted)
    bank = _bank(ROWS)
    first = [draw(bank, seed) for seed in range(5)]
    pairs = len(bank.questions) * (len(bank.questions) - 1) // 2
    assert len(compared) == pairs  # one comparison of every two stems, for five draws
    reloaded = QuizBank.model_validate(bank.model_dump())  # a course reload: a new bank object
    assert [draw(reloaded, seed) for seed in range(5)] == first
    assert len(compared) == 2 * pairs


def test_a_full_attempt_wins_over_keeping_twins_apart() -> None:
    # Every question is a near-duplicate of every other: the attempt is still filled.
    questions = [_question(f"q{i}", f"Odds of a sale to a current, lapsed and new customer {i}") for i in range(3)]
    bank = QuizBank.model_validate(
        {
            "schema_version": 1,
            "id": "b",
            "title": "B",
            "draw": 2,
            "blueprint": [{"skill": "listening", "draw": 1}],
            "questions": questions,
        }
    )
    assert all(len(draw(bank, seed)) == 2 for seed in range(20))


def test_without_shuffle_the_bank_order_is_kept() -> None:
    bank = _bank(ROWS, shuffle=False)
    order = [question.id for question in bank.questions]
    for seed in range(20):
        ids = [d.question_id for d in draw(bank, seed)]
        assert ids == sorted(ids, key=order.index)


def test_a_bank_without_blueprint_draws_as_before() -> None:
    bank = _bank([])
    for seed in range(20):
        rng = random.Random(seed)
        picked = sorted(rng.sample(range(len(bank.questions)), bank.draw))
        rng.shuffle(picked)
        assert [d.question_id for d in draw(bank, seed)] == [bank.questions[i].id for i in picked]


@pytest.mark.parametrize(
    ("rows", "draw_count", "expected"),
    [
        ([{"group": "greet", "covers": "snowball", "draw": 1}], 5, (("blueprint", 0), "exactly one of")),
        ([{"draw": 1}], 5, (("blueprint", 0), "exactly one of")),
        ([{"group": "greet", "draw": 4}], 5, (("blueprint", 0, "draw"), "only 3 question(s) have group 'greet'")),
        ([{"group": "nowhere", "draw": 1}], 5, (("blueprint", 0, "draw"), "only 0 question(s) have group 'nowhere'")),
        (ROWS, 3, (("blueprint",), "draw 4 questions but an attempt has only 3")),
    ],
)
def test_lint_of_blueprint_rows(rows: list[dict[str, Any]], draw_count: int, expected: tuple[Any, str]) -> None:
    findings = lint_bank(_bank(rows, draw_count=draw_count))
    loc, text = expected
    assert any(found_loc == loc and text in message for found_loc, message in findings), findings


def test_review_measures_coverage_of_a_blueprint_draw() -> None:
    plain = review_bank(_bank([], draw_count=1))
    missed = {f.subject for f in plain if f.rule == "blueprint-coverage"}
    assert {"group greet", "group fix", "group close"} <= missed
    assert [f for f in review_bank(_bank(ROWS)) if f.rule == "blueprint-coverage"] == []


def test_review_says_a_blueprint_keeps_twins_apart() -> None:
    twins = [
        _question("odds-set", "What are the odds of a sale to a current, lapsed and new customer?", group="close"),
        _question("odds-order", "Order the odds of a sale to a current, lapsed and new customer.", group="close"),
    ]
    found = [
        f
        for f in review_bank(_bank(ROWS, draw_count=8, extra=twins))
        if f.rule == "near-duplicate" and "odds" in f.subject
    ]
    assert len(found) == 1
    assert "never gives both in one attempt" in found[0].message
    plain = [
        f
        for f in review_bank(_bank([], draw_count=8, extra=twins))
        if f.rule == "near-duplicate" and "odds" in f.subject
    ]
    assert "attempt in" in plain[0].message
