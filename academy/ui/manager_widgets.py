"""Pieces every manager page shares: the viewer's scope, the team and date filters, downloads.

No page here (no ``PAGES``). The figures come from ``academy.reports``, which also
enforces who sees what; these widgets only choose among what the scope allows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Literal

import pandas as pd
import streamlit as st

from academy.reports.access import AccessDeniedError, Scope, scope_for
from academy.reports.csv_export import to_csv_bytes
from academy.reports.overview import Period
from academy.ui import session
from academy.ui.navigation import MANAGERS

if TYPE_CHECKING:
    from streamlit.elements.arrow import DataframeState
    from streamlit.elements.lib.column_types import ColumnConfig

    # What st.dataframe takes as column_config: a column's settings, or just its label.
    Columns = Mapping[str, ColumnConfig | str | None]

ALL = -1
"""The team filter's "all the teams I may see" entry."""

STATUS_COLOURS = {"passed": "#d1fae5", "in_progress": "#fef3c7", "not_started": "#f1f5f9"}
"""Cell backgrounds of the team matrix: passed green, in progress amber, not started grey."""


def viewer_scope() -> Scope:
    """The signed-in manager's or administrator's scope; anyone else is stopped here."""
    user = session.require_role(MANAGERS)
    try:
        return scope_for(session.store(), user)
    except AccessDeniedError:
        st.error("This page is not available to your account.", icon=":material/block:")
        st.stop()
        raise  # st.stop() does not return; this keeps type checkers honest


def team_filter(scope: Scope, *, key: str = "team") -> list[int] | None:
    """A team picker over the scope's teams; ``None`` means all of them (everyone, for an admin).

    The choice is kept in ``?team=`` so a link can open a page on a team.
    """
    if not scope.teams and not scope.everyone:
        st.info(
            "You do not manage any team yet. An administrator can add you to one under Teams.", icon=":material/info:"
        )
        st.stop()
    names = {team.id: team.name for team in scope.teams}
    options = [ALL, *names]
    everything = "Everyone" if scope.everyone else "All my teams"
    wanted = st.query_params.get("team")
    index = options.index(int(wanted)) if wanted and wanted.lstrip("-").isdigit() and int(wanted) in options else 0
    chosen = st.selectbox(
        "Team",
        options,
        index=index,
        key=key,
        format_func=lambda team_id: everything if team_id == ALL else names[team_id],
    )
    if chosen == ALL:
        st.query_params.pop("team", None)
        return None
    st.query_params["team"] = str(chosen)
    return [chosen]


def period_filter(*, key: str = "period") -> Period:
    """An optional date range (whole UTC days); empty means all time."""
    picked = st.date_input(
        "Date range", value=[], key=key, format="YYYY-MM-DD", help="Leave empty for all time. Days are UTC."
    )
    days = [day for day in (picked if isinstance(picked, list | tuple) else [picked]) if isinstance(day, date)]
    if not days:
        return Period()
    return Period(days[0], days[-1])


def csv_download(make_frame: Callable[[], pd.DataFrame], file_name: str, label: str, *, key: str) -> None:
    """A CSV download whose file is built only when the button is clicked (not on every rerun)."""
    st.download_button(
        label,
        data=lambda: to_csv_bytes(make_frame()),
        file_name=file_name,
        mime="text/csv",
        icon=":material/download:",
        key=key,
    )


def percent_column(label: str, help_text: str | None = None) -> ColumnConfig:
    """A share (0..1 in the report) shown as a whole percentage; ``table`` scales it."""
    return st.column_config.NumberColumn(label, format="%.0f%%", help=help_text)


def progress_column(label: str, help_text: str | None = None) -> ColumnConfig:
    """A share shown as a bar with its whole percentage; ``table`` scales it."""
    return st.column_config.ProgressColumn(label, min_value=0, max_value=100, format="%.0f%%", help=help_text)


def table(
    frame: pd.DataFrame,
    column_config: Columns,
    *,
    percent: tuple[str, ...] = (),
    key: str | None = None,
    height: int | Literal["auto"] = "auto",
) -> None:
    """``st.dataframe`` with the house defaults: shares in ``percent`` scaled to 0..100, blanks as "–"."""
    st.dataframe(
        _scaled(frame, percent),
        column_config=column_config,
        hide_index=True,
        width="stretch",
        height=height,
        placeholder="–",
        key=key,
    )


def row_picker(
    frame: pd.DataFrame, column_config: Columns, *, key: str, percent: tuple[str, ...] = ()
) -> DataframeState:
    """``table`` in which one row can be selected (the page reruns on a click)."""
    return st.dataframe(
        _scaled(frame, percent),
        column_config=column_config,
        hide_index=True,
        width="stretch",
        placeholder="–",
        key=key,
        on_select="rerun",
        selection_mode="single-row",
    )


def _scaled(frame: pd.DataFrame, percent: tuple[str, ...]) -> pd.DataFrame:
    shown = frame.copy()
    for column in percent:
        if column in shown:
            shown[column] = pd.to_numeric(shown[column], errors="coerce") * 100
    return shown


def when_column(label: str) -> ColumnConfig:
    return st.column_config.DatetimeColumn(label, format="YYYY-MM-DD HH:mm", timezone="UTC")


def nothing_yet(message: str) -> None:
    st.info(message, icon=":material/info:")


def percent(value: float | None) -> str:
    """0.85 -> "85%"; nothing (None or NaN) -> "–"."""
    return "–" if value is None or pd.isna(value) else f"{value:.0%}"
