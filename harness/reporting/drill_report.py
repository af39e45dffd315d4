"""The drill's report from its JSON results: the timeline plot, HTML and Markdown.

Reports never talk to a target: everything comes from the ``minitwit-harness.drill``
document. The plot shows acknowledged and failed writes per second, the operation shaded
and every lost write marked at the second it was acknowledged.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import jinja2

from harness.constants import DRILL_FORMAT, FORMAT_VERSION
from harness.errors import InputError
from harness.reporting.bundle import drill_file
from harness.reporting.plots import _figure, _svg

ACKNOWLEDGED = "#009E73"
FAILED = "#D55E00"
LOST = "#000000"
OPERATION = "#E69F00"


def check_document(doc: Mapping[str, Any], where: str) -> None:
    """An InputError unless ``doc`` is drill results of a version this reader knows."""
    if doc.get("format") != DRILL_FORMAT:
        raise InputError("not minitwit-harness drill results", path=where)
    if doc.get("version") != FORMAT_VERSION:
        raise InputError(f"unsupported drill results version {doc.get('version')}", path=where)


def timeline_plot(doc: Mapping[str, Any]) -> str:
    """Acknowledged and failed writes per second, the operation shaded, lost writes marked."""
    rows = doc["timeline"]
    seconds = [r["second"] for r in rows]
    acked = [r["acknowledged"] for r in rows]
    failed = [sum(r["failed"].values()) for r in rows]
    fig = _figure(9.0, 3.4)
    ax = fig.add_subplot()
    op = doc["operation"]
    end = op["end_s"] if op["end_s"] is not None else (seconds[-1] + 1 if seconds else 0)
    shade = ax.axvspan(op["start_s"], end, color=OPERATION, alpha=0.2, label="operation")
    shade.set_gid("operation")
    ax.bar(seconds, acked, width=0.9, align="edge", color=ACKNOWLEDGED, label="acknowledged")
    ax.bar(seconds, failed, width=0.9, align="edge", bottom=acked, color=FAILED, label="failed")
    lost = [w["acknowledged"] - doc["started"] for w in doc["lost"]]
    if lost:
        top = max((a + f for a, f in zip(acked, failed, strict=True)), default=1)
        marks = ax.plot(
            lost,
            [top * 1.05] * len(lost),
            linestyle="none",
            marker="v",
            color=LOST,
            markersize=5,
            label=f"lost write ({len(lost)})",
        )
        marks[0].set_gid("lost-writes")
    ax.set_xlabel("seconds since the drill started")
    ax.set_ylabel("writes per second")
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", alpha=0.3)
    ax.margins(y=0.12)  # room above the bars for the lost-write marks
    fig.legend(loc="outside upper center", fontsize=8, ncols=4, frameon=False)
    return _svg(fig)


def _clock(epoch: float | None) -> str:
    if epoch is None:
        return "–"
    return dt.datetime.fromtimestamp(epoch).strftime("%H:%M:%S")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("harness.reporting", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["clock"] = _clock
    return env


def render_drill_html(doc: Mapping[str, Any]) -> str:
    """A self-contained HTML page (inline CSS and SVG) of one drill."""
    template = _environment().get_template("drill.html.j2")
    return template.render(doc=doc, plot=timeline_plot(doc))


def render_drill_markdown(doc: Mapping[str, Any]) -> str:
    """The drill's verdict, totals, outages, latest and lost writes in Markdown."""
    verdict = "passed" if doc["verdict"]["ok"] else "FAILED"
    op = doc["operation"]
    totals = doc["totals"]
    latest = doc["latest"]
    lines = [
        f"## Drill: {verdict}",
        "",
        f"Target `{doc['target']}`, {doc['settings']['rate']:g} writes/s; operation "
        f"`{op['description']}` from {_clock(op['start'])} to {_clock(op['end'])} "
        f"(exit {op['exit_code'] if op['exit_code'] is not None else '–'}).",
        "",
        f"**{doc['lost_summary']}.**",
        "",
        "| sent | acknowledged | refused | failed (by class) | longest outage |",
        "|---|---|---|---|---|",
        f"| {totals['sent']} | {totals['acknowledged']} | {totals['refused']} | "
        + (", ".join(f"{k} {v}" for k, v in sorted(totals["failed"].items())) or "none")
        + f" | {doc['longest_outage_s']:.1f} s |",
        "",
        f"`latest` before the operation {latest['before']}, after {latest['after']}, at the "
        f"end {latest['final']}; {len(latest['stale'])} reading(s) showed lost state.",
    ]
    for reason in doc["verdict"]["reasons"]:
        lines.append(f"- {reason}")
    if doc["lost"]:
        lines += [
            "",
            "| lost write | command | user | acknowledged | what |",
            "|---|---|---|---|---|",
        ]
        for w in doc["lost"][:50]:
            detail = str(w["detail"]).replace("|", "\\|")
            user = str(w["user"]).replace("|", "\\|")
            lines.append(
                f"| #{w['action_id']} | {w['command']} | {user} | {_clock(w['acknowledged'])} "
                f"| {detail} |"
            )
        if len(doc["lost"]) > 50:
            lines.append(f"| … | {len(doc['lost']) - 50} more in the results | | | |")
    return "\n".join(lines) + "\n"


def write_drill_report(doc: Mapping[str, Any], results: Path) -> tuple[Path, Path]:
    """The HTML and Markdown reports beside the results (``drill.json`` -> ``drill.html``)."""
    check_document(doc, str(results))
    html_path = results.with_suffix(".html")
    md_path = results.with_suffix(".md")
    html_path.write_text(render_drill_html(doc), encoding="utf-8")
    md_path.write_text(render_drill_markdown(doc), encoding="utf-8")
    return html_path, md_path


def bundle_drills(bundles: Iterable[Any]) -> list[tuple[str, dict[str, Any]]]:
    """(label, drill results) of every bundle whose gate ran the drill stage, and of every
    standalone ``drill.json`` given as a bundle."""
    found = []
    for bundle in bundles:
        standalone = drill_file(Path(bundle.path))
        if standalone is not None:
            found.append((str(bundle.label), standalone))
            continue
        path = Path(bundle.path) / "drill.json"
        if Path(bundle.path).is_dir() and path.is_file():
            doc = json.loads(path.read_text(encoding="utf-8"))
            check_document(doc, str(path))
            found.append((str(bundle.label), doc))
    return found


def drill_sections(bundles: Iterable[Any]) -> list[dict[str, Any]]:
    """What the gate's HTML report shows per drill: verdict, summary lines and the plot."""
    return [
        {
            "label": label,
            "ok": doc["verdict"]["ok"],
            "lost_summary": doc["lost_summary"],
            "lines": [line.removeprefix("drill: ") for line in doc["summary"]],
            "svg": timeline_plot(doc),
        }
        for label, doc in bundle_drills(bundles)
    ]
