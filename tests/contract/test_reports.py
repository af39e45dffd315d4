"""Findings JSON round trip and JUnit XML: one testcase per check, failures by severity."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from harness.checks.contract.model import CheckStatus, ContractResult
from harness.errors import InputError
from harness.findings import Exchange, Finding, Profile, Severity
from harness.reporting.contract_console import render
from harness.reporting.findings_json import (
    findings_document,
    read_findings_json,
    write_findings_json,
)
from harness.reporting.junit import JUnitSuite, write_junit, write_junit_suites

EXCHANGE = Exchange("POST", "http://t/msgs/a%20b", {"A": "b"}, '{"content": "ü"}', 500, {}, "<h1>")
FINDINGS = [
    Finding(
        "msgs.tweet-unknown-user-404",
        Severity.QUIRK,
        Profile.QUIRK,
        "500",
        "contract",
        "http://t",
        "POST /msgs/<user>",
        (EXCHANGE,),
    ),
    Finding(
        "register.duplicate-400", Severity.ERROR, Profile.STRICT, "dup", "contract", "http://t"
    ),
    Finding("schema.messages", Severity.WARNING, Profile.STRICT, "date", "contract", "http://t"),
    Finding("schemathesis.not_a_server_error", Severity.ERROR, Profile.STRICT, "5xx", "contract"),
]
CHECKS = [
    CheckStatus("msgs.tweet-unknown-user-404", "failed", "500", 0.1),
    CheckStatus("register.duplicate-400", "failed", "dup", 0.2),
    CheckStatus("schema.messages", "failed", "date"),
    CheckStatus("latest.initial", "passed"),
    CheckStatus("fragile.no-latest", "not-run", "target stopped answering"),
    CheckStatus("schemathesis", "failed", "1 failure", 3.0),
]


def test_findings_json_round_trip(tmp_path: Path) -> None:
    """Written findings and statuses read back equal; the document is versioned."""
    path = tmp_path / "f.json"
    doc = findings_document(FINDINGS, stage="contract", target="http://t", ok=False, checks=CHECKS)
    write_findings_json(path, doc)
    data, findings, checks = read_findings_json(path)
    assert data["format"] == "minitwit-harness.findings" and data["version"] == 1
    assert data["summary"] == {"error": 2, "warning": 1, "quirk": 1}
    assert findings == FINDINGS and checks == CHECKS


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{", "not JSON"),
        ('{"format": "other"}', "not a minitwit-harness.findings file"),
        ('{"format": "minitwit-harness.findings", "version": 99}', "unsupported version"),
    ],
)
def test_foreign_findings_json_is_one_line_input_error(
    tmp_path: Path, content: str, problem: str
) -> None:
    """A broken or foreign file names itself and the problem."""
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(InputError, match=problem) as err:
        read_findings_json(path)
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def _cases(path: Path) -> dict[str, ET.Element]:
    return {c.get("name", ""): c for c in ET.parse(path).getroot().iter("testcase")}


def test_junit_one_testcase_per_check(tmp_path: Path) -> None:
    """Errors fail, quirks and warnings go to system-out, not-run is skipped."""
    path = tmp_path / "j.xml"
    write_junit(path, "contract", CHECKS, FINDINGS)
    cases = _cases(path)
    assert list(cases) == [c.name for c in CHECKS]
    assert cases["register.duplicate-400"].find("failure") is not None
    assert cases["msgs.tweet-unknown-user-404"].find("failure") is None
    assert "POST http://t/msgs/a%20b -> 500" in (
        cases["msgs.tweet-unknown-user-404"].findtext("system-out") or ""
    )
    assert cases["schema.messages"].find("failure") is None
    assert cases["fragile.no-latest"].find("skipped") is not None
    assert cases["schemathesis"].find("failure") is not None  # schemathesis.* folds in
    suite = ET.parse(path).getroot().find("testsuite")
    assert suite is not None and (
        suite.get("tests"),
        suite.get("failures"),
        suite.get("skipped"),
    ) == ("6", "2", "1")


def test_junit_fail_on_warning(tmp_path: Path) -> None:
    """With fail_on=warning, warnings and quirks fail their testcase too."""
    path = tmp_path / "j.xml"
    write_junit(path, "contract", CHECKS, FINDINGS, fail_on="warning")
    cases = _cases(path)
    assert cases["schema.messages"].find("failure") is not None
    assert cases["msgs.tweet-unknown-user-404"].find("failure") is not None
    assert list(cases["latest.initial"]) == []


def test_junit_several_suites(tmp_path: Path) -> None:
    """The gate writes one testsuite per stage into one file."""
    path = tmp_path / "j.xml"
    write_junit_suites(
        path,
        [
            JUnitSuite("contract", CHECKS, FINDINGS),
            JUnitSuite("replay", [CheckStatus("replay.ok", "passed")], []),
        ],
    )
    suites = ET.parse(path).getroot().findall("testsuite")
    assert [(s.get("name"), s.get("tests")) for s in suites] == [("contract", "6"), ("replay", "1")]


def test_verbose_console_shows_curl_and_response_body() -> None:
    """``-v``: each evidence request as a curl line, and the start of its response body."""
    exchange = Exchange(
        "GET",
        "http://t/msgs?no=1",
        {"Authorization": "Basic x"},
        status=500,
        response_body="<h1>boom</h1>" + "x" * 5000,
    )
    finding = Finding(
        "http.server-error", Severity.ERROR, Profile.STRICT, "500", "contract", evidence=(exchange,)
    )
    result = ContractResult(target="http://t", ok=False, findings=[finding])
    text = render(result, verbose=True)
    assert "curl -i -X GET 'http://t/msgs?no=1' -H 'Authorization: Basic x'" in text
    assert "response body (cut; 5013 in all): <h1>boom</h1>xxx" in text
    assert "x" * 400 not in text  # bounded
    assert "curl" not in render(result, verbose=False)
