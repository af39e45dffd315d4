"""Reading Schemathesis NDJSON events into findings (in-process, synthetic events)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from harness.checks.contract.bodies import EXPLAINED_TITLE
from harness.checks.contract.st_events import endpoint, read_failures
from harness.findings import Exchange, Finding, Profile, Severity


def _b64(text: str) -> dict[str, str]:
    return {"$base64": base64.b64encode(text.encode()).decode()}


def scenario(
    check: str, operation: str, status: int, negative: set[str], case: str
) -> dict[str, Any]:
    """One failed ScenarioFinished event as Schemathesis 4 writes it."""
    method, path = operation.split(" ", 1)
    components = {
        loc: {"mode": "negative" if loc in negative else "positive"}
        for loc in ("query", "body", "header")
    }
    return {
        "ScenarioFinished": {
            "status": "failure",
            "recorder": {
                "label": operation,
                "cases": {
                    case: {
                        "value": {
                            "method": method,
                            "path": path,
                            "meta": {"components": components},
                        }
                    }
                },
                "checks": {
                    case: [
                        {"name": "status_code_conformance", "status": "success"},
                        {
                            "name": check,
                            "status": "failure",
                            "failure_info": {
                                "failure": {
                                    "code": "ST1",
                                    "title": f"{check} failed",
                                    "operation": operation,
                                    "message": "why\nmore",
                                }
                            },
                        },
                    ]
                },
                "interactions": {
                    case: {
                        "request": {
                            "method": method,
                            "uri": f"http://t{path}",
                            "headers": {"A": ["1"]},
                            "body": _b64('{"content": "ü"}'),
                        },
                        "response": {
                            "status_code": status,
                            "headers": {"content-type": ["text/html"]},
                            "content": _b64("<h1>boom</h1>"),
                            "elapsed": 0.002,
                        },
                    }
                },
            },
        }
    }


def write(path: Path, *events: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return path


def test_failures_become_findings_with_evidence(tmp_path: Path) -> None:
    """Each failed check is one finding, deduplicated, with the decoded exchange."""
    events = write(
        tmp_path / "e.ndjson",
        {"Initialize": {}},
        {"PhaseFinished": {"phase": {"name": "probing"}, "status": "success"}},
        {"PhaseFinished": {"phase": {"name": "stateful"}, "status": "failure"}},
        scenario("not_a_server_error", "POST /msgs/{username}", 500, {"body"}, "a"),
        scenario("not_a_server_error", "POST /msgs/{username}", 500, {"body"}, "b"),
        scenario("response_schema_conformance", "GET /msgs", 200, set(), "c"),
        {"EngineFinished": {"stop_reason": "max_time"}},
    )
    summary = read_failures(events, "http://t", [])
    assert summary.stop_reason == "max_time" and summary.cases == 3
    assert summary.phases == {"stateful": "failure"}
    assert [(f.check, f.severity) for f in summary.findings] == [
        ("schemathesis.not_a_server_error", Severity.ERROR),
        ("schemathesis.response_schema_conformance", Severity.WARNING),
    ]
    crash = summary.findings[0]
    assert crash.where == "POST /msgs/<user>" and crash.message.startswith("ST1 ")
    [ex] = crash.evidence
    assert (ex.method, ex.status, ex.request_body, ex.response_body) == (
        "POST",
        500,
        '{"content": "ü"}',
        "<h1>boom</h1>",
    )
    assert ex.request_headers == {"A": "1"} and ex.elapsed_ms == 2.0


def _suite(check: str, where: str, status: int, sev: Severity = Severity.QUIRK) -> Finding:
    """A finding of the deterministic suite with one answer of ``status`` as evidence."""
    profile = Profile.QUIRK if sev is Severity.QUIRK else Profile.STRICT
    exchange = Exchange(where.split()[0], "http://t", status=status)
    return Finding(check, sev, profile, "m", "contract", where=where, evidence=(exchange,))


def test_failure_a_check_already_names_is_merged(tmp_path: Path) -> None:
    """A 500 on an endpoint where the suite reported a 500: one cause, the suite's finding."""
    quirk = _suite("msgs.tweet-unknown-user-404", "POST /msgs/<user>", 500)
    events = write(
        tmp_path / "e.ndjson",
        scenario("not_a_server_error", "POST /msgs/{username}", 500, set(), "a"),
    )
    summary = read_failures(events, "http://t", [quirk])
    assert summary.findings == [] and summary.merged == 1


def test_failure_without_credentials_is_the_auth_finding(tmp_path: Path) -> None:
    """A request Schemathesis sent without valid credentials, answered 200 text: the auth
    check's finding names it; the same answer to a request with credentials does not merge."""
    auth = _suite("auth.required-403", "GET /msgs", 200, Severity.ERROR)
    events = write(
        tmp_path / "e.ndjson",
        scenario("content_type_conformance", "GET /msgs/{username}", 200, {"header"}, "a"),
        scenario("content_type_conformance", "GET /fllws/{username}", 200, set(), "b"),
    )
    summary = read_failures(events, "http://t", [auth])
    assert summary.merged == 1
    assert [(f.check, f.where) for f in summary.findings] == [
        ("schemathesis.content_type_conformance", "GET /fllws/<user>")
    ]
    # Without an auth finding, the failure stays a finding of its own.
    assert len(read_failures(events, "http://t", []).findings) == 2


def test_explained_title_names_its_causes(tmp_path: Path) -> None:
    """A failure the hooks titled as explained by suite checks carries those checks."""
    event = scenario("response_schema_conformance", "GET /msgs", 200, set(), "a")
    checks = event["ScenarioFinished"]["recorder"]["checks"]["a"]
    title = EXPLAINED_TITLE + "msgs.numeric-strings, msgs.integer-content"
    checks[1]["failure_info"]["failure"]["title"] = title
    summary = read_failures(write(tmp_path / "e.ndjson", event), "http://t", [])
    [finding] = summary.findings
    assert summary.causes == {id(finding): ("msgs.numeric-strings", "msgs.integer-content")}


def test_accepted_odd_query_values_are_no_finding(tmp_path: Path) -> None:
    """`latest`, `no` and unknown query parameters accept anything; a bad body must be refused."""
    events = write(
        tmp_path / "e.ndjson",
        scenario("negative_data_rejection", "GET /msgs", 200, {"query"}, "a"),
        scenario("negative_data_rejection", "POST /register", 204, {"body"}, "b"),
    )
    [finding] = read_failures(events, "http://t", []).findings
    assert finding.where == "POST /register" and finding.severity is Severity.WARNING


def test_endpoint_names_match_the_suite() -> None:
    """OpenAPI path templates map to the suite's endpoint names."""
    assert endpoint("GET /fllws/{username}") == "GET /fllws/<user>"
    assert endpoint("GET /latest") == "GET /latest"


def test_quirk_labels_only_where_the_quirk_lives(tmp_path: Path) -> None:
    """HEAD /msgs answering 500 is the suite's quirk (merged); GET /msgs answering 500 is an
    error of its own."""
    events = write(
        tmp_path / "e.ndjson",
        scenario("not_a_server_error", "HEAD /msgs", 500, set(), "a"),
        scenario("not_a_server_error", "GET /msgs", 500, set(), "b"),
    )
    known = [_suite("http.head", "HEAD /msgs", 500)]
    summary = read_failures(events, "http://t", known)
    assert {f.where: f.severity for f in summary.findings} == {"GET /msgs": Severity.ERROR}
    assert summary.merged == 1


def test_html_error_bodies_are_quirks_and_415_is_merged(tmp_path: Path) -> None:
    """An HTML 404 body is the HTML-bodies quirk; a 415 on any endpoint repeats the suite's
    Content-Type quirk (a quirk of the whole API): one cause, the suite's finding."""
    events = write(
        tmp_path / "e.ndjson",
        scenario("content_type_conformance", "GET /fllws/{username}", 404, set(), "a"),
        scenario("status_code_conformance", "POST /fllws/{username}", 415, set(), "b"),
    )
    known = [_suite("http.missing-content-type", "POST /register", 415)]
    summary = read_failures(events, "http://t", known)
    assert [(f.severity, f.message.rsplit("(", 1)[-1]) for f in summary.findings] == [
        (Severity.QUIRK, "same quirk as http.error-body-json)"),
    ]
    assert summary.merged == 1


def test_head_failure_a_get_check_names_is_merged(tmp_path: Path) -> None:
    """HEAD /msgs answered 400 where the suite found GET /msgs answering 400: one cause."""
    get = Finding(
        "msgs.no-optional",
        Severity.WARNING,
        Profile.STRICT,
        "GET /msgs without no: expected 200, got 400",
        "contract",
        where="GET /msgs",
        evidence=(Exchange("GET", "http://t/msgs", status=400),),
    )
    events = write(
        tmp_path / "e.ndjson",
        scenario("status_code_conformance", "HEAD /msgs", 400, set(), "a"),
        scenario("status_code_conformance", "HEAD /fllws/{username}", 400, set(), "b"),
    )
    summary = read_failures(events, "http://t", [get])
    assert summary.merged == 1
    assert [(f.check, f.where) for f in summary.findings] == [
        ("schemathesis.status_code_conformance", "HEAD /fllws/<user>")
    ]
