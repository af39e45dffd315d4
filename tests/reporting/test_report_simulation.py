"""``report --simulation DB``: the side-by-side report of every target of a simulation store."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from harness.reporting.simulation import simulation_bundles
from tests.reporting.factory import make_bundle
from tests.support.sim_store import T0, LiveWriter, SimWriter, known_rows


def _report(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness", "report", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_stored_outcomes_become_one_bundle_per_target(database_url: str) -> None:
    known_rows(database_url)
    a, b = simulation_bundles(database_url)
    assert (a.label, b.label) == ("a", "b")
    outcomes = a.outcomes["simulate"]
    assert [o.action_id for o in outcomes] == [1, 2, 3, 4, 5, 6, 7]  # in flight left out
    assert [(o.verdict, o.check) for o in outcomes[3:6]] == [
        ("error", "simulator.tweet-status"),
        ("error", "simulator.ReadTimeout"),
        ("error", "simulator.ConnectionError"),
    ]
    assert outcomes[0].started == T0 + 10 and outcomes[0].latency_ms == 10.2
    stage = a.summary.stage("simulate")
    assert stage is not None and stage.status == "failed"
    assert stage.detail == "7 of 10 actions done, 3 errors, 1 outages"
    assert b.outcomes["simulate"] == () and b.summary.status == "passed"


def test_report_command_renders_the_simulation_beside_a_bundle(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sim.db'}"
    known_rows(url)
    gate = make_bundle(tmp_path / "gate", "reference")
    out = tmp_path / "out"

    proc = _report(str(gate), "--simulation", url, "-o", str(out))

    assert proc.returncode == 0, proc.stderr
    md = (out / "summary.md").read_text()
    assert "| a | ❌ fail |" in md and "| b | ✅ pass |" in md and "| reference |" in md
    assert "| simulate | POST /msgs/&lt;user&gt; | HTTP 500 | – | 1 | – |" in md
    assert "| simulate | POST /msgs/&lt;user&gt; | ReadTimeout | – | 1 | – |" in md
    html = (out / "report.html").read_text()
    assert "7 of 10 actions done, 3 errors, 1 outages" in html
    assert html.count("<svg") >= 3  # latency, errors along the scenario, /latest progress
    suites = ET.parse(out / "junit.xml").getroot().findall("testsuite")
    assert [s.get("name") for s in suites] == ["gate: reference", "gate: a", "gate: b"]


def test_report_during_a_run_sees_what_is_stored_so_far(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sim.db'}"
    with SimWriter(url) as w:
        w.target("live", 1000)
    writer = LiveWriter(url, ["live"], interval=0.05, limit=400)
    writer.start()
    try:
        while writer.written < 20:
            writer.join(0.05)
        proc = _report("--simulation", url, "-o", str(tmp_path / "out"))
        assert proc.returncode == 0, proc.stderr
        md = (tmp_path / "out" / "summary.md").read_text()
        assert "| live | ❌ fail |" in md  # every 4th action answered 500
    finally:
        writer.stop()


def test_bad_simulation_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    missing = _report("--simulation", f"sqlite:///{tmp_path / 'none.db'}", "-o", str(tmp_path))
    assert missing.returncode == 2
    assert missing.stderr.count("\n") == 1 and "no simulation store here" in missing.stderr
    empty_url = f"sqlite:///{tmp_path / 'empty.db'}"
    SimWriter(empty_url).close()
    empty = _report("--simulation", empty_url, "-o", str(tmp_path / "o"))
    assert empty.returncode == 2 and "no targets yet" in empty.stderr
    nothing = _report("-o", str(tmp_path / "o"))
    assert nothing.returncode == 2 and "--simulation" in nothing.stderr
    unreachable = _report("--simulation", "postgresql://postgres@127.0.0.1:1/x", "-o", "o")
    assert unreachable.returncode == 2
    assert unreachable.stderr.count("\n") == 1 and "simulation database" in unreachable.stderr
