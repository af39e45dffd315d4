"""A target that dies mid-run: the probe is named, the rest is not run (not failed)."""

from __future__ import annotations

from pathlib import Path

from harness.checks.contract.suite import SAFE, SUITE
from harness.events import CheckFinished
from harness.findings import Severity
from tests.contract.conftest import run
from tests.support.deviant_app import serve_deviant_app


def test_process_exiting_without_latest(tmp_path: Path) -> None:
    """The app exits on the first request without `latest`: fragile.no-latest, run last."""
    with serve_deviant_app(["exit-without-latest"], tmp_path) as server:
        result, events = run(server.url, property_phase=True)
        assert server.process.wait(timeout=10) != 0  # it really died
    assert result.died_after == "fragile.no-latest (POST /register)"
    died = [f for f in result.findings if f.check == "fragile.no-latest"]
    assert len(died) == 1 and died[0].severity is Severity.ERROR
    assert died[0].evidence[0].error == "ConnectionError"
    assert "/register" in died[0].evidence[0].url
    status = {c.name: c for c in result.checks}
    # Every safe check ran and passed before the fragile probes.
    assert all(status[c.name].status == "passed" for c in SAFE)
    after = [c.name for c in SUITE][[c.name for c in SUITE].index("fragile.no-latest") + 1 :]
    assert after == ["latest.ignores-invalid", "msgs.no-invalid"]
    for name in [*after, "schemathesis"]:
        assert status[name].status == "not-run"
        assert "fragile.no-latest" in status[name].detail
    assert not result.ok
    skipped = [e for e in events if isinstance(e, CheckFinished) and e.skipped_reason]
    assert {e.name for e in skipped} == {*after, "schemathesis"}
