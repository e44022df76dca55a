"""Assignments and certificates in the exports: CSV from the command line, xAPI statements."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from academy.cli import main
from academy.programme import standing
from academy.reports.access import operator_scope
from academy.reports.at_risk import at_risk
from academy.reports.xapi import XapiSettings, statements
from academy.store import Store
from tests.conftest import FakeClock
from tests.reports_helpers import course, make_org, quiz


@pytest.fixture
def programme(store: Store, clock: FakeClock) -> Store:
    org = make_org(store)
    store.create_assignment(
        actor_id=org.mara.id,
        title="Promises",
        modules=["promise-keeping"],
        team_id=org.front_desk,
        due_on=date(2026, 3, 10),
        days_allowed=7,
        recert_months=12,
    )
    quiz(store, org.a1, "promise-keeping", [1.0, 1.0, 1.0, 0.0])
    standing.sync_certificates(store, [org.a1.id], course(), clock.now)
    clock.advance(12 * 86_400)  # 14 March: a2 is 4 days late
    return store


def test_xapi_carries_one_completed_statement_per_certificate(programme: Store, clock: FakeClock) -> None:
    (certificate,) = programme.list_certificates()
    settings = XapiSettings(home_page="https://academy.example.com", salt=b"k")

    made = list(statements(programme, course(), operator_scope(programme), settings))

    (statement,) = [s for s in made if "/assignments/" in s["object"]["id"]]
    assert statement["actor"]["account"]["name"] == "a1"
    assert statement["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert statement["object"]["definition"]["name"] == {"en-US": "Promises"}
    assert statement["result"] == {"completion": True, "success": True, "score": {"scaled": 0.75}}
    extensions = statement["context"]["extensions"]
    base = "https://academy.example.com/xapi/extensions/"
    assert extensions[base + "certificate-code"] == certificate.code
    assert extensions[base + "due-date"] == "2026-03-10"
    assert extensions[base + "expires"].startswith("2027-03-02")
    json.dumps(made)  # every statement is plain JSON
    again = list(statements(programme, course(), operator_scope(programme), settings))
    assert [s["id"] for s in again] == [s["id"] for s in made]  # stable ids: a re-export is no duplicate


def test_at_risk_puts_overdue_work_first(programme: Store, clock: FakeClock) -> None:
    table = at_risk(programme, course(), operator_scope(programme), now=clock.now)

    first = table.iloc[0]
    assert first["username"] == "a2"
    assert first["reasons"].startswith("overdue: Promises (4 days late)")
    assert (first["due_reasons"], first["days_late"]) == (1, 4)
    assert "a1" not in set(table["username"][table["due_reasons"] > 0])


def test_export_csv_assignments_from_the_command_line(
    programme: Store, tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "assignments.csv"
    assert main(["export", "csv", "assignments", "--database-url", database_url, "--out", str(out)]) == 0

    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    by_user = {row["username"]: row for row in rows}
    assert set(by_user) == {"a1", "a2"}
    assert by_user["a1"]["status"] == "done"
    assert by_user["a2"]["assignment"] == "Promises"
    assert by_user["a2"]["due"] == "2026-03-10"
    assert "2 rows written" in capsys.readouterr().err
