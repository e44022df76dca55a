"""Question (item) analysis of one quiz bank, with the classical statistics as Moodle defines them.

Definitions (Moodle, "Quiz statistics calculations"), for one item *i* over the *S*
finished attempts that were given it; ``x`` is the item's score in an attempt and ``X``
the rest of the test, the attempt's total minus ``x``:

facility index
    ``mean(x) / max`` (0..1; Moodle shows it as a percentage).
standard deviation
    ``sqrt(sum((x - mean(x))**2) / (S - 1)) / max``: the sample SD as a share of the maximum.
discrimination index
    Pearson's correlation of ``x`` with ``X`` (-1..1; Moodle shows x100). Using the rest of
    the test, not the total, keeps the item from correlating with itself.
discriminative efficiency
    ``cov(x, X) / cov_max(x, X)``, where ``cov_max`` is the covariance the two score
    distributions would have if they were perfectly ordered together (both sorted). It says
    how much of the discrimination the item could show, it does show. Items under 15 % are
    flagged as doubtful, as Moodle does.
Cronbach's alpha (Moodle's "coefficient of internal consistency")
    ``k / (k - 1) * (1 - sum(var(x_i)) / var(T))`` on the attempts x items matrix. Written
    as ``k * c / (v + (k - 1) * c)``, with ``v`` the mean item variance and ``c`` the mean
    covariance between two items, it is the same number, and it stays defined when attempts
    draw different questions from the bank.

Random draws: an attempt answers ``draw`` questions out of the bank, so each item's
figures are computed on the attempts that were given it and answered it, and alpha uses
each pair of items on the attempts that were given both (pairwise-complete covariances),
with ``k`` the mean number of items per attempt. With no random draw (every attempt sees
every item) this is exactly the classical alpha. Only finished attempts count: an open
attempt has no total yet.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from academy.content.schema import (
    Course,
    Question,
    QuizBank,
)
from academy.engine.questions import type_of
from academy.reports.access import Scope, learners
from academy.reports.overview import frame
from academy.store import Store
from academy.store.analysis import BANK_ANSWER_COLUMNS

DOUBTFUL_EFFICIENCY = 0.15
"""Items whose discriminative efficiency is below this are flagged (Moodle's threshold)."""


ITEM_COLUMNS = [
    "question_id",
    "type",
    "prompt",
    "attempts",
    "max_points",
    "mean_points",
    "facility",
    "sd",
    "discrimination",
    "efficiency",
    "doubtful",
    "flag",
]
OPTION_COLUMNS = ["question_id", "label", "count", "share", "correct"]


# --- the formulas ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemFigures:
    """The classical statistics of one item; NaN where the data cannot define them."""

    attempts: int
    mean_points: float
    facility: float
    sd: float
    discrimination: float
    efficiency: float


def item_figures(
    item: Sequence[float] | np.ndarray, total: Sequence[float] | np.ndarray, max_points: float
) -> ItemFigures:
    """Statistics of one item from its scores and the totals of the same attempts (see the module doc)."""
    x = np.asarray(item, dtype=float)
    t = np.asarray(total, dtype=float)
    if x.shape != t.shape:
        raise ValueError("an item's scores and the attempt totals must pair up")
    attempts = int(x.size)
    if attempts == 0:
        return ItemFigures(0, math.nan, math.nan, math.nan, math.nan, math.nan)
    mean = float(x.mean())
    facility = mean / max_points if max_points > 0 else math.nan
    if attempts < 2:
        return ItemFigures(attempts, mean, facility, math.nan, math.nan, math.nan)
    rest = t - x
    sd = float(x.std(ddof=1))
    covariance = _covariance(x, rest)
    spread = math.sqrt(float(x.var(ddof=1)) * float(rest.var(ddof=1)))
    discrimination = covariance / spread if spread > 0 else math.nan
    best_covariance = _covariance(np.sort(x), np.sort(rest))
    efficiency = covariance / best_covariance if best_covariance > 0 else math.nan
    return ItemFigures(
        attempts=attempts,
        mean_points=mean,
        facility=facility,
        sd=sd / max_points if max_points > 0 else math.nan,
        discrimination=discrimination,
        efficiency=efficiency,
    )


def _covariance(a: np.ndarray, b: np.ndarray) -> float:
    return float(((a - a.mean()) * (b - b.mean())).sum() / (a.size - 1))


def cronbach_alpha(scores: pd.DataFrame) -> float:
    """Alpha of an attempts x items matrix of points (NaN where an attempt was not given the item).

    NaN when it is undefined: fewer than two items, or no variance to speak of.
    """
    matrix = scores.astype(float)
    seen = matrix.notna()
    items_per_attempt = float(seen.sum(axis=1).mean()) if len(matrix) else 0.0
    if matrix.shape[1] < 2 or items_per_attempt < 2:
        return math.nan
    covariances = matrix.cov(min_periods=2).to_numpy()
    variances = np.diag(covariances)
    off_diagonal = covariances[~np.eye(len(covariances), dtype=bool)]
    mean_variance = float(np.nanmean(variances)) if np.isfinite(variances).any() else math.nan
    known = off_diagonal[np.isfinite(off_diagonal)]
    if not known.size or not math.isfinite(mean_variance):
        return math.nan
    mean_covariance = float(known.mean())
    k = items_per_attempt
    denominator = mean_variance + (k - 1) * mean_covariance
    if denominator <= 0:
        return math.nan
    return k * mean_covariance / denominator


# --- a whole bank ------------------------------------------------------------------------


@dataclass(frozen=True)
class BankAnalysis:
    bank_id: str
    title: str
    attempts: int
    """Finished attempts analysed."""
    learners: int
    alpha: float
    """Cronbach's alpha (NaN when undefined)."""
    mean_scaled: float
    """Mean attempt score as a share of its maximum."""
    items: pd.DataFrame
    """One row per question of the bank (``ITEM_COLUMNS``), in bank order; unseen ones have 0 attempts."""
    options: pd.DataFrame
    """How often each option or response was chosen (``OPTION_COLUMNS``)."""

    @property
    def doubtful(self) -> pd.DataFrame:
        return self.items[self.items["doubtful"]]


def analyse_answers(bank: QuizBank, answers: pd.DataFrame, *, first_attempts_only: bool = False) -> BankAnalysis:
    """Statistics of ``bank`` from its answers (one row per answer of a finished attempt)."""
    if first_attempts_only and len(answers):
        answers = answers[answers["attempt_number"] == 1]
    questions = {question.id: question for question in bank.questions}
    answers = answers[answers["question_id"].isin(questions.keys())]
    points = answers["points"].to_numpy(dtype=float)
    attempt_codes, attempt_ids = pd.factorize(answers["attempt_id"])
    totals = np.bincount(attempt_codes, weights=points, minlength=len(attempt_ids)) if len(answers) else np.zeros(0)
    maxima = (
        np.bincount(attempt_codes, weights=answers["max_points"].to_numpy(dtype=float), minlength=len(attempt_ids))
        if len(answers)
        else np.zeros(0)
    )
    attempt_total = totals[attempt_codes] if len(answers) else np.zeros(0)
    items = _items_table(bank, answers, points, attempt_total)
    matrix = pd.DataFrame({"attempt": attempt_codes, "question": answers["question_id"].to_numpy(), "points": points})
    pivot = (
        matrix.pivot_table(index="attempt", columns="question", values="points", aggfunc="first")
        if len(matrix)
        else pd.DataFrame()
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = totals / maxima if len(maxima) else np.zeros(0)
    return BankAnalysis(
        bank_id=bank.id,
        title=bank.title,
        attempts=len(attempt_ids),
        learners=int(answers["user_id"].nunique()) if len(answers) else 0,
        alpha=cronbach_alpha(pivot) if len(pivot) else math.nan,
        mean_scaled=float(np.nanmean(scaled)) if len(scaled) else math.nan,
        items=items,
        options=_options_table(bank, answers),
    )


def _items_table(bank: QuizBank, answers: pd.DataFrame, points: np.ndarray, attempt_total: np.ndarray) -> pd.DataFrame:
    positions = answers.groupby("question_id", sort=False).indices if len(answers) else {}
    rows = []
    for question in bank.questions:
        where = positions.get(question.id)
        item = points[where] if where is not None else np.zeros(0)
        total = attempt_total[where] if where is not None else np.zeros(0)
        figures = item_figures(item, total, question.points)
        doubtful = math.isfinite(figures.efficiency) and figures.efficiency < DOUBTFUL_EFFICIENCY
        rows.append(
            {
                "question_id": question.id,
                "type": question.type,
                "prompt": question.prompt,
                "attempts": figures.attempts,
                "max_points": question.points,
                "mean_points": figures.mean_points,
                "facility": figures.facility,
                "sd": figures.sd,
                "discrimination": figures.discrimination,
                "efficiency": figures.efficiency,
                "doubtful": doubtful,
                "flag": (
                    f"discriminative efficiency {figures.efficiency:.0%} is under {DOUBTFUL_EFFICIENCY:.0%}"
                    if doubtful
                    else ""
                ),
            }
        )
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)


# --- option distribution -----------------------------------------------------------------


def _options_table(bank: QuizBank, answers: pd.DataFrame) -> pd.DataFrame:
    responses = answers.groupby("question_id", sort=False)["response"].agg(list) if len(answers) else pd.Series()
    rows: list[dict[str, Any]] = []
    for question in bank.questions:
        given = responses.get(question.id, [])
        answered = [response for response in given if response is not None]
        for label, count, correct in _distribution(question, answered):
            rows.append(
                {
                    "question_id": question.id,
                    "label": label,
                    "count": count,
                    "share": count / len(given) if given else math.nan,
                    "correct": correct,
                }
            )
    return pd.DataFrame(rows, columns=OPTION_COLUMNS)


def _distribution(question: Question, responses: list[Any]) -> list[tuple[str, int, bool]]:
    """(label, how many chose it, whether it is right) for every option, or the commonest responses."""
    return type_of(question).tally(question, responses)


# --- from the store ----------------------------------------------------------------------


def question_analysis(
    store: Store,
    course: Course,
    scope: Scope,
    bank_id: str,
    *,
    team_ids: Iterable[int] | None = None,
    first_attempts_only: bool = False,
) -> BankAnalysis:
    """The analysis of one bank over the attempts of the learners in scope.

    Reads only that bank's answer rows, through indexes (``Store.bank_answer_table``): the
    whole bank for an administrator looking at everyone, else the chosen learners' attempts only.
    KeyError for a bank not in the course.
    """
    bank = course.banks[bank_id]
    chosen = scope.pick(team_ids)
    user_ids = None if chosen is None else [person.id for person in learners(store, scope, team_ids)]
    answers = (
        pd.DataFrame(columns=list(BANK_ANSWER_COLUMNS))
        if user_ids == []
        else frame(store.bank_answer_table(bank_id, user_ids))
    )
    return analyse_answers(bank, answers, first_attempts_only=first_attempts_only)
