"""The allowlist probes are a stage of the gate when expectations are configured."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.gate.gate_cli import harness

CONFIG = """
[check]
stages = ["allowlist"]
[serve]
accepted_ips = "{accepted}"
[allowlist]
allowed_sources = ["127.0.0.2"]
denied_sources = ["127.0.0.3"]
"""


@pytest.mark.parametrize(
    ("accepted", "code", "status"),
    [("127.0.0.1,127.0.0.2", 0, "passed"), ("*", 1, "failed")],
    ids=["allowlist-right", "allowlist-open"],
)
def test_allowlist_stage_judges_the_embedded_app(
    tmp_path: Path, accepted: str, code: int, status: str
) -> None:
    config = tmp_path / "gate.toml"
    config.write_text(CONFIG.format(accepted=accepted))
    bundle = tmp_path / "bundle"

    proc = harness("check", "--config", str(config), "--bundle", str(bundle), cwd=tmp_path)

    assert proc.returncode == code, proc.stdout + proc.stderr
    summary = json.loads((bundle / "summary.json").read_text())
    (stage,) = summary["stages"]
    assert (stage["name"], stage["status"]) == ("allowlist", status)
    sources = {row["source"] for row in stage["matrix"]}
    assert {"127.0.0.2", "127.0.0.3"} <= sources
    html = (bundle / "report" / "report.html").read_text()
    assert 'class="matrix"' in html
