"""The drill report: timeline plot (operation shaded, lost writes marked), HTML, Markdown."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from harness.errors import InputError
from harness.reporting.bundle import read_bundle
from harness.reporting.drill_report import (
    check_document,
    render_drill_markdown,
    write_drill_report,
)
from harness.results import header_record

T = 1_800_000_000.0


def _doc(lost: int) -> dict[str, Any]:
    return {
        "format": "minitwit-harness.drill",
        "version": 1,
        "target": "http://127.0.0.1:5001",
        "namespace": "d1a2b3",
        "settings": {"rate": 20.0},
        "started": T,
        "operation": {
            "description": "./deploy.sh",
            "start": T + 4,
            "end": T + 7,
            "start_s": 4.0,
            "end_s": 7.0,
            "exit_code": 0,
        },
        "totals": {
            "sent": 200,
            "acknowledged": 180,
            "refused": 12,
            "consequences": 2,
            "refused_during_operation": 12,
            "failed": {"HTTP 503": 12, "ConnectionError": 8},
        },
        "timeline": [
            {
                "second": i,
                "sent": 20,
                "acknowledged": 18 if 4 <= i < 7 else 20,
                "failed": {"HTTP 503": 2} if 4 <= i < 7 else {},
                "p50_ms": 3.0,
                "p99_ms": 9.0,
            }
            for i in range(10)
        ],
        "outages": [{"start": T + 5, "end": T + 6.5, "seconds": 1.5, "failures": 8}],
        "longest_outage_s": 1.5,
        "latest": {"before": 80, "after": 140, "final": 200, "stale": [], "readings": []},
        "lost": [
            {
                "action_id": 100 + i,
                "command": "tweet",
                "user": "Ann | Lee d1a2b3",
                "acknowledged": T + 5 + i * 0.1,
                "detail": "tweet of 'Ann | Lee d1a2b3' missing",
            }
            for i in range(lost)
        ],
        "lost_summary": f"{lost} acknowledged writes lost",
        "verdict": {
            "ok": lost == 0,
            "reasons": [f"{lost} acknowledged writes lost"] if lost else [],
        },
    }


def test_html_shades_the_operation_and_marks_each_lost_write(tmp_path: Path) -> None:
    html, md = write_drill_report(_doc(lost=3), tmp_path / "drill.json")
    assert html == tmp_path / "drill.html" and md == tmp_path / "drill.md"
    text = html.read_text()
    assert '<g id="operation">' in text
    marks = re.search(r'<g id="lost-writes">(.*?)</g>\s*</g>', text, re.S)
    assert marks is not None and marks.group(1).count("<use") == 3
    assert "FAILED: 3 acknowledged writes lost" in text
    assert "#101" in text and "<script" not in text and "http-equiv" not in text


def test_no_lost_writes_no_marks(tmp_path: Path) -> None:
    html, _ = write_drill_report(_doc(lost=0), tmp_path / "drill.json")
    text = html.read_text()
    assert '<g id="lost-writes">' not in text
    assert "Passed: 0 acknowledged writes lost" in text


def test_markdown_lists_lost_writes_with_their_time() -> None:
    text = render_drill_markdown(_doc(lost=2))
    assert text.startswith("## Drill: FAILED\n")
    first = datetime.fromtimestamp(T + 5).strftime("%H:%M:%S")
    assert f"| #100 | tweet | Ann \\| Lee d1a2b3 | {first} |" in text
    assert "| 200 | 180 | 12 | ConnectionError 8, HTTP 503 12 | 1.5 s |" in text


def test_other_documents_are_refused() -> None:
    with pytest.raises(InputError, match="not minitwit-harness drill results"):
        check_document({"format": "minitwit-harness.summary", "version": 1}, "x.json")


def test_report_reads_a_standalone_drill_json_with_its_traffic(tmp_path: Path) -> None:
    """``report drill.json``: a drill run alone is a column of its own (stage drill, its
    verdict's findings, the outcomes of the traffic.jsonl beside it) with its drill section."""
    doc = _doc(lost=2)
    doc["verdict"]["checks"] = ["drill.lost-writes"]
    doc["traffic_results"] = str(tmp_path / "gone" / "traffic.jsonl")  # moved since: beside
    doc["findings"] = []
    doc["summary"] = ["drill: FAILED: 2 acknowledged writes lost"]
    run = tmp_path / "drill-run"
    run.mkdir()
    (run / "drill.json").write_text(json.dumps(doc), encoding="utf-8")
    outcome = {
        "type": "outcome",
        "action_id": 1,
        "command": "tweet",
        "user": "u",
        "status": 204,
        "error": None,
        "verdict": "ok",
        "check": None,
        "latency_ms": 2.5,
        "started": T + 1,
        "finished": T + 1.0025,
    }
    header = header_record("drill", doc["target"])
    lines = "".join(json.dumps(r) + "\n" for r in (header, outcome))
    (run / "traffic.jsonl").write_text(lines, encoding="utf-8")
    out = str(tmp_path / "r")
    proc = subprocess.run(
        [sys.executable, "-m", "harness", "report", str(run / "drill.json"), "-o", out],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    summary = (tmp_path / "r" / "summary.md").read_text(encoding="utf-8")
    assert "drill-run" in summary  # the column's label: the drill's folder
    assert "### Drill (drill-run):" in summary
    assert "drill.lost-writes" in summary
    bundle = read_bundle(run / "drill.json")
    assert [s.name for s in bundle.summary.stages] == ["drill"]
    assert bundle.summary.status == "failed"
    assert len(bundle.outcomes["drill"]) == 1
    assert [f.check for f in bundle.findings] == ["drill.lost-writes"]
