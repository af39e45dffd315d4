"""The JSON Schemas of the bodies are valid draft 2020-12 and say exactly what the spec says."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

import schemas

MESSAGE = {"content": "\ufeffIt’s “fine”", "pub_date": 1700000000, "user": "Roger Histand"}


@pytest.mark.parametrize("name", schemas.BODY_SCHEMAS)
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    schema = schemas.body_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    # ARCHITECTURE.md: each has an $id under https://minitwit-harness.invalid/schemas/.
    assert schema["$id"] == f"https://minitwit-harness.invalid/schemas/{name}.json"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("name", schemas.BODY_SCHEMAS)
def test_schema_examples_are_valid(name: str) -> None:
    examples = schemas.body_schema(name)["examples"]
    assert examples
    for example in examples:
        schemas.validator(name).validate(example)


CASES: list[tuple[str, Any, bool]] = [
    ("message", MESSAGE, True),
    ("message", {**MESSAGE, "content": ""}, True),
    ("message", {**MESSAGE, "id": 1}, False),
    ("message", {k: v for k, v in MESSAGE.items() if k != "pub_date"}, False),
    ("message", {**MESSAGE, "pub_date": "2024-01-01"}, False),
    ("message", {**MESSAGE, "content": 5}, False),
    ("messages", [MESSAGE, MESSAGE], True),
    ("messages", [], True),
    ("messages", [{**MESSAGE, "extra": True}], False),
    ("messages", {"messages": []}, False),
    ("follows", {"follows": ["A B", "C D"]}, True),
    ("follows", {"follows": []}, True),
    ("follows", {"follows": ["A B", "A B"]}, False),
    ("follows", {"follows": ["A B"], "followers": []}, False),
    ("follows", ["A B"], False),
    ("latest", {"latest": -1}, True),
    ("latest", {"latest": "5"}, False),
    ("latest", {"latest": 5.5}, False),
    ("latest", {}, False),
    ("error", {"status": 404, "error_msg": "User not found"}, True),
    ("error", {"status": 404}, False),
    ("error", {"status": 200, "error_msg": "ok"}, False),
    ("error", {"status": 404, "error_msg": "x", "detail": "y"}, False),
    ("register_request", {"username": "A B", "email": "a@b", "pwd": "p"}, True),
    ("register_request", {"username": "A B", "email": "a@b", "pwd": "p", "x": 1}, True),
    ("register_request", {"username": "", "email": "a@b", "pwd": "p"}, False),
    ("register_request", {"username": "A B", "email": "ab", "pwd": "p"}, False),
    ("register_request", {"username": "A B", "email": "a@b", "pwd": ""}, False),
    ("register_request", {"username": "A B", "email": "a@b"}, False),
    ("register_request", {"username": 7, "email": "a@b", "pwd": "p"}, False),
    ("register_request", ["A B", "a@b", "p"], False),
    ("register_request", {"username": "A\x00B", "email": "a@b", "pwd": "p"}, False),
    ("register_request", {"username": "A B", "email": "a@b\x00", "pwd": "p"}, False),
    ("tweet_request", {"content": ""}, True),
    ("tweet_request", {"content": "\ufeffhi"}, True),
    ("tweet_request", {"content": None}, False),
    ("tweet_request", {"content": 5}, False),
    ("tweet_request", {}, False),
    ("tweet_request", None, False),
    ("tweet_request", {"content": "nul \x00 inside"}, False),
    ("follow_request", {"follow": "A B"}, True),
    ("follow_request", {"unfollow": "A B"}, True),
    ("follow_request", {"follow": "A B", "unfollow": "C D"}, False),
    ("follow_request", {}, False),
    ("follow_request", {"follow": 3}, False),
    ("follow_request", {"unfollow": None}, False),
    ("follow_request", {"follow": "A\x00B"}, False),
]


@pytest.mark.parametrize(("name", "body", "valid"), CASES)
def test_schema_accepts_exactly_the_normative_bodies(name: str, body: Any, valid: bool) -> None:
    assert schemas.validator(name).is_valid(body) is valid
