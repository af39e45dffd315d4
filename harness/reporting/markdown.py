"""The report's summary as Markdown: for a pull-request comment or ``$GITHUB_STEP_SUMMARY``."""

from __future__ import annotations

from pathlib import Path

from harness.findings import problem_line
from harness.reporting.drill_report import bundle_drills, render_drill_markdown
from harness.reporting.model import Comparison, ReportData, severity_counts

ICON = {"passed": "✅ pass", "failed": "❌ fail", "error": "⚠️ tool error", "not-run": "➖ not run"}
MAX_ROWS = 25


def _cell(text: object) -> str:
    """Table-safe text: no pipes or newlines."""
    text = str(text).replace("|", "\\|").replace("\n", " ")
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows[:MAX_ROWS]]
    if len(rows) > MAX_ROWS:
        lines.append(f"\n_{len(rows) - MAX_ROWS} more rows in the HTML report._")
    return lines


def _comparison(cmp: Comparison, labels: list[str], value: int, digits: int) -> list[list[str]]:
    rows = []
    for keys, cells in cmp.rows:
        row = [str(k) for k in keys]
        for label in labels:
            cell = cells[label]
            v = None if cell is None else cell[value]
            row.append("–" if v is None else (f"{v:.{digits}f}" if digits else str(v)))
        rows.append(row)
    return rows


def render_markdown(data: ReportData) -> str:
    """The summary document."""
    labels = data.labels
    stages = data.stage_names
    out = ["## MiniTwit release gate", ""]
    rows = []
    for b in data.all_bundles:
        sv = severity_counts(b)
        name = b.label + (" (baseline)" if b is data.baseline else "")
        cells = [name, ICON.get(b.summary.status, b.summary.status)]
        for s in stages:
            st = b.summary.stage(s)
            cells.append(ICON.get(st.status, st.status) if st else "–")
        cells.append(f"{sv['error']} / {sv['warning']} / {sv['quirk']}; {problem_line(b.findings)}")
        rows.append(cells)
    out += _table(["target", "verdict", *stages, "findings (error/warning/quirk)"], rows)
    if data.baseline is not None:
        out += ["", f"### Regressions vs baseline `{data.baseline.label}`", ""]
        if data.regressions:
            out += _table(
                ["candidate", "kind", "what", "baseline", "candidate value", "detail"],
                [
                    [r.candidate, r.kind, r.subject, r.baseline, r.observed, r.detail]
                    for r in data.regressions
                ],
            )
            out += ["", "**Regression gate: FAIL**"]
        else:
            out += ["No regression. **Regression gate: pass**"]
    if data.errors.rows:
        out += ["", "### Simulator errors by class and command", ""]
        out += _table(
            ["stage", "endpoint", "class", *labels], _comparison(data.errors, labels, 0, 0)
        )
    if data.findings.rows:
        out += ["", "### Findings by check and severity", ""]
        out += _table(
            ["stage", "check", "severity", "profile", *labels],
            _comparison(data.findings, labels, 0, 0),
        )
    if not data.verify.empty:
        out += ["", "### Data integrity (verify)", ""]
        out += _table(
            ["target", "check", "count", "example"],
            [
                [str(r["label"]), str(r["check"]), str(r["count"]), str(r["message"])]
                for r in data.verify.to_dict("records")
            ],
        )
    for label, doc in bundle_drills(data.all_bundles):
        section = render_drill_markdown(doc).replace("## Drill:", f"### Drill ({label}):", 1)
        out += ["", section.rstrip("\n")]
    if data.latency.rows:
        out += ["", "### p95 latency per endpoint (ms)", ""]
        out += _table(["stage", "endpoint", *labels], _comparison(data.latency, labels, 3, 1))
    out.append("")
    return "\n".join(out)


def write_markdown(data: ReportData, path: Path) -> Path:
    """Render and write the Markdown summary."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(data), encoding="utf-8")
    return path
