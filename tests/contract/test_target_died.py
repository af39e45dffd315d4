"""Targets that crash: each crashing request is named, a target that comes back gets the rest.

A request answered by a dropped connection is a ``target.crash`` finding (error) naming it;
the run waits for the target to come back (``--restart-wait``) and goes on; a target that
stays down leaves the remaining checks "not run", never failed.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from harness.checks.contract import run_contract

# Documented exception: SAFE, SUITE and BODY_CHECKS give the run's order (which checks come
# after the fatal probe); the verdicts asserted on them are literals.
from harness.checks.contract.suite import FRAGILE, SAFE, SUITE
from harness.events import CheckFinished, Event
from harness.findings import Severity
from tests.contract.conftest import contract_config
from tests.support.deviant_app import serve_deviant_app
from tests.support.supervised import NO_LATEST_REQUESTS, supervised_deviant_app


def test_process_exiting_for_good(tmp_path: Path) -> None:
    """The app exits on the first request without `latest` and nobody restarts it."""
    with serve_deviant_app(["exit-without-latest"], tmp_path) as server:
        config = contract_config(server.url, property_phase=True, fresh_target=True)
        events: list[Event] = []
        result = run_contract(replace(config, restart_wait=1.0), events.append)
        assert server.process.wait(timeout=10) != 0  # it really died
    assert result.died_after == "fragile.no-latest (POST /register)"
    [crash] = [f for f in result.findings if f.check == "target.crash"]
    assert crash.severity is Severity.ERROR
    assert crash.where == "POST /register"
    assert "dropped the connection without an answer" in crash.message
    assert "did not come back" in crash.message
    assert crash.evidence[0].error == "ConnectionError"
    assert urlsplit(crash.evidence[0].url).path == "/register"
    status = {c.name: c for c in result.checks}
    # Every safe check ran and passed before the fragile probes.
    assert all(status[c.name].status == "passed" for c in SAFE)
    assert status["fragile.no-latest"].status == "failed"
    after = [c.name for c in SUITE][[c.name for c in SUITE].index("fragile.no-latest") + 1 :]
    assert after[:2] == ["latest.ignores-invalid", "msgs.no-invalid"]
    for name in [*after, "schemathesis"]:
        assert status[name].status == "not-run"
        assert "fragile.no-latest" in status[name].detail
    assert not result.ok
    skipped = [e for e in events if isinstance(e, CheckFinished) and e.skipped_reason]
    assert {e.name for e in skipped} == {*after, "schemathesis"}


def test_process_restarted_by_a_supervisor(tmp_path: Path) -> None:
    """Restarted 1 s after each crash: every crashing request is named, every check runs."""
    with supervised_deviant_app(["exit-without-latest"], tmp_path, delay=1.0) as server:
        result = run_contract(contract_config(server.url), lambda event: None)
    crashes = [f for f in result.findings if f.check == "target.crash"]
    assert {f.where for f in crashes} == NO_LATEST_REQUESTS
    assert len(crashes) == len(NO_LATEST_REQUESTS)
    for crash in crashes:
        assert crash.severity is Severity.ERROR
        assert "dropped the connection without an answer" in crash.message
        assert "answered again after" in crash.message
        assert "latest=" not in crash.evidence[0].url
    # The crashes are the only findings: the check's own grading of them is explained.
    assert {f.check for f in result.findings} == {"target.crash"}
    status = {c.name: c.status for c in result.checks}
    assert status["fragile.no-latest"] == "failed"
    assert status["latest.ignores-invalid"] == "passed"
    assert status["msgs.no-invalid"] == "passed"
    assert result.died_after is None
    assert not result.ok


def test_target_dying_before_the_property_phase(tmp_path: Path) -> None:
    """The server is killed right after the last deterministic check: the phase reports it."""
    with serve_deviant_app([], tmp_path) as server:

        def kill_before_phase(event: Event) -> None:
            if isinstance(event, CheckFinished) and event.name == FRAGILE[-1].name:
                server.process.kill()
                server.process.wait(timeout=10)

        config = contract_config(server.url, property_phase=True, time_budget=3, max_examples=2)
        result = run_contract(replace(config, restart_wait=1.0), kill_before_phase)
    assert result.died_after == "the property phase (Schemathesis)"
    [finding] = [f for f in result.findings if f.check == "target.crash"]
    assert finding.severity is Severity.ERROR
    assert "the target stopped answering" in finding.message
    assert {c.name: c.status for c in result.checks}["schemathesis"] == "failed"
    assert not result.ok
