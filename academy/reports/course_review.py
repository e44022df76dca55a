"""Course health: each question's review findings beside its live item statistics.

"Flawed by rule" (``academy.review``) and "flawed by data" (``academy.reports.items``) side by
side, one row per question of a bank, so an author sees which weak-looking items also behave
badly with real learners, and which rule-clean items the data still doubts.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from academy.content.schema import QuizBank
from academy.reports.items import BankAnalysis
from academy.review import Finding

HEALTH_COLUMNS = [
    "question_id",
    "prompt",
    "type",
    "level",
    "rules",
    "severity",
    "attempts",
    "facility",
    "discrimination",
    "efficiency",
    "doubtful",
    "verdict",
]
FINDING_COLUMNS = ["severity", "rule", "file", "line", "subject", "message"]


def question_findings(bank: QuizBank, findings: list[Finding]) -> dict[str, list[Finding]]:
    """Question id -> the findings that point inside that question of ``bank``."""
    ids = [question.id for question in bank.questions]
    found: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        path = finding.path
        if finding.kind == "bank" and finding.owner == bank.id and len(path) > 1 and path[0] == "questions":
            index = path[1]
            if isinstance(index, int) and 0 <= index < len(ids):
                found[ids[index]].append(finding)
    return dict(found)


def bank_findings(bank: QuizBank, findings: list[Finding]) -> list[Finding]:
    """The findings about the bank as a whole (balance, coverage, level mix), not one question."""
    inside = {id(f) for group in question_findings(bank, findings).values() for f in group}
    return [f for f in findings if f.kind == "bank" and f.owner == bank.id and id(f) not in inside]


def _verdict(flawed: bool, doubtful: bool, attempts: int) -> str:
    if flawed and doubtful:
        return "flawed by rule and by data"
    if doubtful:
        return "flawed by data"
    if flawed:
        return "flawed by rule" if attempts else "flawed by rule (no attempts yet)"
    return ""


def health_table(bank: QuizBank, findings: list[Finding], analysis: BankAnalysis) -> pd.DataFrame:
    """One row per question of ``bank`` (``HEALTH_COLUMNS``), in bank order."""
    by_question = question_findings(bank, findings)
    stats = analysis.items.set_index("question_id") if len(analysis.items) else pd.DataFrame()
    rows = []
    for question in bank.questions:
        own = by_question.get(question.id, [])
        rules = sorted({f.rule for f in own})
        severity = "error" if any(f.severity == "error" for f in own) else ("warning" if own else "")
        figures = stats.loc[question.id] if question.id in stats.index else None
        attempts = int(figures["attempts"]) if figures is not None else 0
        doubtful = bool(figures["doubtful"]) if figures is not None else False
        rows.append(
            {
                "question_id": question.id,
                "prompt": question.prompt,
                "type": question.type,
                "level": question.level or "",
                "rules": ", ".join(rules),
                "severity": severity,
                "attempts": attempts,
                "facility": figures["facility"] if figures is not None else float("nan"),
                "discrimination": figures["discrimination"] if figures is not None else float("nan"),
                "efficiency": figures["efficiency"] if figures is not None else float("nan"),
                "doubtful": doubtful,
                "verdict": _verdict(bool(own), doubtful, attempts),
            }
        )
    return pd.DataFrame(rows, columns=HEALTH_COLUMNS)


def findings_table(records: list[dict[str, object]]) -> pd.DataFrame:
    """Located findings (as ``review --format json`` gives them) as a table, errors first."""
    frame = pd.DataFrame(records, columns=[*FINDING_COLUMNS, "kind", "owner", "path"])
    order = frame["severity"].map({"error": 0, "warning": 1})
    return frame.assign(_order=order).sort_values(["_order", "file", "line"]).drop(columns="_order")[FINDING_COLUMNS]
