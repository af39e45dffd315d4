"""Each deviation of the deviant app is found exactly: its checks and severities, nothing else.

The contract stage alone (fast); tests/gate/test_deviations_gate.py runs the whole gate.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.findings import Profile, Severity
from tests.contract.conftest import run
from tests.support.deviant_app import DEVIATIONS, serve_deviant_app
from tests.support.deviation_findings import CONTRACT, CRASHING, NO_DEFECT, Q

#: Quirks the whole course reference shows at once (the dropped connection is gunicorn's
#: variant of latest-500-before-first, so only one of the two can be on).
QUIRKS = [
    d
    for d, pairs in CONTRACT.items()
    if all(sev == Q for _, sev in pairs) and d != "latest-dropped-before-first"
]


def test_every_deviation_has_an_expectation() -> None:
    """The table covers every switch of the deviant app."""
    assert set(CONTRACT) | CRASHING | NO_DEFECT == set(DEVIATIONS)


@pytest.mark.parametrize("deviation", sorted(CONTRACT))
def test_deviation_is_found_and_nothing_else(deviation: str, tmp_path: Path) -> None:
    """Exactly the expected (check, severity) pairs, with exchanges as evidence."""
    with serve_deviant_app([deviation], tmp_path) as server:
        result, _ = run(server.url, fresh_target=True)
    got = {(f.check, str(f.severity)) for f in result.findings}
    want = CONTRACT[deviation]
    assert got == want, [(f.check, f.severity, f.message) for f in result.findings]
    assert all(f.evidence and f.stage == "contract" for f in result.findings)
    status = {c.name: c.status for c in result.checks}
    assert {status[check] for check, _ in want} == {"failed"}
    quirks = [f for f in result.findings if f.severity is Severity.QUIRK]
    assert all(f.profile is Profile.QUIRK for f in quirks)
    assert result.ok is all(sev != "error" for _, sev in want)


def test_clean_app_has_no_findings(tmp_path: Path) -> None:
    """With no deviation switched on, every check passes (it is fresh: latest.fresh runs too)."""
    with serve_deviant_app([], tmp_path) as server:
        result, _ = run(server.url, fresh_target=True)
    assert result.findings == []
    assert result.ok
    assert {c.status for c in result.checks if c.name != "schemathesis"} == {"passed"}


def test_all_quirks_at_once_like_the_course_reference(tmp_path: Path) -> None:
    """Every quirk switched on together: each is labelled, none becomes an error."""
    with serve_deviant_app(QUIRKS, tmp_path) as server:
        result, _ = run(server.url)
    quirk_checks = {f.check for f in result.findings if f.severity is Severity.QUIRK}
    assert {check for d in QUIRKS for check, _ in CONTRACT[d]} <= quirk_checks
    assert [f.message for f in result.findings if f.severity is Severity.ERROR] == []
    assert result.ok
