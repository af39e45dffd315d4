"""``check`` honours ``[contract] fail_on``: with "warning", a quirk alone fails the gate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.gate.gate_cli import harness
from tests.support.deviant_app import serve_deviant_app


@pytest.mark.parametrize(
    ("fail_on", "code", "verdict"), [("warning", 1, "FAILED"), ("error", 0, "PASSED")]
)
def test_fail_on_decides_whether_a_quirk_fails_the_gate(
    fail_on: str, code: int, verdict: str, tmp_path: Path
) -> None:
    # self-follow is a quirk of the course reference: a finding, but not an error.
    with serve_deviant_app(["self-follow"], tmp_path) as app:
        (tmp_path / "ci.toml").write_text(
            f'target = "{app.url}"\n[check]\nstages = ["contract"]\nbundle = "bundle"\n'
            f'[contract]\nproperty_phase = false\nfail_on = "{fail_on}"\n'
        )
        proc = harness("check", "--config", "ci.toml", cwd=tmp_path)

    assert proc.returncode == code, proc.stdout + proc.stderr
    assert f"verdict: {verdict}" in proc.stdout
    summary = json.loads((tmp_path / "bundle" / "summary.json").read_text())
    assert summary["status"] == verdict.lower()
    findings = json.loads((tmp_path / "bundle" / "findings.json").read_text())
    severities = {f["severity"] for f in findings["findings"]}
    assert "quirk" in severities and "error" not in severities
