"""Findings a later check's cause explains are merged into it (in-process, built findings)."""

from __future__ import annotations

import json

from harness.checks.contract.bodies import judge_body
from harness.checks.contract.causes import merge_explained
from harness.checks.contract.client import Reply, parse_json
from harness.findings import Exchange, Finding, Profile, Severity

MESSAGE = {"content": "hi", "pub_date": 1700000000, "user": "ann"}
NUMERIC_READ = [MESSAGE, {**MESSAGE, "content": 12}]
#: A numeric content and a missing field: more than a numeric content explains.
BROKEN_READ = [{"content": 12, "user": "ann"}]
NUMERIC_CAUSES = ("msgs.numeric-strings", "msgs.integer-content")


def finding(check: str, where: str, status: int, body: object, sev: Severity) -> Finding:
    method, path = where.split(" ", 1)
    exchange = Exchange(method, f"http://t{path}", status=status, response_body=json.dumps(body))
    return Finding(check, sev, Profile.STRICT, "m", "contract", where=where, evidence=(exchange,))


def property_failure(where: str, body: object) -> Finding:
    """Schemathesis' schema failure on ``where``, answered 200 with ``body``."""
    return finding("schemathesis.response_schema_conformance", where, 200, body, Severity.WARNING)


def test_body_judgement_names_the_numeric_content_causes() -> None:
    """The messages schema verdict says which checks would name a numeric-content problem."""

    def verdict_causes(body: object) -> tuple[str, ...]:
        text = json.dumps(body)
        exchange = Exchange("GET", "http://t/msgs", status=200, response_body=text)
        exchange.response_headers["Content-Type"] = "application/json"
        verdict = judge_body(Reply(exchange, parse_json(text.encode())), "GET /msgs")
        assert verdict is not None and verdict.check == "schema.messages"
        return verdict.causes

    assert verdict_causes(NUMERIC_READ) == NUMERIC_CAUSES
    assert verdict_causes(BROKEN_READ) == ()
    assert verdict_causes(MESSAGE) == ()  # not a list at all


def test_numeric_content_in_a_read_is_the_numeric_strings_finding() -> None:
    """A message list that only a numeric content spoils: named by msgs.numeric-strings."""
    cause = finding("msgs.numeric-strings", "POST /msgs/<user>", 204, "", Severity.ERROR)
    shape = finding("schema.messages", "GET /msgs", 200, NUMERIC_READ, Severity.WARNING)
    prop = property_failure("GET /msgs/<user>", NUMERIC_READ)
    causes = {id(shape): NUMERIC_CAUSES, id(prop): NUMERIC_CAUSES}
    assert merge_explained([shape, prop, cause], causes) == [cause]


def test_other_schema_problems_stay() -> None:
    """Schema findings whose problem is more than a numeric content are no echo."""
    cause = finding("msgs.integer-content", "POST /msgs/<user>", 204, "", Severity.QUIRK)
    shape = finding("schema.messages", "GET /msgs", 200, BROKEN_READ, Severity.WARNING)
    prop = property_failure("GET /msgs/<user>", BROKEN_READ)
    assert merge_explained([shape, prop, cause], {}) == [shape, prop, cause]


def test_numeric_content_without_its_cause_stays() -> None:
    """No check named the cause: the schema finding is the only one that says it."""
    shape = finding("schema.messages", "GET /msgs", 200, NUMERIC_READ, Severity.WARNING)
    assert merge_explained([shape], {id(shape): NUMERIC_CAUSES}) == [shape]


def test_property_failure_a_later_check_names_is_merged() -> None:
    """Schemathesis' accepted integer content (204) repeats msgs.integer-content's answer."""
    cause = finding("msgs.integer-content", "POST /msgs/<user>", 204, "", Severity.QUIRK)
    accepted = finding(
        "schemathesis.negative_data_rejection", "POST /msgs/<user>", 204, "", Severity.WARNING
    )
    elsewhere = finding(
        "schemathesis.negative_data_rejection", "POST /register", 204, "", Severity.WARNING
    )
    assert merge_explained([accepted, elsewhere, cause], {}) == [elsewhere, cause]
