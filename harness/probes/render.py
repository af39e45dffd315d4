"""Plain-text rendering of the allowlist matrix and its findings (for the console)."""

from __future__ import annotations

from collections.abc import Sequence

from harness.findings import Finding
from harness.probes.judge import MatrixRow

COLUMNS = ("source", "trick", "path", "claims", "expected", "observed", "verdict")


def _cells(row: MatrixRow) -> tuple[str, ...]:
    return (
        row.probe.source,
        row.probe.trick,
        row.probe.path,
        row.probe.claimed or "-",
        str(row.probe.expect),
        f"{row.observed} ({row.detail})",
        str(row.verdict).upper(),
    )


def render_matrix(rows: Sequence[MatrixRow]) -> str:
    """The matrix as an aligned table: source x trick -> expected vs observed."""
    table = [COLUMNS, *(_cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)) for line in table
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def render_findings(findings: Sequence[Finding]) -> str:
    """One line per finding, or a line saying there are none."""
    if not findings:
        return "no findings: the allowlist behaves as expected"
    return "\n".join(f"[{f.severity}] {f.check}: {f.message}" for f in findings)
