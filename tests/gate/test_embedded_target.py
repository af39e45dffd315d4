"""Without ``--target`` the gate starts the reference app, shows one exchange, stops it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import requests

from tests.gate.gate_cli import harness


def test_embedded_reference_app_is_started_shown_and_stopped(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"

    proc = harness("check", "--stages", "allowlist", "--bundle", str(bundle), cwd=tmp_path)

    assert proc.returncode == 0, proc.stdout + proc.stderr
    url = re.search(r"reference app: (http://127\.0\.0\.1:\d+)", proc.stdout)
    assert url, proc.stdout
    assert f'GET {url.group(1)}/latest -> 200 {{"latest": -1}}' in proc.stdout
    summary = json.loads((bundle / "summary.json").read_text())
    assert summary["embedded"] is True and summary["target"] == url.group(1)
    assert [(s["name"], s["status"]) for s in summary["stages"]] == [("allowlist", "not-run")]
    assert (bundle / "report" / "report.html").is_file()
    try:  # stopped: nothing answers there any more
        requests.get(url.group(1) + "/latest", timeout=1)
        raise AssertionError("the embedded app still answers after the gate ended")
    except requests.ConnectionError:
        pass
