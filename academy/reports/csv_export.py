"""CSV files a spreadsheet can open safely.

A cell whose text begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return,
which some spreadsheets skip before reading such a character) is a formula to Excel,
LibreOffice and Google Sheets: a learner named ``=HYPERLINK(...)`` could run it on the
manager's machine. Such cells get a leading single quote, which spreadsheets show as
text (OWASP's "CSV injection" advice). Numbers are left alone: ``-3`` written by pandas
from a number is a number, not a formula.

The file is comma-separated, but many spreadsheets (continental Excel, LibreOffice's import)
split on ``;`` or tab too, so ``Bob;=1+1`` would open as two cells, the second a formula. A
formula character right after ``,``, ``;``, tab or a line break inside the text gets the
same quote, so the cell is safe whatever separator it is opened with.
"""

from __future__ import annotations

import io
import re
from datetime import datetime
from typing import Any

import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A formula character (after optional spaces) following a separator some spreadsheet may use.
_INNER_FORMULA = re.compile(r"(?<=[,;\t\r\n])(?=[ ]*[=+\-@])")


def neutralise(value: Any) -> Any:
    """The value, with a single quote before any part that a spreadsheet would run."""
    if not isinstance(value, str):
        return value
    value = _INNER_FORMULA.sub("'", value)
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell and header neutralised and datetimes in ISO 8601 UTC."""
    safe = frame.copy()
    for column in safe.columns:
        series = safe[column]
        if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(series):
            safe[column] = series.map(_iso)
        elif not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            safe[column] = series.map(lambda value: neutralise(_iso(value) if isinstance(value, datetime) else value))
    safe.columns = [neutralise(str(column)) for column in safe.columns]
    return safe


def _iso(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def to_csv(frame: pd.DataFrame) -> str:
    """The frame as CSV text (UTF-8, no index), neutralised."""
    buffer = io.StringIO()
    safe_frame(frame).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads accented names right."""
    return to_csv(frame).encode("utf-8-sig")
