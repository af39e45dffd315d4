"""A target that answers garbage gives findings, never a crash."""

from __future__ import annotations

import pytest

from harness.checks.policy import NOT_COMPARED
from harness.events import Event, RunFinished
from harness.findings import Severity
from harness.verify import run_verify
from tests.verify.canned import ACTIONS, GOOD, JSON, Canned, canned_server


def test_canned_good_answers_pass() -> None:
    with canned_server(GOOD) as url:
        assert run_verify(url, ACTIONS, timeout=5) == []


#: Verify's verdict: passed (the data is all there), failed (an error) or inconclusive.
PASSED, FAILED, INCONCLUSIVE = "passed", "failed", "inconclusive"


@pytest.mark.parametrize(
    ("path", "answer", "check", "severity", "verdict", "text"),
    [
        ("/latest", (200, "text/html", b"<html>oops</html>"), "schema.latest", "warning",
         INCONCLUSIVE, "GET /latest: response body is not JSON"),
        ("/latest", (200, JSON, b'{"latest": "1"}'), "schema.latest", "warning", INCONCLUSIVE,
         'GET /latest: expected a JSON object {"latest": <integer>}'),
        ("/latest", (500, JSON, b"{}"), "verify.read-failed", "error", FAILED,
         "GET /latest answered 500"),
        ("/latest", (404, JSON, b"{}"), "verify.read-failed", "error", FAILED,
         "GET /latest answered 404 (is --target the base URL of the API?)"),
        ("/msgs/Ann%20Lee", (200, JSON, b'{"content": "x"}'), "schema.messages", "warning",
         INCONCLUSIVE, "expected a JSON array of messages, got dict"),
        # The content is all there: the date's shape is the contract's warning, nothing more.
        ("/msgs/Ann%20Lee", (200, JSON, b'[{"content": "hello there you", "pub_date": "x"}]'),
         "schema.messages", "warning", PASSED, "item 0 has pub_date 'x', not an integer"),
        # Items that are no messages cannot be compared: the tweet is lost (an error).
        ("/msgs/Ann%20Lee", (200, JSON, b"[1, 2]"), "schema.messages", "warning", FAILED,
         "item 0 is not a message with string content"),
        ("/msgs/Ann%20Lee", (200, JSON, b"\xff\xfe garbage"), "schema.messages", "warning",
         INCONCLUSIVE, "response body is not JSON"),
        ("/fllws/Ann%20Lee", (200, JSON, b"[]"), "schema.follows", "warning", INCONCLUSIVE,
         'expected a JSON object {"follows": [...]}'),
        ("/fllws/Ann%20Lee", (200, JSON, b'{"follows": null}'), "fllws.empty-list", "warning",
         PASSED, "follows is null instead of []"),
        ("/fllws/Ann%20Lee", (403, JSON, b"{}"), "verify.read-failed", "error", FAILED,
         "answered 403"),
        # null is read as [] (the contract's msgs.empty-list): the tweet is lost (an error).
        ("/msgs", (200, JSON, b"null"), "msgs.empty-list", "warning", FAILED,
         "null instead of []"),
    ],
)  # fmt: skip
def test_malformed_answer_is_a_finding(
    path: str, answer: Canned, check: str, severity: str, verdict: str, text: str
) -> None:
    """Graded as the contract grades it; verify never passes what it could not compare."""
    events: list[Event] = []
    with canned_server({**GOOD, path: answer}) as url:
        findings = run_verify(url, ACTIONS, timeout=5, sink=events.append)
    assert check in [f.check for f in findings]
    hit = next(f for f in findings if f.check == check)
    assert text in hit.message and str(hit.severity) == severity
    assert hit.evidence[0].status == answer[0]
    assert hit.evidence[0].response_body is not None
    [done] = [e for e in events if isinstance(e, RunFinished)]
    errors = any(f.severity is Severity.ERROR for f in findings)
    skipped = [line for line in done.summary.splitlines() if line.startswith(NOT_COMPARED)]
    got = FAILED if errors else INCONCLUSIVE if skipped else PASSED
    assert got == verdict, done.summary
    assert done.ok == (verdict == PASSED)


def test_missing_user_skips_its_follows_and_is_one_finding() -> None:
    with canned_server({**GOOD, "/msgs/Ann%20Lee": (404, JSON, b"{}")}) as url:
        findings = run_verify(url, ACTIONS, timeout=5)
    # /fllws is not read for a user that does not exist, so no second finding about her.
    assert [f.check for f in findings] == ["verify.missing-user"]
