"""POST /register: 204 for a new user, 400 with a JSON error for every invalid body."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.app.client import Api, unique_name

VALID = {"email": "a@b.c", "pwd": "pw"}


def _error_of(response: Any) -> dict[str, Any]:
    assert response.headers["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert body["status"] == response.status_code
    assert isinstance(body["error_msg"], str) and body["error_msg"]
    return body


@pytest.mark.parametrize(
    "raw_body",
    [
        pytest.param("", id="empty-body"),
        pytest.param("{not json", id="malformed-json"),
        pytest.param("null", id="null"),
        pytest.param("[]", id="array"),
        pytest.param('"name"', id="string"),
        pytest.param("42", id="number"),
    ],
)
def test_body_that_is_not_a_json_object_is_400(api: Api, raw_body: str) -> None:
    response = api.request(
        "POST", "/register", auth=False, data=raw_body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    _error_of(response)


@pytest.mark.parametrize("field", ["username", "email", "pwd"])
@pytest.mark.parametrize(
    "value",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param(123, id="number"),
        pytest.param(["x@y"], id="array"),
        pytest.param("json-null", id="null"),
    ],
)
def test_missing_empty_or_non_string_field_is_400(api: Api, field: str, value: Any) -> None:
    body: dict[str, Any] = {"username": unique_name(), **VALID}
    if value is None:
        del body[field]
    else:
        body[field] = None if value == "json-null" else value
    response = api.request("POST", "/register", auth=False, json=body)
    assert response.status_code == 400
    _error_of(response)
    # Nothing was created: the same name registers fine afterwards.
    if field != "username":
        assert api.register(body["username"]).status_code == 204


def test_email_without_at_sign_is_400(api: Api) -> None:
    body = {"username": unique_name(), "email": "nobody.example.org", "pwd": "pw"}
    response = api.request("POST", "/register", auth=False, json=body)
    assert response.status_code == 400
    _error_of(response)


def test_new_user_is_204_with_empty_body(api: Api) -> None:
    response = api.register(unique_name())
    assert response.status_code == 204
    assert response.content == b""


def test_taken_username_is_400(api: Api) -> None:
    name = api.new_user()
    response = api.register(name)
    assert response.status_code == 400
    assert "taken" in _error_of(response)["error_msg"]


def test_usernames_are_case_sensitive_and_emails_need_not_be_unique(api: Api) -> None:
    name = unique_name("case")
    assert api.register(name).status_code == 204
    assert api.register(name.upper()).status_code == 204
    assert api.register(name.lower()).status_code == 204


def test_register_needs_no_credentials_and_ignores_other_ones(api: Api) -> None:
    response = api.request(
        "POST",
        "/register",
        auth=False,
        json={"username": unique_name(), **VALID},
        headers={"Authorization": "Basic bm9ib2R5Om5vcGU="},
    )
    assert response.status_code == 204


def test_valid_json_without_content_type_is_accepted(api: Api) -> None:
    body = json.dumps({"username": unique_name(), **VALID})
    response = api.request("POST", "/register", auth=False, data=body.encode())
    assert response.status_code == 204


def test_nul_character_in_username_is_400(api: Api) -> None:
    response = api.request("POST", "/register", auth=False, json={"username": "a\x00b", **VALID})
    assert response.status_code == 400
    _error_of(response)
