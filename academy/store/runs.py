"""Role-play runs: start one, save each choice with its cost, close it at an ending, or abandon it.

The run row is locked first and the learner's module summary last, as in every write.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, exists, select, update

from academy.store.base import children_of, new_id
from academy.store.details import detail_for
from academy.store.model import (
    ABANDONED,
    FINISHED,
    IN_PROGRESS,
    InvalidActionError,
    ModuleRule,
    NotFoundError,
    Run,
    RunChoice,
    RunClosedError,
    RunEnding,
    SavedChoice,
    Verb,
)
from academy.store.summaries import SummariesBase, best_of, check_finite
from academy.store.tables import (
    scenario_choices,
    scenario_runs,
)


class RunsMixin(SummariesBase):
    def start_run(
        self, user_id: int, module_id: str, scenario_id: str, version: str, *, run_id: str | None = None
    ) -> Run:
        """Start a role-play run, or return the learner's open run of this scenario.

        To start over mid-run, ``abandon_run`` first; after an ending, a new run starts.
        """

        def work(connection: Connection) -> Run:
            now = self._now()
            summary = self._lock_summary(connection, user_id, module_id, version, now)
            open_run = (
                connection.execute(
                    select(scenario_runs).where(
                        scenario_runs.c.user_id == user_id,
                        scenario_runs.c.scenario_id == scenario_id,
                        scenario_runs.c.status == IN_PROGRESS,
                    )
                )
                .mappings()
                .first()
            )
            if open_run is not None:
                return self._run(connection, open_run)
            if run_id is not None:
                earlier = self._run_row(connection, run_id)
                if earlier is not None:
                    return self._run(connection, earlier)
            new_run = {
                "id": run_id or new_id(),
                "user_id": user_id,
                "module_id": module_id,
                "scenario_id": scenario_id,
                "content_version": version,
                "status": IN_PROGRESS,
                "path": [],
                "started_at": now,
                "last_activity_at": now,
            }
            connection.execute(scenario_runs.insert().values(**new_run))
            self._log(
                connection,
                key=f"scenario_started:{new_run['id']}",
                user_id=user_id,
                module_id=module_id,
                version=version,
                verb=Verb.SCENARIO_STARTED,
                at=now,
                scenario_id=scenario_id,
                run_id=str(new_run["id"]),
            )
            self._save_summary(connection, summary, now, version)
            return self._run(connection, new_run)

        return self._write(work)

    def save_choice(
        self,
        run_id: str,
        step: int,
        node_id: str,
        choice_index: int,
        cost: float | None,
        *,
        detail: dict[str, Any] | None = None,
        ending: RunEnding | None = None,
        passes_module: ModuleRule | None = None,
    ) -> SavedChoice:
        """Save the choice made at ``step`` (0 for the first) of a run: the stored choice and the run as it now stands.

        ``cost`` is what the engine says the choice cost against the best one at that node.
        A repeat of a step already saved changes nothing and returns the stored choice (the
        first one wins). When the choice reached an ending, pass it as ``ending``: the run
        is closed in the same transaction, as ``finish_run`` would. Raises NotFoundError,
        RunClosedError, or InvalidActionError when ``step`` skips ahead.
        """
        if cost is not None:
            check_finite(cost)

        def work(connection: Connection) -> SavedChoice:
            run = self._run_row(connection, run_id, for_update=True)
            if run is None:
                raise NotFoundError(f"no scenario run {run_id}")
            # Every choice so far in one read: whether this step is in, and the run to return.
            made = self._choices_of(connection, [run_id]).get(run_id, ())
            stored = next((each for each in made if each.step == step), None)
            if stored is not None:
                return SavedChoice(stored, run_from(run, made))
            if run["status"] != IN_PROGRESS:
                raise RunClosedError(f"run {run_id} is {run['status']}")
            if step != len(run["path"]):
                raise InvalidActionError(f"run {run_id} is at step {len(run['path'])}, not {step}")
            now = self._now()
            choice = RunChoice(
                step=step,
                node_id=node_id,
                choice_index=choice_index,
                cost=None if cost is None else float(cost),
                made_at=now,
            )
            connection.execute(
                scenario_choices.insert().values(
                    run_id=run_id,
                    step=step,
                    user_id=run["user_id"],
                    scenario_id=run["scenario_id"],
                    node_id=node_id,
                    choice_index=choice_index,
                    cost=choice.cost,
                    made_at=now,
                )
            )
            path = [*run["path"], choice_index]
            connection.execute(
                update(scenario_runs).where(scenario_runs.c.id == run_id).values(path=path, last_activity_at=now)
            )
            self._log_about(
                connection,
                run,
                key=f"choice:{run_id}:{step}",
                verb=Verb.CHOICE_MADE,
                at=now,
                detail=detail_for(
                    Verb.CHOICE_MADE, {"step": step, "choice_index": choice_index, "cost": choice.cost}, detail
                ),
                scenario_id=run["scenario_id"],
                run_id=run_id,
                node_id=node_id,
            )
            choices = (*made, choice)
            if ending is not None:
                closed = self._close_run(connection, {**run, "path": path}, ending, now, passes_module)
                return SavedChoice(choice, run_from({**run, "path": path, **closed}, choices))
            summary = self._lock_summary(connection, run["user_id"], run["module_id"], run["content_version"], now)
            self._save_summary(connection, summary, now, run["content_version"])
            return SavedChoice(choice, run_from({**run, "path": path}, choices))

        return self._write(work)

    def finish_run(
        self,
        run_id: str,
        ending_id: str,
        outcome: str,
        score: float,
        best: float,
        worst: float,
        *,
        scaled: float,
        detail: dict[str, Any] | None = None,
        passes_module: ModuleRule | None = None,
    ) -> Run:
        """Close a run at an ending with the engine's score, the best and worst possible, and
        where the score sits between them (``scaled``, 0 to 1).

        The module is passed when ``passes_module`` says so. Finishing twice changes nothing.
        Raises NotFoundError, or RunClosedError for an abandoned run.
        """
        check_finite(score, best, worst)
        ending = RunEnding(
            ending_id, outcome, float(score), float(best), float(worst), float(scaled), dict(detail or {})
        )

        def work(connection: Connection) -> Run:
            run = self._run_row(connection, run_id, for_update=True)
            if run is None:
                raise NotFoundError(f"no scenario run {run_id}")
            if run["status"] == FINISHED:
                return self._run(connection, run)
            if run["status"] == ABANDONED:
                raise RunClosedError(f"run {run_id} was abandoned")
            values = self._close_run(connection, run, ending, self._now(), passes_module)
            return self._run(connection, {**run, **values})

        return self._write(work)

    def _close_run(
        self,
        connection: Connection,
        run: Mapping[Any, Any],
        ending: RunEnding,
        now: datetime,
        passes_module: ModuleRule | None,
    ) -> dict[str, Any]:
        """Finish a locked open run: its row, the ``ending_reached`` record and the summary."""
        check_finite(ending.score, ending.best, ending.worst, ending.scaled)
        run_id = run["id"]
        values = {
            "status": FINISHED,
            "ending_id": ending.ending_id,
            "outcome": ending.outcome,
            "score": ending.score,
            "best": ending.best,
            "worst": ending.worst,
            "finished_at": now,
            "last_activity_at": now,
        }
        connection.execute(update(scenario_runs).where(scenario_runs.c.id == run_id).values(**values))
        self._log_about(
            connection,
            run,
            key=f"ending:{run_id}",
            verb=Verb.ENDING_REACHED,
            at=now,
            detail=detail_for(
                Verb.ENDING_REACHED,
                {
                    "ending_id": ending.ending_id,
                    "outcome": ending.outcome,
                    "score": ending.score,
                    "best": ending.best,
                    "worst": ending.worst,
                    "scaled": ending.scaled,
                    "steps": len(run["path"]),
                    "duration_s": (now - run["started_at"]).total_seconds(),
                },
                ending.detail,
            ),
            scenario_id=run["scenario_id"],
            run_id=run_id,
        )
        finished_before = connection.execute(
            select(
                exists().where(
                    scenario_runs.c.user_id == run["user_id"],
                    scenario_runs.c.scenario_id == run["scenario_id"],
                    scenario_runs.c.status == FINISHED,
                    scenario_runs.c.id != run_id,
                )
            )
        ).scalar()
        version = run["content_version"]
        summary = self._lock_summary(connection, run["user_id"], run["module_id"], version, now)
        self._save_summary(
            connection,
            summary,
            now,
            version,
            passes_module=passes_module,
            scenario_runs=summary["scenario_runs"] + 1,
            scenarios_completed=summary["scenarios_completed"] + (0 if finished_before else 1),
            best_scenario_scaled=best_of(summary["best_scenario_scaled"], ending.scaled),
        )
        return values

    def abandon_run(self, run_id: str) -> bool:
        """Give up an open run (to start the scenario over). True if it was open."""

        def work(connection: Connection) -> bool:
            run = self._run_row(connection, run_id, for_update=True)
            if run is None:
                raise NotFoundError(f"no scenario run {run_id}")
            if run["status"] != IN_PROGRESS:
                return False
            now = self._now()
            connection.execute(
                update(scenario_runs).where(scenario_runs.c.id == run_id).values(status=ABANDONED, last_activity_at=now)
            )
            self._log_about(
                connection,
                run,
                key=f"scenario_abandoned:{run_id}",
                verb=Verb.SCENARIO_ABANDONED,
                at=now,
                detail=detail_for(Verb.SCENARIO_ABANDONED, {"steps": len(run["path"])}),
                scenario_id=run["scenario_id"],
                run_id=run_id,
            )
            summary = self._lock_summary(connection, run["user_id"], run["module_id"], run["content_version"], now)
            self._save_summary(connection, summary, now, run["content_version"])
            return True

        return self._write(work)

    def in_progress_run(self, user_id: int, scenario_id: str) -> Run | None:
        """The learner's open run of this scenario, with its choices so far (to resume)."""
        query = select(scenario_runs).where(
            scenario_runs.c.user_id == user_id,
            scenario_runs.c.scenario_id == scenario_id,
            scenario_runs.c.status == IN_PROGRESS,
        )
        return self._read_first(query, self._run)

    def run_detail(self, run_id: str) -> Run | None:
        return self._read_first(select(scenario_runs).where(scenario_runs.c.id == run_id), self._run)

    def runs(self, user_id: int, *, module_id: str | None = None, scenario_id: str | None = None) -> list[Run]:
        """A learner's runs with their choices, oldest first."""
        query = select(scenario_runs).where(scenario_runs.c.user_id == user_id)
        if module_id is not None:
            query = query.where(scenario_runs.c.module_id == module_id)
        if scenario_id is not None:
            query = query.where(scenario_runs.c.scenario_id == scenario_id)
        query = query.order_by(scenario_runs.c.started_at)

        def read(connection: Connection) -> list[Run]:
            rows = connection.execute(query).mappings().all()
            choices = self._choices_of(connection, [row["id"] for row in rows])
            return [run_from(row, choices.get(row["id"], ())) for row in rows]

        return self._read(read)

    @staticmethod
    def _run_row(connection: Connection, run_id: str, *, for_update: bool = False) -> RowMapping | None:
        query = select(scenario_runs).where(scenario_runs.c.id == run_id)
        if for_update:
            query = query.with_for_update()
        return connection.execute(query).mappings().first()

    def _run(self, connection: Connection, row: Any) -> Run:
        return run_from(row, self._choices_of(connection, [row["id"]]).get(row["id"], ()))

    @staticmethod
    def _choices_of(connection: Connection, run_ids: Sequence[str]) -> dict[str, tuple[RunChoice, ...]]:
        return children_of(connection, scenario_choices, "run_id", "step", run_ids, _choice_from)


def _choice_from(row: Any) -> RunChoice:
    return RunChoice(
        step=row["step"],
        node_id=row["node_id"],
        choice_index=row["choice_index"],
        cost=row["cost"],
        made_at=row["made_at"],
    )


def run_from(row: Any, choices: tuple[RunChoice, ...]) -> Run:
    return Run(
        id=row["id"],
        user_id=row["user_id"],
        module_id=row["module_id"],
        scenario_id=row["scenario_id"],
        content_version=row["content_version"],
        status=row["status"],
        path=tuple(row["path"]),
        choices=choices,
        ending_id=row.get("ending_id"),
        outcome=row.get("outcome"),
        score=row.get("score"),
        best=row.get("best"),
        worst=row.get("worst"),
        started_at=row["started_at"],
        finished_at=row.get("finished_at"),
    )
