"""Every stage the gate shows can be selected; ``verify`` runs replay, then verify."""

from __future__ import annotations

import json
from pathlib import Path

from tests.gate.gate_cli import harness
from tests.support.servers import serve_reference_app


def test_stages_verify_runs_replay_then_verify_with_real_durations(tmp_path: Path) -> None:
    with serve_reference_app(f"sqlite:///{tmp_path / 'app.db'}", tmp_path) as app:
        proc = harness(
            "check", "--target", app.url, "--stages", "verify", "--bundle", "bundle",
            env={"MINITWIT_SCENARIO_USERS": "5", "MINITWIT_SCENARIO_ACTIONS": "40"},
            cwd=tmp_path,
        )  # fmt: skip

    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "verdict: PASSED" in proc.stdout
    summary = json.loads((tmp_path / "bundle" / "summary.json").read_text())
    stages = {s["name"]: s for s in summary["stages"]}
    assert list(stages) == ["replay", "verify"]
    assert stages["verify"]["status"] == "passed"
    # verify reads every user back: it takes time, and replay's time does not include it.
    assert stages["verify"]["duration_s"] > 0
    assert stages["replay"]["duration_s"] > 0
