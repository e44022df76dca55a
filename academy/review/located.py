"""Findings with their file and line, from the positions the content loader recorded."""

from __future__ import annotations

from typing import Any

from academy.course.loader import LoadResult
from academy.review.findings import Finding


def located(result: LoadResult, finding: Finding) -> tuple[str, int]:
    """File and line of a finding (``<bank id>`` and line 1 when the file is not known)."""
    position = result.position(finding.kind, finding.owner, finding.path)
    if position is None:
        return f"<{finding.kind} {finding.owner}>", 1
    path, line = position
    return str(path), line


def finding_record(result: LoadResult, finding: Finding) -> dict[str, Any]:
    """A finding as plain JSON types, with ``file`` and ``line`` first."""
    file, line = located(result, finding)
    return {"file": file, "line": line, **finding.to_dict()}


def finding_records(result: LoadResult, findings: list[Finding]) -> list[dict[str, Any]]:
    """Every finding located, sorted by file, line and rule."""
    return sorted(
        (finding_record(result, finding) for finding in findings), key=lambda r: (r["file"], r["line"], r["rule"])
    )
