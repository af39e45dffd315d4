"""The Schemathesis phase: its failures become findings; it never sends the locking probe."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.findings import Severity
from tests.contract.conftest import run
from tests.support.deviant_app import serve_deviant_app


@pytest.mark.slow
def test_property_phase_folds_failures_into_findings(tmp_path: Path) -> None:
    """A date as a string violates the response schema; no tweet by an unknown user is sent.

    Under ``tweet-unknown-user-500`` such a tweet locks every later write (as on the course
    reference): the phase names only a user of the run in paths, and the suite's own probe
    runs last, so nothing after it fails.
    """
    with serve_deviant_app(["pub-date-iso", "tweet-unknown-user-500"], tmp_path) as server:
        result, _ = run(server.url, property_phase=True, time_budget=5, max_examples=10)
    st = [f for f in result.findings if f.check.startswith("schemathesis.")]
    # The schema violation is the suite's schema.messages finding: one cause, one finding.
    schema = [f for f in result.findings if f.check == "schema.messages"]
    assert schema and all(f.severity is Severity.WARNING for f in schema)
    assert "pub_date" in (schema[0].evidence[0].response_body or "")
    assert not [f for f in st if f.check == "schemathesis.response_schema_conformance"]
    detail = {c.name: c.detail for c in result.checks}["schemathesis"]
    assert "named by the suite's checks" in detail
    assert [f for f in st if f.evidence[0].status == 500] == []
    assert [f for f in result.findings if f.severity is Severity.ERROR] == []
    status = {c.name: c.status for c in result.checks}
    assert status["schemathesis"] == "failed" and result.property_phase == "failed"
    assert status["msgs.tweet-unknown-user-404"] == "failed"  # the quirk, found last
    assert {c.status for c in result.checks} <= {"passed", "failed", "not-run"}
