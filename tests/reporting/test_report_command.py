"""``minitwit-harness report``: writes HTML, Markdown and JUnit; exit codes gate on regressions."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.reporting.factory import finding, make_bundle


def _report(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness", "report", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_report_without_baseline_writes_all_formats_and_exits_0(tmp_path: Path) -> None:
    a = make_bundle(tmp_path / "a", "team-a")
    b = make_bundle(tmp_path / "b", "team-b", failing_ids=[5], findings=[finding("tweet.x")])
    out = tmp_path / "out"

    proc = _report(str(a), str(b), "-o", str(out))

    assert proc.returncode == 0, proc.stderr
    html = (out / "report.html").read_text()
    assert "team-a" in html and "team-b" in html and "tweet.x" in html
    md = (out / "summary.md").read_text()
    assert "| team-b | ❌ fail |" in md
    suites = ET.parse(out / "junit.xml").getroot().findall("testsuite")
    assert [s.get("name") for s in suites] == ["gate: team-a", "gate: team-b"]
    assert suites[1].get("failures") == "2"  # replay and contract stages failed


def test_report_with_baseline_exits_1_on_regression_and_0_without(tmp_path: Path) -> None:
    base = make_bundle(tmp_path / "main", "main", latency_ms=20.0)
    same = make_bundle(tmp_path / "same", "same", latency_ms=20.0, seed=3)
    slow = make_bundle(tmp_path / "slow", "slow", latency_ms=80.0)

    ok = _report(str(same), "--baseline", str(base), "-o", str(tmp_path / "r1"))
    bad = _report(str(slow), "--baseline", str(base), "-o", str(tmp_path / "r2"))

    assert ok.returncode == 0, ok.stderr
    assert "regression gate: pass" in ok.stdout
    assert bad.returncode == 1
    assert "regression gate: FAIL" in bad.stderr
    assert "slower" in (tmp_path / "r2" / "summary.md").read_text()
    regression_suite = ET.parse(tmp_path / "r2" / "junit.xml").getroot().findall("testsuite")[-1]
    assert regression_suite.get("failures") == "1"


def test_report_on_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "summary.json").write_text("{ not json")

    proc = _report(str(bad), "-o", str(tmp_path / "out"))
    missing = _report(str(tmp_path / "missing"), "-o", str(tmp_path / "out"))

    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "invalid JSON" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert missing.returncode == 2 and "results bundle not found" in missing.stderr
