"""The reference app passes the whole contract run, property phase included, on both backends."""

from __future__ import annotations

import pytest

from tests.contract.conftest import run
from tests.support.servers import RunningServer


@pytest.mark.slow
def test_reference_app_has_no_findings(served_app: RunningServer) -> None:
    """Zero findings: deterministic suite, body checks and Schemathesis (short budget).

    The app was just started: as a fresh target its GET /latest must answer -1 too.
    """
    result, _ = run(
        served_app.url, property_phase=True, time_budget=5, max_examples=10, fresh_target=True
    )
    assert [(f.check, f.message) for f in result.findings] == []
    assert result.ok and result.died_after is None
    assert {c.status for c in result.checks} == {"passed"}
    assert result.property_phase == "passed"
