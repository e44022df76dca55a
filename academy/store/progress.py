"""Learner progress: lessons, quiz attempts, scenario runs, and the summaries they keep current.

Every write appends a learning record and updates the current-state tables in the same
transaction. Writes that a double click or a Streamlit rerun could repeat carry a key
derived from what they are about (``answer:<attempt>:<question>``, ``choice:<run>:<step>``...);
the key is unique in the log, so the repeat finds it and changes nothing.

Lock order, the same in every transaction so PostgreSQL never deadlocks on it: the
attempt or run row first, the learner's module summary last.

The writes live by what they are about: ``lessons.py``, ``attempts.py`` and ``runs.py``,
each on top of ``summaries.py`` (the per-learner module summaries every write keeps current).
"""

from __future__ import annotations

from academy.store.attempts import AttemptsMixin, attempt_from
from academy.store.lessons import LessonsMixin
from academy.store.runs import RunsMixin, run_from

__all__ = ["ProgressMixin", "attempt_from", "run_from"]


class ProgressMixin(LessonsMixin, AttemptsMixin, RunsMixin):
    """Everything a learner's progress is: lessons, quiz attempts, role-play runs and their summaries."""
