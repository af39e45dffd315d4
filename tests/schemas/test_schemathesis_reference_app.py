"""Schemathesis (pinned) against the OpenAPI document and the running reference app.

Positive and negative data, every phase (examples, coverage, fuzzing, stateful through the
document's links), every check, on SQLite and on PostgreSQL: Schemathesis reports nothing.
The same run against the naive baseline (the course design) does report failures, so the
setup is not vacuous. Settings and the reasons for each are in ``schemathesis.toml``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import schemas
from harness.local import stop_process
from tests.support.net import free_port, wait_http
from tests.support.servers import RunningServer

CONFIG = Path(__file__).with_name("schemathesis.toml")
CREDENTIALS = "simulator:super_safe!"
OPERATIONS = {
    f"{method.upper()} {path}"
    for path, item in schemas.openapi()["paths"].items()
    for method in item
    if method in {"get", "head", "post"}
}


def _schemathesis(
    url: str, tmp_path: Path, *extra: str
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Run the Schemathesis CLI on the packaged document; the process and its JUnit report."""
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(schemas.openapi()))
    junit = tmp_path / "schemathesis-junit.xml"
    cmd = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "run"]
    cmd += [str(spec), "--url", url, "--auth", CREDENTIALS, "--checks", "all"]
    cmd += ["--report", "junit", "--report-junit-path", str(junit), *extra]
    env = {**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_TELEMETRY": "false"}
    # cwd: Schemathesis keeps its example database and reports in the working directory.
    done = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240)
    return done, junit


def _testcases(junit: Path) -> list[ET.Element]:
    return list(ET.parse(junit).getroot().iter("testcase"))


@pytest.mark.slow
def test_schemathesis_reports_nothing_against_the_reference_app(
    served_app: RunningServer, tmp_path: Path
) -> None:
    done, junit = _schemathesis(served_app.url, tmp_path)
    assert done.returncode == 0, done.stdout[-8000:] + done.stderr[-2000:]
    cases = _testcases(junit)
    names = {c.get("name") for c in cases}
    assert names >= OPERATIONS, names  # every operation was tested ...
    assert not [c for c in cases if c.find("failure") is not None or c.find("error") is not None]
    assert "API Links:" in done.stdout  # ... and the stateful phase followed the links


@pytest.mark.slow
def test_the_same_run_finds_the_course_designs_deviations(tmp_path: Path) -> None:
    port = free_port()
    cmd = [sys.executable, "-m", "bench.baseline_app", "--port", str(port)]
    cmd += ["--db", str(tmp_path / "baseline.db"), "--latest-file", str(tmp_path / "latest")]
    log = (tmp_path / "baseline.log").open("wb")
    server = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_http(f"http://127.0.0.1:{port}/latest")
        done, junit = _schemathesis(
            f"http://127.0.0.1:{port}",
            tmp_path,
            "--max-examples",
            "5",
            "--phases",
            "examples,coverage",
        )
    finally:
        stop_process(server, grace_s=10)
        log.close()
    assert done.returncode == 1, done.stdout[-4000:]
    failed = {c.get("name") for c in _testcases(junit) if c.find("failure") is not None}
    # The course design answers 500 to a body without the expected keys and HTML for 404s.
    assert "POST /register" in failed
    assert "GET /msgs/{username}" in failed
