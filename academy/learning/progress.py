"""Where a learner stands in a module and where "Continue where you left off" leads.

Domain rules over the store's values (summaries, open attempts and runs), shared by every
page that shows progress; the pages only draw them. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from academy.content.schema import Module
from academy.store import Attempt, ModuleSummary, Run, Status


@dataclass(frozen=True)
class Target:
    """A place in a module: a page (``lesson``, ``roleplay`` or ``quiz``), its query parameters, a label."""

    page: str
    params: dict[str, str]
    label: str


@dataclass(frozen=True)
class ModuleStanding:
    """How far through a module a learner is: steps are lessons, role-plays and the quiz."""

    status: Status
    steps_done: int
    steps_total: int

    @property
    def fraction(self) -> float:
        return self.steps_done / self.steps_total if self.steps_total else 0.0


def standing(module: Module, summary: ModuleSummary | None, has_quiz: bool) -> ModuleStanding:
    """Lessons completed, scenarios played to an ending and the quiz passed, out of all of them."""
    total = len(module.lessons) + len(module.scenarios) + (1 if has_quiz else 0)
    if summary is None:
        return ModuleStanding(Status.NOT_STARTED, 0, total)
    done = (
        min(summary.lessons_done, len(module.lessons))
        + min(summary.scenarios_completed, len(module.scenarios))
        + (1 if has_quiz and summary.quiz_passed else 0)
    )
    return ModuleStanding(summary.status, done, total)


def _attempt_activity(attempt: Attempt) -> datetime:
    return max([attempt.started_at, *(answer.answered_at for answer in attempt.answers)])


def _run_activity(run: Run) -> datetime:
    return max([run.started_at, *(choice.made_at for choice in run.choices)])


def resume_target(
    module: Module,
    summary: ModuleSummary | None,
    completed: Iterable[str],
    open_attempt: Attempt | None,
    open_runs: Iterable[Run],
    has_quiz: bool,
) -> Target:
    """Where "Continue where you left off" goes in this module.

    The quiz attempt or role-play left open most recently comes first (the learner was in
    the middle of it); otherwise the lesson last opened, or the one after it once complete;
    then the first role-play not played yet; then the quiz.
    """
    module_param = {"module": module.id}
    open_items: list[tuple[datetime, Target]] = []
    if open_attempt is not None:
        answered = len(open_attempt.answers)
        open_items.append(
            (
                _attempt_activity(open_attempt),
                Target("quiz", module_param, f"Quiz: question {answered + 1} of {len(open_attempt.drawn)}"),
            )
        )
    titles = {scenario.id: scenario.title for scenario in module.scenarios}
    for run in open_runs:
        if run.scenario_id in titles:
            params = {**module_param, "scenario": run.scenario_id}
            target = Target("roleplay", params, f"Role-play: {titles[run.scenario_id]}")
            open_items.append((_run_activity(run), target))
    if open_items:
        return max(open_items, key=lambda item: item[0])[1]
    return _next_step(module, summary, frozenset(completed), has_quiz)


def _next_step(module: Module, summary: ModuleSummary | None, completed: frozenset[str], has_quiz: bool) -> Target:
    module_param = {"module": module.id}
    lesson_ids = [lesson.id for lesson in module.lessons]
    titles = {lesson.id: lesson.title for lesson in module.lessons}
    last = summary.last_lesson_id if summary else None
    if last in titles and last not in completed:
        return Target("lesson", {**module_param, "lesson": last}, f"Lesson: {titles[last]}")
    start = lesson_ids.index(last) + 1 if last in titles else 0
    for lesson_id in lesson_ids[start:] + lesson_ids[:start]:
        if lesson_id not in completed:
            return Target("lesson", {**module_param, "lesson": lesson_id}, f"Lesson: {titles[lesson_id]}")
    played = summary.scenarios_completed if summary else 0
    if module.scenarios and played < len(module.scenarios):
        scenario = module.scenarios[min(played, len(module.scenarios) - 1)]
        return Target("roleplay", {**module_param, "scenario": scenario.id}, f"Role-play: {scenario.title}")
    if has_quiz and not (summary and summary.quiz_passed):
        return Target("quiz", module_param, "Quiz")
    first = module.lessons[0]
    return Target("lesson", {**module_param, "lesson": first.id}, f"Lesson: {first.title}")


def open_runs_by_module(runs: Iterable[Run]) -> dict[str, list[Run]]:
    grouped: dict[str, list[Run]] = {}
    for run in runs:
        if run.status == "in_progress":
            grouped.setdefault(run.module_id, []).append(run)
    return grouped


def open_attempts_by_module(attempts: Iterable[Attempt]) -> dict[str, Attempt]:
    return {attempt.module_id: attempt for attempt in attempts if attempt.status == "in_progress"}


def summaries_for_modules(
    summaries: Mapping[str, ModuleSummary], modules: Iterable[Module]
) -> dict[str, ModuleSummary]:
    """Only the summaries of modules still in the course (a removed module is not listed)."""
    ids = {module.id for module in modules}
    return {module_id: summary for module_id, summary in summaries.items() if module_id in ids}
