"""Body checks never say ok when such answers came: a 500 reported by another check counts."""

from __future__ import annotations

from pathlib import Path

from tests.contract.conftest import run
from tests.support.deviant_app import serve_deviant_app


def test_server_error_is_not_ok_when_a_500_was_reported_elsewhere(tmp_path: Path) -> None:
    """A tweet by an unknown user answers 500: its check names it, http.server-error fails."""
    with serve_deviant_app(["tweet-unknown-user-500"], tmp_path) as server:
        result, _ = run(server.url)
    status = {c.name: c for c in result.checks}
    reported = [f for f in result.findings if any(e.status == 500 for e in f.evidence)]
    assert reported, "the 500 was reported by a check"
    assert not [f for f in result.findings if f.check == "http.server-error"]  # one cause
    assert status["http.server-error"].status == "failed"
    assert reported[0].check in status["http.server-error"].detail


def test_body_checks_pass_on_the_normative_api(tmp_path: Path) -> None:
    with serve_deviant_app([], tmp_path) as server:
        result, _ = run(server.url)
    status = {c.name: c.status for c in result.checks}
    assert status["http.server-error"] == "passed"
    assert status["http.error-body-json"] == "passed"
