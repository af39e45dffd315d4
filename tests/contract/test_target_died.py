"""A target that dies mid-run: the probe is named, the rest is not run (not failed)."""

from __future__ import annotations

from pathlib import Path

from harness.checks.contract import run_contract

# Documented exception: SAFE, SUITE and BODY_CHECKS give the run's order (which checks come
# after the fatal probe); the verdicts asserted on them are literals.
from harness.checks.contract.bodies import BODY_CHECKS
from harness.checks.contract.suite import SAFE, SUITE
from harness.events import CheckFinished, Event
from harness.findings import Severity
from tests.contract.conftest import contract_config, run
from tests.support.deviant_app import serve_deviant_app


def test_process_exiting_without_latest(tmp_path: Path) -> None:
    """The app exits on the first request without `latest`: fragile.no-latest, run last."""
    with serve_deviant_app(["exit-without-latest"], tmp_path) as server:
        result, events = run(server.url, property_phase=True, fresh_target=True)
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


def test_target_dying_before_the_property_phase(tmp_path: Path) -> None:
    """The server is killed right after the last deterministic check: the phase reports it."""
    with serve_deviant_app([], tmp_path) as server:

        def kill_before_phase(event: Event) -> None:
            if isinstance(event, CheckFinished) and event.name == list(BODY_CHECKS)[-1]:
                server.process.kill()
                server.process.wait(timeout=10)

        config = contract_config(server.url, property_phase=True, time_budget=3, max_examples=2)
        result = run_contract(config, kill_before_phase)
    assert result.died_after == "the property phase (Schemathesis)"
    [finding] = [f for f in result.findings if f.check == "schemathesis"]
    assert finding.severity is Severity.ERROR and finding.evidence[0].error == "ConnectionError"
    assert {c.name: c.status for c in result.checks}["schemathesis"] == "failed"
    assert not result.ok
