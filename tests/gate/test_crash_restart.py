"""``check`` against an app that crashes and is restarted: exit 1, every stage to the end.

The app exits on every request without `latest` (the spec makes it optional) and a
supervisor restarts it one second later, as systemd or a container restart policy would.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.gate.gate_cli import harness
from tests.support.supervised import NO_LATEST_REQUESTS, supervised_deviant_app


def test_crash_and_restart_is_exit_1_with_every_stage_run(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    with supervised_deviant_app(["exit-without-latest"], tmp_path, delay=1.0) as app:
        proc = harness(
            "check",
            "--target",
            app.url,
            "--bundle",
            str(bundle),
            "--restart-wait",
            "10",
            "--no-progress",
            cwd=tmp_path,
        )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "could not run" not in out and "Traceback" not in out
    summary = json.loads((bundle / "summary.json").read_text())
    status = {s["name"]: s["status"] for s in summary["stages"]}
    # Every configured stage ran to its end (allowlist has no sources configured).
    assert status == {
        "replay": "passed",
        "verify": "failed",
        "contract": "failed",
        "allowlist": "not-run",
        "load": "failed",
    }
    findings = json.loads((bundle / "findings.json").read_text())["findings"]
    crashes = [f for f in findings if f["check"] == "target.crash"]
    assert all(f["severity"] == "error" for f in crashes)
    contract = {f["where"] for f in crashes if f["stage"] == "contract"}
    assert contract == NO_LATEST_REQUESTS
    for crash in crashes:
        request = crash["evidence"][0]
        assert request["url"].startswith(app.url)
        assert request["curl"].startswith(f"curl -i -X {request['method']} ")
        assert app.url in request["curl"] and "Authorization: Basic" in request["curl"]
    # Verify's reads carry no `latest`: the first one crashes the app, and is named.
    [verify] = [f for f in crashes if f["stage"] == "verify"]
    assert verify["where"] in ("GET /msgs/<user>", "GET /fllws/<user>", "GET /msgs")
    # Reads that found the app down judged nothing: no data difference is claimed.
    assert not [f for f in findings if f["check"] == "verify.read-failed"]
    assert [f for f in crashes if f["stage"] == "load"]
