"""What the learning actions refuse, beyond the store's own errors (which pass through unchanged)."""

from __future__ import annotations


class LearningError(Exception):
    """A learner's action that cannot be taken."""


class NotInCourseError(LearningError, LookupError):
    """The module, lesson, scenario or quiz named is not in the loaded course."""


class ContentChangedError(LearningError):
    """The quiz or role-play changed since the attempt or run began, so it cannot go on."""


class InvalidResponseError(LearningError, ValueError):
    """A quiz response that is not a well-formed answer to its question."""
