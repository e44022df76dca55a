"""A CI-sized run of bench/signin.py: a real server, learners answering, a burst of sign-in tries.

Only what must hold is asserted (every learner action succeeded, every try got an answer
the form gives, no try signed in); the figures belong in docs/benchmarks.md.
"""

from __future__ import annotations

import pytest

from bench import signin


@pytest.mark.slow
def test_a_small_burst_is_answered_and_the_learners_carry_on() -> None:
    figures = signin.run(signin.Options(learners=2, tries=6, seconds=8, think=0.2))

    assert figures.failures == []
    assert len(figures.tries) == 6
    assert {attempt.answer for attempt in figures.tries} <= {"busy", "wrong", "throttled"}
    assert figures.answers, "the learners answered questions"
    assert max(mb for _, mb in figures.rss) > 0
    report = signin.report(figures, "python bench/signin.py --learners 2 --tries 6")
    assert "burst: 6 tries answered" in report
    assert "load average" in report
