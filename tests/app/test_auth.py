"""Simulator credentials: every /msgs* and /fllws/* request without them is 403."""

from __future__ import annotations

import base64

import pytest

from tests.app.client import Api, path_name
from tests.support.servers import RunningServer

NOT_AUTHORIZED = {"status": 403, "error_msg": "You are not authorized to use this resource!"}


def _basic(credentials: str) -> str:
    return "Basic " + base64.b64encode(credentials.encode()).decode()


BAD_HEADERS = [
    pytest.param({}, id="missing"),
    pytest.param({"Authorization": _basic("simulator:wrong")}, id="wrong-password"),
    pytest.param({"Authorization": _basic("someone:super_safe!")}, id="wrong-user"),
    pytest.param({"Authorization": "Bearer c2ltdWxhdG9yOnN1cGVyX3NhZmUh"}, id="other-scheme"),
    pytest.param({"Authorization": "c2ltdWxhdG9yOnN1cGVyX3NhZmUh"}, id="no-scheme"),
    pytest.param({"Authorization": _basic("Simulator:super_safe!")}, id="user-case-differs"),
    pytest.param({"Authorization": "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUhIQ=="}, id="longer-secret"),
    pytest.param({"Authorization": "Basic \u00e9"}, id="non-ascii"),
]

ENDPOINTS = [
    ("GET", "/msgs", None),
    ("GET", "/msgs/{user}", None),
    ("HEAD", "/msgs/{user}", None),
    ("POST", "/msgs/{user}", {"content": "x"}),
    ("GET", "/fllws/{user}", None),
    ("POST", "/fllws/{user}", {"follow": "{other}"}),
]


@pytest.fixture(scope="module")
def member(shared_app: RunningServer) -> str:
    """A registered user, so that only the credentials can make a request fail."""
    return Api(shared_app.url).new_user()


@pytest.fixture(scope="module")
def other(shared_app: RunningServer) -> str:
    """Another registered user, the follow target."""
    return Api(shared_app.url).new_user()


def _body(body: dict[str, str] | None, member: str, other: str) -> dict[str, str] | None:
    names = {"{user}": member, "{other}": other}
    return None if body is None else {k: names.get(v, v) for k, v in body.items()}


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
@pytest.mark.parametrize("headers", BAD_HEADERS)
def test_request_without_simulator_credentials_is_403(
    api: Api,
    member: str,
    other: str,
    method: str,
    path: str,
    body: dict[str, str] | None,
    headers: dict[str, str],
) -> None:
    filled = _body(body, member, other)
    response = api.request(
        method, path.replace("{user}", path_name(member)), auth=False, json=filled, headers=headers
    )
    assert response.status_code == 403
    if method != "HEAD":
        assert response.json() == NOT_AUTHORIZED


def test_refused_requests_change_nothing(api: Api, member: str) -> None:
    api.request("POST", f"/msgs/{path_name(member)}", auth=False, json={"content": "x"})
    assert api.messages(member).json() == []


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_request_with_simulator_credentials_is_not_403(
    api: Api, member: str, other: str, method: str, path: str, body: dict[str, str] | None
) -> None:
    filled = _body(body, member, other)
    response = api.request(method, path.replace("{user}", path_name(member)), json=filled)
    assert response.status_code in (200, 204)
