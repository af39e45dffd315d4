"""HTTP-level rules: JSON errors for every 4xx, HEAD wherever GET works, 405 otherwise."""

from __future__ import annotations

import pytest

from tests.app.client import Api, path_name, unique_name
from tests.support.servers import RunningServer

USER = "{user}"

GET_PATHS = ["/latest", "/msgs", f"/msgs/{USER}", f"/fllws/{USER}"]
ALLOWED = {
    "/latest": {"GET", "HEAD"},
    "/register": {"POST"},
    "/msgs": {"GET", "HEAD"},
    f"/msgs/{USER}": {"GET", "HEAD", "POST"},
    f"/fllws/{USER}": {"GET", "HEAD", "POST"},
}
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


@pytest.fixture(scope="module")
def member(shared_app: RunningServer) -> str:
    """A registered user for the per-user paths."""
    return Api(shared_app.url).new_user()


def _fill(path: str, member: str) -> str:
    return path.replace(USER, path_name(member))


@pytest.mark.parametrize("path", GET_PATHS)
def test_head_works_wherever_get_does(api: Api, member: str, path: str) -> None:
    get = api.request("GET", _fill(path, member))
    head = api.request("HEAD", _fill(path, member))
    assert get.status_code == head.status_code == 200
    assert head.content == b""
    assert head.headers["Content-Type"] == get.headers["Content-Type"]


@pytest.mark.parametrize(
    ("path", "method"),
    [(p, m) for p, allowed in ALLOWED.items() for m in METHODS if m not in allowed],
)
def test_other_methods_are_405_with_json_error(
    api: Api, member: str, path: str, method: str
) -> None:
    response = api.request(method, _fill(path, member), json={})
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == ALLOWED[path]
    if method != "HEAD":  # a HEAD answer has no body
        assert response.json()["status"] == 405


@pytest.mark.parametrize(
    "path", ["/nope", "/msgs/", "/fllws", "/latest/extra", "/register/x", "/api/msgs"]
)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_unknown_route_is_404_with_json_error(api: Api, path: str, method: str) -> None:
    response = api.request(method, path, json={})
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == 404 and isinstance(body["error_msg"], str)


def test_oversized_body_is_413_with_json_error(api: Api, member: str) -> None:
    response = api.request(
        "POST", _fill(f"/msgs/{USER}", member), data=b'{"content": "' + b"x" * 2_000_000 + b'"}'
    )
    assert response.status_code == 413
    assert response.json()["status"] == 413


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_json_body_under_another_content_type_is_read_as_json(
    api: Api, member: str, content_type: str
) -> None:
    response = api.request(
        "POST",
        _fill(f"/msgs/{USER}", member),
        data='{"content": "typed"}',
        headers={"Content-Type": content_type},
    )
    assert response.status_code == 204
    assert [m["content"] for m in api.messages(member).json()][:1] == ["typed"]


@pytest.mark.parametrize(
    "template",
    [
        "plain {u}",
        "two words {u}",
        "Ærø Ødegård {u}",
        "a/b {u}",
        "/leading slash {u}",
        "{u} trailing slash/",
        "double//slash {u}",
        "50% off {u}",
        "q?x=1 {u}",
        "hash#tag {u}",
        "plus+sign {u}",
    ],
)
def test_percent_encoded_usernames_reach_their_user(api: Api, template: str) -> None:
    name = template.format(u=unique_name()[-8:])
    assert api.register(name).status_code == 204
    assert api.tweet(name, "here").status_code == 204
    [message] = api.messages(name).json()
    assert message["user"] == name
    other = api.new_user()
    assert api.follow(other, name).status_code == 204
    assert api.follows(other).json() == {"follows": [name]}
