"""Each deviation of the deviant app is found under the right check name and severity."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.findings import Profile, Severity
from tests.contract.conftest import run
from tests.support.deviant_app import DEVIATIONS, serve_deviant_app

E, W, Q = Severity.ERROR, Severity.WARNING, Severity.QUIRK

#: deviation -> (check that must report it, severity)
EXPECTED: dict[str, tuple[str, Severity]] = {
    # Quirks of the course reference (spec section 4): labelled, never errors.
    "latest-500-before-first": ("latest.initial", Q),
    "latest-before-auth": ("latest.unauthorised-ignored", Q),
    "tweet-unknown-user-500": ("msgs.tweet-unknown-user-404", Q),
    "bad-body-500": ("register.missing-field", Q),
    "follow-neither-500": ("fllws.bad-body-400", Q),
    "follow-both-follow-wins": ("fllws.bad-body-400", Q),
    "follow-duplicate": ("fllws.follow-twice", Q),
    "self-follow": ("fllws.self-follow", Q),
    "head-500": ("http.head", Q),
    "html-errors": ("http.error-body-json", Q),
    "missing-content-type-415": ("http.missing-content-type", Q),
    "ties-oldest-first": ("msgs.newest-first", Q),
    "integer-values": ("msgs.integer-content", Q),
    # Mistakes of real implementations.
    "null-empty-list": ("msgs.empty-list", W),
    "auth-200-text": ("auth.required-403", E),
    "register-needs-auth": ("auth.register-open", W),
    "missing-no-400": ("msgs.no-optional", W),
    "no-default-20": ("msgs.no-default-100", W),
    "unknown-user-400": ("msgs.tweet-unknown-user-404", W),
    "pub-date-iso": ("schema.messages", W),
    "html-escape": ("msgs.content-preserved", E),
    "duplicate-register": ("register.duplicate-400", E),
    "follow-twice-400": ("fllws.follow-twice", E),
    "error-text-plain": ("http.json-content-type", W),
}

QUIRKS = [d for d, (_, sev) in EXPECTED.items() if sev is Q]


def test_every_deviation_has_an_expectation() -> None:
    """The table covers every switch of the deviant app (exit-without-latest: test_target_died;
    slow-register is no defect, tests/replay/test_pacing.py)."""
    assert set(EXPECTED) | {"exit-without-latest", "slow-register"} == set(DEVIATIONS)


@pytest.mark.parametrize("deviation", list(EXPECTED))
def test_deviation_is_found(deviation: str, tmp_path: Path) -> None:
    """The deviation shows up under its check with its severity and exchange evidence."""
    check, severity = EXPECTED[deviation]
    with serve_deviant_app([deviation], tmp_path) as server:
        result, _ = run(server.url)
    found = [f for f in result.findings if f.check == check and f.severity is severity]
    assert found, f"{deviation}: {[(f.check, f.severity, f.message) for f in result.findings]}"
    assert all(f.evidence and f.evidence[0].status is not None for f in found)
    assert all(f.stage == "contract" and f.target == server.url for f in found)
    status = {c.name: c.status for c in result.checks}
    assert status[check] == "failed"
    if severity is Q:
        assert all(f.profile is Profile.QUIRK for f in found)
        # A quirk of the reference is labelled as such and never reported as a crash.
        assert [f for f in result.findings if f.severity is E] == []
        assert result.ok
    else:
        assert result.ok is (severity is not E)


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
    quirk_checks = {f.check for f in result.findings if f.severity is Q}
    assert {EXPECTED[d][0] for d in QUIRKS} <= quirk_checks
    assert [f.message for f in result.findings if f.severity is E] == []
    assert result.ok
