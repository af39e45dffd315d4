"""Regression gate: a deliberately slowed candidate fails against a baseline; unchanged passes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.gate.conftest import STEADY
from tests.gate.gate_cli import harness
from tests.gate.slow_app import serve_slow_app
from tests.support.servers import serve_reference_app

pytestmark = pytest.mark.slow

#: Latency noise on a shared 2-core machine stays below this; the slowdown is far above it.
GATE = {**STEADY, "MINITWIT_REPORT_LATENCY_FLOOR_MS": "50"}


def _gate(target: str, baseline: Path, bundle: Path) -> tuple[int, str]:
    proc = harness(
        "check",
        "--target",
        target,
        "--stages",
        "replay",
        "--baseline",
        str(baseline),
        "--bundle",
        str(bundle),
        env=GATE,
        cwd=bundle.parent,
    )
    return proc.returncode, proc.stdout + proc.stderr


def test_unchanged_candidate_passes_the_gate(reference_bundle: Path, tmp_path: Path) -> None:
    with serve_reference_app(f"sqlite:///{tmp_path / 'same.db'}", tmp_path) as app:
        code, output = _gate(app.url, reference_bundle, tmp_path / "same")

    assert code == 0, output
    assert "No regression" in (tmp_path / "same" / "report" / "summary.md").read_text()


def test_slowed_candidate_fails_the_gate(reference_bundle: Path, tmp_path: Path) -> None:
    with serve_slow_app(150, tmp_path) as app:
        code, output = _gate(app.url, reference_bundle, tmp_path / "slow")

    assert code == 1, output
    summary = (tmp_path / "slow" / "report" / "summary.md").read_text()
    assert "| slower |" in summary and "Regression gate: FAIL" in summary
    stored = json.loads((tmp_path / "slow" / "summary.json").read_text())
    assert {r["kind"] for r in stored["extra"]["regressions"]} >= {"slower"}
    assert "verdict: FAILED" in output
    # The bundle and its reports say what the command said: failed, not passed.
    assert stored["status"] == "failed"
    assert "❌ fail" in summary
