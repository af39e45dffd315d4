"""A target that answers garbage gives findings, never a crash."""

from __future__ import annotations

import pytest

from harness.verify import run_verify
from tests.verify.canned import ACTIONS, GOOD, JSON, Canned, canned_server


def test_canned_good_answers_pass() -> None:
    with canned_server(GOOD) as url:
        assert run_verify(url, ACTIONS, timeout=5) == []


@pytest.mark.parametrize(
    ("path", "answer", "check", "text"),
    [
        ("/latest", (200, "text/html", b"<html>oops</html>"), "verify.malformed-response",
         "GET /latest: response body is not JSON"),
        ("/latest", (200, JSON, b'{"latest": "1"}'), "verify.malformed-response",
         'GET /latest: expected a JSON object {"latest": <integer>}'),
        ("/latest", (500, JSON, b"{}"), "verify.read-failed", "GET /latest answered 500"),
        ("/latest", (404, JSON, b"{}"), "verify.read-failed",
         "GET /latest answered 404 (is --target the base URL of the API?)"),
        ("/msgs/Ann%20Lee", (200, JSON, b'{"content": "x"}'), "verify.malformed-response",
         "expected a JSON array of messages, got dict"),
        ("/msgs/Ann%20Lee", (200, JSON, b'[{"content": "hello there you", "pub_date": "x"}]'),
         "verify.malformed-response", "item 0 has pub_date 'x', not an integer"),
        ("/msgs/Ann%20Lee", (200, JSON, b"[1, 2]"), "verify.malformed-response",
         "item 0 is not a message with string content"),
        ("/msgs/Ann%20Lee", (200, JSON, b"\xff\xfe garbage"), "verify.malformed-response",
         "response body is not JSON"),
        ("/fllws/Ann%20Lee", (200, JSON, b"[]"), "verify.malformed-response",
         'expected a JSON object {"follows": [...]}'),
        ("/fllws/Ann%20Lee", (403, JSON, b"{}"), "verify.read-failed", "answered 403"),
        ("/msgs", (200, JSON, b"null"), "verify.malformed-response",
         "expected a JSON array of messages, got NoneType"),
    ],
)  # fmt: skip
def test_malformed_answer_is_a_finding(path: str, answer: Canned, check: str, text: str) -> None:
    with canned_server({**GOOD, path: answer}) as url:
        findings = run_verify(url, ACTIONS, timeout=5)
    assert check in [f.check for f in findings]
    hit = next(f for f in findings if f.check == check)
    assert text in hit.message
    assert hit.evidence[0].status == answer[0]
    assert hit.evidence[0].response_body is not None


def test_missing_user_skips_its_follows_and_is_one_finding() -> None:
    with canned_server({**GOOD, "/msgs/Ann%20Lee": (404, JSON, b"{}")}) as url:
        findings = run_verify(url, ACTIONS, timeout=5)
    # /fllws is not read for a user that does not exist, so no second finding about her.
    assert [f.check for f in findings] == ["verify.missing-user"]
