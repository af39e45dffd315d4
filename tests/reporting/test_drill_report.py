"""The drill report: timeline plot (operation shaded, lost writes marked), HTML, Markdown."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from harness.errors import InputError
from harness.reporting.drill_report import (
    check_document,
    render_drill_markdown,
    write_drill_report,
)

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
