"""Words and icons for progress on the learner pages (no Streamlit here).

The rules (how far through a module a learner is, where "Continue where you left off"
leads) are the domain's: ``academy.learning.progress``.
"""

from __future__ import annotations

from academy.store import Status

STATUS_LABELS: dict[Status, str] = {
    Status.NOT_STARTED: "Not started",
    Status.IN_PROGRESS: "In progress",
    Status.PASSED: "Passed",
}
STATUS_ICONS: dict[Status, str] = {
    Status.NOT_STARTED: ":material/radio_button_unchecked:",
    Status.IN_PROGRESS: ":material/pending:",
    Status.PASSED: ":material/check_circle:",
}


def duration(seconds: float) -> str:
    """A human duration: "45 s", "12 min", "1 h 05 min"."""
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def percent(scaled: float | None) -> str:
    return "–" if scaled is None else f"{scaled * 100:.0f}%"
