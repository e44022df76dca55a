"""CSV export: formula-looking cells are neutralised, everything else is written as it is."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pandas as pd
import pytest

from academy.reports.csv_export import neutralise, to_csv, to_csv_bytes


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\r1", '=HYPERLINK("http://evil.example","x")', "-"])
def test_text_a_spreadsheet_would_run_gets_a_quote(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Ana Silva", "a=b", "ana@example.com", " =1", "", "'quoted"])
def test_other_text_is_unchanged(value: str) -> None:
    assert neutralise(value) == value


def _read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_every_text_cell_and_header_is_neutralised_in_the_file() -> None:
    frame = pd.DataFrame(
        {
            "username": ["=cmd|' /C calc'!A0", "ana.silva"],
            "display_name": ["+Plus", "@mention"],
            "teams": ["-team", "Front desk"],
            "=header": ["x", "y"],
        }
    )
    rows = _read(to_csv(frame))
    assert rows[0] == ["username", "display_name", "teams", "'=header"]
    assert rows[1] == ["'=cmd|' /C calc'!A0", "'+Plus", "'-team", "x"]
    assert rows[2] == ["ana.silva", "'@mention", "Front desk", "y"]


def test_numbers_stay_numbers_even_when_negative() -> None:
    rows = _read(to_csv(pd.DataFrame({"cost": [-5.5, 3.0], "count": [-1, 2]})))
    assert rows[1:] == [["-5.5", "-1"], ["3.0", "2"]]


def test_text_in_an_object_column_mixed_with_numbers_is_neutralised() -> None:
    rows = _read(to_csv(pd.DataFrame({"mixed": [1, "=2", None]})))
    assert rows[1:] == [["1"], ["'=2"], [""]]


def test_dates_are_written_in_iso_8601() -> None:
    moment = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    rows = _read(to_csv(pd.DataFrame({"at": [moment, None], "text": ["a", "b"]})))
    assert rows[1][0] == "2026-03-02T09:30:00+00:00"
    assert rows[2][0] == ""


def test_bytes_have_a_byte_order_mark_for_excel() -> None:
    data = to_csv_bytes(pd.DataFrame({"name": ["Inès"]}))
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Inès" in data.decode("utf-8-sig")


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("Bob;=1+1;x", "Bob;'=1+1;x"),
        ("Bob,+1", "Bob,'+1"),
        ("Bob\t@SUM(A1)", "Bob\t'@SUM(A1)"),
        ("Bob; -2+3", "Bob;' -2+3"),
        ("Bob\n=1", "Bob\n'=1"),
        ("\t=1", "'\t'=1"),
        ("=a;=b", "'=a;'=b"),
    ],
)
def test_a_formula_after_a_separator_is_neutralised_too(text: str, safe: str) -> None:
    assert neutralise(text) == safe


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_no_cell_is_a_formula_whatever_separator_the_spreadsheet_uses(delimiter: str) -> None:
    names = ["Bob;=1+1;x", "Eve,@SUM(A1)", "Tab\t+1", "Ana Silva", "Line\n-1"]
    text = to_csv(pd.DataFrame({"display_name": names}))

    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]

    assert cells
    assert not [cell for cell in cells if cell.lstrip(" ").startswith(("=", "+", "-", "@"))]
