"""The drill is a stage of the gate, off by default: on with ``[drill] during``."""

from __future__ import annotations

import json
from pathlib import Path

from tests.gate.gate_cli import harness

CONFIG = """
[check]
stages = ["drill"]
[drill]
during = 'echo "$MINITWIT_DRILL_TARGET" > {seen} && sleep 1'
warm_up = "2s"
cool_down = "2s"
"""


def test_drill_stage_rehearses_the_operation_on_the_embedded_app(tmp_path: Path) -> None:
    config = tmp_path / "gate.toml"
    seen = tmp_path / "target.txt"
    config.write_text(CONFIG.format(seen=seen))
    bundle = tmp_path / "bundle"

    proc = harness("check", "--config", str(config), "--bundle", str(bundle), cwd=tmp_path)

    assert proc.returncode == 0, proc.stdout + proc.stderr
    summary = json.loads((bundle / "summary.json").read_text())
    (stage,) = summary["stages"]
    assert (stage["name"], stage["status"]) == ("drill", "passed")
    assert stage["detail"].startswith("0 acknowledged writes lost")
    assert stage["results"] == "drill.jsonl"
    # The operation was told where the (embedded) target listens.
    assert seen.read_text().strip().startswith("http://127.0.0.1:")
    doc = json.loads((bundle / "drill.json").read_text())
    assert doc["format"] == "minitwit-harness.drill" and doc["verdict"]["ok"] is True
    assert doc["totals"]["acknowledged"] > 0
    assert '<g id="operation">' in (bundle / "drill.html").read_text()
    # The gate's own reports carry the drill section: verdict, timeline plot, summary.
    report = (bundle / "report" / "report.html").read_text()
    assert '<section class="drill" id="drill-1">' in report
    assert report.count('<g id="operation">') == 1
    markdown = (bundle / "report" / "summary.md").read_text()
    assert "### Drill (" in markdown and "**0 acknowledged writes lost.**" in markdown


def test_drill_stage_without_an_operation_does_not_run(tmp_path: Path) -> None:
    config = tmp_path / "gate.toml"
    config.write_text('[check]\nstages = ["contract", "drill"]\n')
    bundle = tmp_path / "bundle"

    proc = harness("check", "--config", str(config), "--bundle", str(bundle), cwd=tmp_path)

    summary = json.loads((bundle / "summary.json").read_text())
    status = {s["name"]: (s["status"], s["detail"]) for s in summary["stages"]}
    assert status["drill"] == ("not-run", "no operation configured ([drill] during)")
    assert "Traceback" not in proc.stderr
