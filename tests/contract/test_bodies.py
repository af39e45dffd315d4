"""The automatic body judgement: error bodies, content types, schemas (in-process, no HTTP)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from harness.checks.contract.bodies import judge_body, judge_error_body

# NO_JSON is the client's marker for "the body did not parse": input, not an expected value.
from harness.checks.contract.client import NO_JSON, Reply
from harness.findings import Exchange, Severity


def reply(
    status: int,
    body: str,
    content_type: str = "application/json",
    method: str = "GET",
    request_body: str | None = None,
) -> Reply:
    """A Reply as the client would build it."""
    try:
        data: Any = json.loads(body)
    except ValueError:
        data = NO_JSON
    exchange = Exchange(
        method=method,
        url="http://127.0.0.1/x",
        request_body=request_body,
        status=status,
        response_headers={"Content-Type": content_type},
        response_body=body,
    )
    return Reply(exchange, data)


HTML = "<!doctype html><h1>Not Found</h1>"


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (reply(404, '{"status": 404, "error_msg": "unknown user"}'), None),
        (reply(404, HTML, "text/html"), ("http.error-body-json", Severity.QUIRK)),
        (reply(405, HTML, "text/html"), ("http.error-body-json", Severity.QUIRK)),
        (reply(403, HTML, "text/html"), ("http.error-body-json", Severity.WARNING)),
        (
            reply(400, HTML, "text/html", "POST", "{not json"),
            ("http.error-body-json", Severity.QUIRK),
        ),
        (
            reply(400, HTML, "text/html", "POST", '{"a": 1}'),
            ("http.error-body-json", Severity.WARNING),
        ),
        (
            reply(403, "You are not authorized", "text/plain"),
            ("http.error-body-json", Severity.WARNING),
        ),
        (
            reply(404, '{"status": 400, "error_msg": "x"}'),
            ("http.error-body-json", Severity.WARNING),
        ),
        (reply(404, '{"error": "x"}'), ("http.error-body-json", Severity.WARNING)),
        (
            reply(404, '{"status": 404, "error_msg": "x"}', "text/plain"),
            ("http.json-content-type", Severity.WARNING),
        ),
        # A JSON error body sent as text/html is a wrong Content-Type, not "an HTML body".
        (
            reply(404, '{"status": 404, "error_msg": "x"}', "text/html"),
            ("http.json-content-type", Severity.WARNING),
        ),
    ],
)
def test_error_bodies(answer: Reply, expected: tuple[str, Severity] | None) -> None:
    """Each error body gets the verdict of the policy."""
    verdict = judge_error_body(answer)
    assert (None if verdict is None else (verdict.check, verdict.severity)) == expected


@pytest.mark.parametrize(
    ("where", "body", "expected"),
    [
        ("GET /msgs", '[{"content": "a", "pub_date": 1, "user": "u"}]', None),
        ("GET /msgs", "null", "schema.messages"),
        (
            "GET /msgs/<user>",
            '[{"content": "a", "pub_date": "2024-01-01", "user": "u"}]',
            "schema.messages",
        ),
        ("GET /fllws/<user>", '{"follows": ["a"]}', None),
        ("GET /fllws/<user>", '{"follows": null}', "schema.follows"),
        ("GET /latest", '{"latest": "5"}', "schema.latest"),
        ("GET /latest", "not json", "schema.latest"),
    ],
)
def test_success_bodies_are_validated_against_the_schemas(
    where: str, body: str, expected: str | None
) -> None:
    """200 bodies are checked against the JSON Schema of their endpoint."""
    verdict = judge_body(reply(200, body), where)
    assert (None if verdict is None else verdict.check) == expected


def test_server_errors_and_204_bodies() -> None:
    """Any 5xx is an error; a 204 with a body is a warning."""
    error = judge_body(reply(502, "bad gateway", "text/plain"), "GET /msgs")
    assert error is not None and (error.check, error.severity) == (
        "http.server-error",
        Severity.ERROR,
    )
    chatty = judge_body(reply(204, '{"ok": true}', method="POST"), "POST /register")
    assert chatty is not None and chatty.check == "http.empty-204"
