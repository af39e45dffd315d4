"""The Schemathesis phase: its failures become findings; 500s of known quirks stay quirks."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.findings import Profile, Severity
from tests.contract.conftest import run
from tests.support.deviant_app import serve_deviant_app


@pytest.mark.slow
def test_property_phase_folds_failures_into_findings(tmp_path: Path) -> None:
    """A date as a string violates the response schema; the quirky 500 stays a quirk."""
    with serve_deviant_app(["pub-date-iso", "tweet-unknown-user-500"], tmp_path) as server:
        result, _ = run(server.url, property_phase=True, time_budget=5, max_examples=10)
    st = [f for f in result.findings if f.check.startswith("schemathesis.")]
    schema = [f for f in st if f.check == "schemathesis.response_schema_conformance"]
    assert schema and all(f.severity is Severity.WARNING for f in schema)
    assert "pub_date" in (schema[0].evidence[0].response_body or "")
    assert schema[0].evidence[0].status == 200 and schema[0].where is not None
    server_errors = [f for f in st if f.evidence[0].status == 500]
    assert server_errors, [f.check for f in st]
    for finding in server_errors:
        assert (finding.severity, finding.profile) == (Severity.QUIRK, Profile.QUIRK)
        assert finding.where == "POST /msgs/<user>"
        assert "msgs.tweet-unknown-user-404" in finding.message
    assert [f for f in result.findings if f.severity is Severity.ERROR] == []
    status = {c.name: c.status for c in result.checks}
    assert status["schemathesis"] == "failed" and result.property_phase == "failed"
