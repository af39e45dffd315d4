"""Write every report format for a set of bundles into one directory."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.reporting.bundle import Bundle
from harness.reporting.gate_junit import write_junit
from harness.reporting.html import write_html
from harness.reporting.markdown import write_markdown
from harness.reporting.model import ReportData, build_report

HTML_FILE = "report.html"
MARKDOWN_FILE = "summary.md"
JUNIT_FILE = "junit.xml"


@dataclass(frozen=True)
class WrittenReport:
    """The files written and the data behind them."""

    data: ReportData
    html: Path
    markdown: Path
    junit: Path


def write_reports(
    out_dir: Path,
    targets: Sequence[Bundle],
    baseline: Bundle | None = None,
    *,
    tolerance: float = 0.25,
    floor_ms: float = 10.0,
    generated: float | None = None,
) -> WrittenReport:
    """HTML, Markdown and JUnit reports of ``targets`` (compared with ``baseline``)."""
    data = build_report(targets, baseline, tolerance=tolerance, floor_ms=floor_ms)
    when = time.time() if generated is None else generated
    return WrittenReport(
        data=data,
        html=write_html(data, out_dir / HTML_FILE, when),
        markdown=write_markdown(data, out_dir / MARKDOWN_FILE),
        junit=write_junit(data, out_dir / JUNIT_FILE),
    )
