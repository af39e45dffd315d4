"""`make run`: ``minitwit-harness check`` without a target runs every stage and exits 0."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.gate.gate_cli import harness
from tests.load.support import assert_results_mix_kept

pytestmark = pytest.mark.slow


def test_check_without_target_runs_the_whole_gate_and_writes_the_report(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"

    proc = harness("check", "--bundle", str(bundle), cwd=tmp_path)

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert re.search(r'GET http://127\.0\.0\.1:\d+/latest -> 200 \{"latest": -1\}', proc.stdout)
    assert "verdict: PASSED" in proc.stdout
    assert "▶ replay" in proc.stderr  # progress of the long stages
    summary = json.loads((bundle / "summary.json").read_text())
    assert summary["format"] == "minitwit-harness.summary" and summary["version"] == 1
    stages = {s["name"]: s["status"] for s in summary["stages"]}
    assert stages == {
        "replay": "passed",
        "verify": "passed",
        "contract": "passed",
        "allowlist": "not-run",  # no allowlist expectations in the default config
        "load": "passed",
    }
    for name in ("findings.json", "replay.jsonl", "load.jsonl", "scenario.tsv"):
        assert (bundle / name).is_file(), name
    assert_results_mix_kept(bundle / "load.jsonl", bundle / "work" / "load" / "scenario.tsv")
    html = (bundle / "report" / "report.html").read_text()
    assert "reference (embedded)" in html and "<svg" in html
