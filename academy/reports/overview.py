"""Team overview: learner x module matrix, completion per module, quiz scores, last activity.

Reads O(team) rows: the chosen learners' module summaries (kept current by the store on
every write) and their finished quiz attempts; never the whole learning-record log.

Date range (``Period``, whole UTC days, both ends included):
* learners listed: those who did something in the period (one indexed look at each
  learner's slice of the log); without a period, every learner of the chosen teams;
* matrix cells: the status and best score as of now;
* completion per module: share of the listed learners who passed it, and how many passed
  it within the period;
* score distribution: the quiz attempts finished within the period.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pandas as pd

from academy.content.schema import Course
from academy.reports.access import Learner, Scope, learners
from academy.store import ModuleSummary, Status, Store
from academy.store.analysis import ATTEMPT_COLUMNS, Rows

STATUS_LABELS = {
    Status.NOT_STARTED.value: "Not started",
    Status.IN_PROGRESS.value: "In progress",
    Status.PASSED.value: "Passed",
}

CELL_COLUMNS = [
    "user_id",
    "username",
    "display_name",
    "teams",
    "module_id",
    "module",
    "status",
    "best_quiz",
    "best_scenario",
    "quiz_attempts",
    "quiz_failures",
    "lessons_done",
    "lessons_total",
    "started_at",
    "completed_at",
    "last_activity",
]
LEARNER_COLUMNS = ["user_id", "username", "display_name", "teams", "modules_passed", "modules_started", "last_activity"]
COMPLETION_COLUMNS = [
    "module_id",
    "module",
    "learners",
    "passed",
    "in_progress",
    "not_started",
    "completion_rate",
    "passed_in_period",
]
SCORE_COLUMNS = ["user_id", "username", "module_id", "module", "number", "scaled", "passed", "finished_at"]


@dataclass(frozen=True, slots=True)
class Period:
    """Whole UTC days from ``start`` to ``end``, both included; an open end is unbounded."""

    start: date | None = None
    end: date | None = None

    def __post_init__(self) -> None:
        if self.start and self.end and self.start > self.end:
            raise ValueError("the period starts after it ends")

    @property
    def bounded(self) -> bool:
        return self.start is not None or self.end is not None

    @property
    def since(self) -> datetime | None:
        return datetime.combine(self.start, time(), tzinfo=UTC) if self.start else None

    @property
    def until(self) -> datetime | None:
        """Exclusive upper bound: midnight after ``end``."""
        return datetime.combine(self.end + timedelta(days=1), time(), tzinfo=UTC) if self.end else None

    def contains(self, moment: datetime | None) -> bool:
        if moment is None or pd.isna(moment):
            return False
        since, until = self.since, self.until
        return (since is None or moment >= since) and (until is None or moment < until)


ALL_TIME = Period()


@dataclass(frozen=True)
class TeamOverview:
    modules: pd.DataFrame
    """module_id, module (title), pass_mark, has_quiz: in catalog order."""
    learners: pd.DataFrame
    """One row per listed learner (``LEARNER_COLUMNS``)."""
    cells: pd.DataFrame
    """One row per learner and module (``CELL_COLUMNS``); modules never opened are "not_started"."""
    completion: pd.DataFrame
    """One row per module (``COMPLETION_COLUMNS``)."""
    scores: pd.DataFrame
    """One row per finished quiz attempt in the period (``SCORE_COLUMNS``); ``scaled`` in 0..1."""

    def matrix(self) -> pd.DataFrame:
        """Learner x module: "Passed · 85%", "In progress", "Not started" (best quiz score when there is one)."""
        labelled = self.cells.assign(
            label=[
                _cell_label(status, best)
                for status, best in zip(self.cells["status"], self.cells["best_quiz"], strict=True)
            ]
        )
        return self._wide(labelled, "label")

    def matrix_status(self) -> pd.DataFrame:
        """The status codes behind ``matrix()``, same shape, for colouring the cells."""
        return self._wide(self.cells, "status")

    def _wide(self, cells: pd.DataFrame, value: str) -> pd.DataFrame:
        titles = list(self.modules["module"])
        if cells.empty:
            return pd.DataFrame(columns=titles, index=pd.Index([], name="Learner"))
        wide = cells.pivot(index="username", columns="module", values=value)
        wide = wide.reindex(index=list(self.learners["username"]), columns=titles)
        wide.index = pd.Index(_learner_labels(self.learners), name="Learner")
        wide.columns.name = None
        return wide

    def export_frame(self) -> pd.DataFrame:
        """The matrix for a CSV file: one row per learner, a status and a best-score column per module."""
        frame = self.learners[["username", "display_name", "teams", "last_activity"]].copy()
        for module_id in self.modules["module_id"]:
            cells = self.cells[self.cells["module_id"] == module_id].set_index("username")
            frame[f"{module_id} status"] = frame["username"].map(cells["status"].map(STATUS_LABELS))
            frame[f"{module_id} best quiz %"] = frame["username"].map(
                (cells["best_quiz"].astype(float) * 100).round(0).astype("Int64")
            )
        return frame


def _cell_label(status: str, best: float | None) -> str:
    label = STATUS_LABELS[status]
    if best is not None and not pd.isna(best):
        return f"{label} · {best:.0%}"
    return label


def _learner_labels(learner_rows: pd.DataFrame) -> list[str]:
    # Display names can repeat; the username after them keeps each row distinct.
    return [
        f"{name} ({username})" if name != username else username
        for name, username in zip(learner_rows["display_name"], learner_rows["username"], strict=True)
    ]


def modules_frame(course: Course) -> pd.DataFrame:
    ordered = sorted(course.modules, key=lambda module: (module.order, module.id))
    return pd.DataFrame(
        [(m.id, m.title, m.pass_mark, m.quiz is not None, len(m.lessons)) for m in ordered],
        columns=["module_id", "module", "pass_mark", "has_quiz", "lessons_total"],
    )


def team_overview(
    store: Store,
    course: Course,
    scope: Scope,
    *,
    team_ids: Iterable[int] | None = None,
    period: Period = ALL_TIME,
) -> TeamOverview:
    """The overview of the chosen teams (all the viewer's teams when ``team_ids`` is None)."""
    people = learners(store, scope, team_ids)
    summaries = store.summaries_for([person.id for person in people]) if people else []
    modules = modules_frame(course)
    cells = build_cells(people, summaries, modules)
    if period.bounded:
        active = store.active_learners([p.id for p in people], since=period.since, until=period.until)
        cells = cells[cells["user_id"].isin(active)]
        people = [person for person in people if person.id in active]
    learner_rows = _learner_rows(people, cells)
    attempts = (
        pd.DataFrame(columns=list(ATTEMPT_COLUMNS))
        if not people
        else frame(store.finished_attempt_table([p.id for p in people], since=period.since, until=period.until))
    )
    return TeamOverview(
        modules=modules[["module_id", "module", "pass_mark", "has_quiz"]],
        learners=learner_rows,
        cells=cells.reset_index(drop=True),
        completion=completion_rates(cells, modules, period),
        scores=score_rows(attempts, people, modules),
    )


def frame(rows: Rows) -> pd.DataFrame:
    """A store column read (``Rows``) as a DataFrame."""
    return pd.DataFrame(rows.rows, columns=list(rows.columns))


def build_cells(people: Sequence[Learner], summaries: Sequence[ModuleSummary], modules: pd.DataFrame) -> pd.DataFrame:
    """Every (learner, module) pair of the course, filled from the summaries that exist."""
    by_key = {(summary.user_id, summary.module_id): summary for summary in summaries}
    rows = []
    for person in people:
        for module_id, title, lessons_total in zip(
            modules["module_id"], modules["module"], modules["lessons_total"], strict=True
        ):
            summary = by_key.get((person.id, module_id))
            rows.append(_cell(person, module_id, title, lessons_total, summary))
    return pd.DataFrame(rows, columns=CELL_COLUMNS)


def _cell(
    person: Learner, module_id: str, title: str, lessons_total: int, summary: ModuleSummary | None
) -> tuple[object, ...]:
    who = (person.id, person.username, person.display_name, person.team_label, module_id, title)
    if summary is None:
        return (*who, Status.NOT_STARTED.value, None, None, 0, 0, 0, lessons_total, None, None, None)
    return (
        *who,
        summary.status.value,
        summary.best_quiz_scaled,
        summary.best_scenario_scaled,
        summary.quiz_attempts,
        summary.quiz_failures,
        summary.lessons_done,
        lessons_total,
        summary.started_at,
        summary.completed_at,
        summary.last_activity_at,
    )


def _learner_rows(people: Sequence[Learner], cells: pd.DataFrame) -> pd.DataFrame:
    # Plain loops over a few hundred cells: cheaper than pandas' per-group machinery here.
    passed: dict[int, int] = {}
    started: dict[int, int] = {}
    last: dict[int, object] = {}
    for user_id, status, moment in zip(cells["user_id"], cells["status"], cells["last_activity"], strict=True):
        passed[user_id] = passed.get(user_id, 0) + (status == Status.PASSED.value)
        started[user_id] = started.get(user_id, 0) + (status != Status.NOT_STARTED.value)
        if not pd.isna(moment) and (last.get(user_id) is None or moment > last[user_id]):
            last[user_id] = moment
    rows = [
        (
            person.id,
            person.username,
            person.display_name,
            person.team_label,
            passed.get(person.id, 0),
            started.get(person.id, 0),
            last.get(person.id),
        )
        for person in people
    ]
    return pd.DataFrame(rows, columns=LEARNER_COLUMNS)


def completion_rates(cells: pd.DataFrame, modules: pd.DataFrame, period: Period = ALL_TIME) -> pd.DataFrame:
    """Per module: how many listed learners passed, are on it, or have not started; and the pass rate."""
    listed = cells["user_id"].nunique()
    counts: dict[tuple[str, str], int] = {}
    in_period: dict[str, int] = {}
    for module_id, status, completed in zip(cells["module_id"], cells["status"], cells["completed_at"], strict=True):
        counts[(module_id, status)] = counts.get((module_id, status), 0) + 1
        if status == Status.PASSED.value and (not period.bounded or period.contains(completed)):
            in_period[module_id] = in_period.get(module_id, 0) + 1
    rows = []
    for module_id, title in zip(modules["module_id"], modules["module"], strict=True):
        passed = counts.get((module_id, Status.PASSED.value), 0)
        rows.append(
            (
                module_id,
                title,
                listed,
                passed,
                counts.get((module_id, Status.IN_PROGRESS.value), 0),
                counts.get((module_id, Status.NOT_STARTED.value), 0),
                passed / listed if listed else None,
                in_period.get(module_id, 0),
            )
        )
    return pd.DataFrame(rows, columns=COMPLETION_COLUMNS)


def score_rows(attempts: pd.DataFrame, people: Sequence[Learner], modules: pd.DataFrame) -> pd.DataFrame:
    """Finished attempts with their scaled score (score / max) and the module's title."""
    if attempts.empty:
        return pd.DataFrame(columns=SCORE_COLUMNS)
    usernames = {person.id: person.username for person in people}
    titles = dict(zip(modules["module_id"], modules["module"], strict=True))
    frame = attempts[attempts["module_id"].isin(titles.keys())].copy()
    frame["username"] = frame["user_id"].map(usernames)
    frame["module"] = frame["module_id"].map(titles)
    maximum = frame["max_score"].where(frame["max_score"] > 0)
    frame["scaled"] = (frame["score"] / maximum).fillna(0.0)
    return frame[SCORE_COLUMNS].sort_values(["module", "finished_at"]).reset_index(drop=True)
