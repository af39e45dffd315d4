"""``minitwit-harness contract`` as users run it: exit codes, one-line errors, report files."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

# Documented exception: SUITE is what `--list-checks` and the report must show in full and in
# order; the checks' own expected behaviour is asserted with literals elsewhere.
from harness.checks.contract.suite import SUITE
from tests.support.deviant_app import serve_deviant_app
from tests.support.net import free_port


def contract(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI in its own process."""
    cmd = [sys.executable, "-m", "harness", "contract", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def test_unreachable_target_is_exit_2_with_one_line() -> None:
    """Nothing listens on the port: the tool could not run."""
    done = contract("--target", f"http://127.0.0.1:{free_port()}", "--no-property-phase")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "unreachable" in lines[0] and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        ((), "--target"),
        (("--target", "ftp://example.org"), "--target"),
        (("--target", "http://127.0.0.1:1", "--fail-on", "bogus"), "--fail-on"),
        (("--target", "http://127.0.0.1:1", "--max-examples", "0"), "--max-examples"),
        (("--target", "http://127.0.0.1:1", "--time-budget", "abc"), "--time-budget"),
    ],
)
def test_bad_flags_are_exit_2_with_one_line(args: tuple[str, ...], problem: str) -> None:
    """A bad flag names itself on one line."""
    done = contract(*args)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and problem in lines[0], done.stderr


def test_clean_target_is_exit_0_and_writes_reports(tmp_path: Path) -> None:
    """No findings: exit 0, a table, versioned JSON and one JUnit testcase per check."""
    report, junit = tmp_path / "out" / "findings.json", tmp_path / "out" / "junit.xml"
    with serve_deviant_app([], tmp_path) as server:
        done = contract(
            "--target",
            server.url,
            "--no-property-phase",
            "--json",
            str(report),
            "--junit",
            str(junit),
        )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASSED" in done.stdout and "msgs.newest-first" in done.stdout
    data = json.loads(report.read_text(encoding="utf-8"))
    assert (data["format"], data["version"], data["ok"]) == ("minitwit-harness.findings", 1, True)
    cases = list(ET.parse(junit).getroot().iter("testcase"))
    names = [c.get("name") for c in cases]
    assert len(names) == len(set(names)) and {c.name for c in SUITE} <= set(names)
    assert "schemathesis" in names


def test_warnings_pass_unless_fail_on_warning(tmp_path: Path) -> None:
    """Warnings alone exit 0; with --fail-on warning they exit 1."""
    with serve_deviant_app(["pub-date-iso"], tmp_path) as server:
        lenient = contract("--target", server.url, "--no-property-phase")
        strict = contract("--target", server.url, "--no-property-phase", "--fail-on", "warning")
    assert lenient.returncode == 0 and "schema.messages" in lenient.stdout
    assert strict.returncode == 1


def test_errors_are_exit_1_and_in_the_reports(tmp_path: Path) -> None:
    """An error finding: exit 1, the finding in the JSON with its exchange, a JUnit failure."""
    report, junit = tmp_path / "findings.json", tmp_path / "junit.xml"
    with serve_deviant_app(["html-escape"], tmp_path) as server:
        done = contract(
            "--target",
            server.url,
            "--no-property-phase",
            "--json",
            str(report),
            "--junit",
            str(junit),
        )
    assert done.returncode == 1
    assert "FAILED" in done.stdout
    data = json.loads(report.read_text(encoding="utf-8"))
    [finding] = [f for f in data["findings"] if f["check"] == "msgs.content-preserved"]
    assert finding["severity"] == "error"
    assert finding["evidence"][0]["method"] == "GET" and finding["evidence"][0]["status"] == 200
    case = next(
        c
        for c in ET.parse(junit).getroot().iter("testcase")
        if c.get("name") == "msgs.content-preserved"
    )
    assert case.find("failure") is not None


def test_unwritable_report_is_exit_2(tmp_path: Path) -> None:
    """A report path that cannot be written is one error line before any probe is sent."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with serve_deviant_app([], tmp_path) as server:
        done = contract(
            "--target", server.url, "--no-property-phase", "--json", str(blocker / "a.json")
        )
    assert done.returncode == 2
    assert done.stdout == ""  # checked up front: no run whose results could not be kept
    assert done.stderr == (
        f"minitwit-harness: error: --json: cannot write {blocker}/a.json: "
        f"{blocker} is not a directory\n"
    )


def test_list_checks_needs_no_target() -> None:
    """--list-checks prints every check in run order and exits 0."""
    done = contract("--list-checks")
    assert done.returncode == 0, done.stderr
    names = [line.split()[0] for line in done.stdout.splitlines()]
    assert names[: len(SUITE)] == [c.name for c in SUITE]
    assert names[-1] == "schemathesis"
