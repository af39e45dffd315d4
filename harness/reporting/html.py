"""The self-contained HTML report: one file, inline CSS and SVG plots, works offline."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import jinja2

from harness import __version__
from harness.findings import problem_line
from harness.reporting import aggregate, plots
from harness.reporting.drill_report import drill_sections
from harness.reporting.model import ReportData, severity_counts

STATUS_TEXT = {
    "passed": "PASS",
    "failed": "FAIL",
    "error": "TOOL ERROR",
    "not-run": "not run",
    "inconclusive": "inconclusive",
}


def _fmt(value: Any, digits: int = 1) -> str:
    """Numbers for tables: integers as such, floats rounded, missing as a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and digits == 0):
        return f"{int(value):,}"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    try:  # numpy scalars
        return _fmt(value.item(), digits)
    except AttributeError:
        return str(value)


def _when(epoch: float) -> str:
    if not epoch:
        return "–"
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("harness.reporting", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fmt"] = _fmt
    env.filters["when"] = _when
    env.globals["STATUS_TEXT"] = STATUS_TEXT
    return env


def _plots(data: ReportData) -> list[dict[str, str]]:
    """The figures with their titles and explanations (only those with data)."""
    labels = data.labels
    # The scenario's stage: replay's, or a simulation's (report --simulation).
    names = data.stage_names
    stage = "simulate" if "simulate" in names and "replay" not in names else "replay"
    figures = [
        (
            "latency",
            "Latency distribution per endpoint and target",
            "Each box is one endpoint of one target (colour = target). Further right is slower; "
            "the dashed line is the course simulator's 300 ms timeout.",
            plots.latency_distribution(data.frame, labels),
        ),
        (
            "errors-along",
            "Errors along the scenario",
            "Errors counted so far, by scenario action id. A flat line is good; a step shows "
            "where in the scenario a target started to fail.",
            plots.errors_along(aggregate.errors_along_scenario(data.frame, stage), labels),
        ),
        (
            "latest",
            "/latest progress over time",
            "The highest action the target acknowledged, over the replay's time: the curve the "
            "course dashboard draws from GET /latest. Steeper is faster; a plateau is a stall.",
            plots.latest_over_time(aggregate.latest_progress(data.frame, stage), labels),
        ),
    ]
    return [
        {"id": fid, "title": title, "caption": caption, "svg": svg}
        for fid, title, caption, svg in figures
        if svg is not None
    ]


def render_html(data: ReportData, generated: float) -> str:
    """The report as one HTML document."""
    template = _environment().get_template("report.html")
    return template.render(
        data=data,
        labels=data.labels,
        bundles=data.all_bundles,
        baseline_label=data.baseline.label if data.baseline else None,
        severities={b.label: severity_counts(b) for b in data.all_bundles},
        problem_lines={b.label: problem_line(b.findings) for b in data.all_bundles},
        stage_names=data.stage_names,
        verify_rows=data.verify.to_dict("records"),
        figures=_plots(data),
        drills=drill_sections(data.all_bundles),
        generated=generated,
        version=__version__,
    )


def write_html(data: ReportData, path: Path, generated: float) -> Path:
    """Render and write the report file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(data, generated), encoding="utf-8")
    return path
