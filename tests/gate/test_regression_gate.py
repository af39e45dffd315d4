"""Regression gate: a deliberately slowed candidate fails against a baseline; unchanged passes.

Latency noise between two live runs is measured in ``bench/bench_gate.py``, not judged here.
"""

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


#: For the unchanged candidate: an answered request takes less than the replay timeout
#: (gate_cli.SMALL: 2 s), so no latency is "slower" by 5 s and live latency noise cannot fail
#: it; stages and findings are still compared. Two live runs' latencies are compared in
#: bench/ (``python -m bench gate``).
UNCHANGED = {**STEADY, "MINITWIT_REPORT_LATENCY_FLOOR_MS": "5000"}


def _gate(target: str, baseline: Path, bundle: Path, env: dict[str, str] = GATE) -> tuple[int, str]:
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
        env=env,
        cwd=bundle.parent,
    )
    return proc.returncode, proc.stdout + proc.stderr


def test_unchanged_candidate_passes_the_gate(reference_bundle: Path, tmp_path: Path) -> None:
    with serve_reference_app(f"sqlite:///{tmp_path / 'same.db'}", tmp_path) as app:
        code, output = _gate(app.url, reference_bundle, tmp_path / "same", UNCHANGED)

    assert code == 0, output
    assert "No regression" in (tmp_path / "same" / "report" / "summary.md").read_text()
    stored = json.loads((tmp_path / "same" / "summary.json").read_text())["extra"]
    assert stored["baseline"] == str(reference_bundle) and stored["regressions"] == []


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
