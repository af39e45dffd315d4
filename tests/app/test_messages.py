"""GET /msgs, GET /msgs/<user> and POST /msgs/<user>: order, content, ``no``, errors."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app.client import Api, path_name, unique_name
from tests.support.servers import RunningServer

AWKWARD = [
    "\ufeffStarts with a byte-order mark",
    "Curly “double” and ‘single’ quotes — and dashes – here",
    "<b>not HTML</b> & 'apostrophes' \"quotes\" \\ backslash %20 #hash",
    "",
    "emoji 🐦 and combining é (e\u0301)",
]


def _contents(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [m["content"] for m in response.json()]


def test_message_shape_is_exactly_content_pub_date_user(api: Api) -> None:
    name = api.new_user()
    assert api.tweet(name, "hello").status_code == 204
    [message] = api.messages(name).json()
    assert set(message) == {"content", "pub_date", "user"}
    assert message["content"] == "hello" and message["user"] == name
    assert isinstance(message["pub_date"], int) and message["pub_date"] > 1_600_000_000


@pytest.mark.parametrize("content", AWKWARD)
def test_content_round_trips_byte_for_byte(api: Api, content: str) -> None:
    name = api.new_user()
    response = api.tweet(name, content)
    assert response.status_code == 204 and response.content == b""
    assert _contents(api.messages(name)) == [content]
    assert _contents(api.messages(query="?no=1")) == [content]


def test_newest_first_and_stable_within_one_second(api: Api) -> None:
    first, second = api.new_user(), api.new_user()
    posted = []
    for i in range(6):  # all inside one second or two: insertion order must decide
        author = first if i % 2 == 0 else second
        assert api.tweet(author, f"m{i}").status_code == 204
        posted.append(f"m{i}")
    assert _contents(api.messages(query="?no=6")) == posted[::-1]
    assert _contents(api.messages(first)) == ["m4", "m2", "m0"]
    users = [m["user"] for m in api.messages(query="?no=6").json()]
    assert users == [second, first] * 3


@pytest.fixture(scope="module")
def prolific(shared_app: RunningServer) -> str:
    """A user with 105 messages ``p0`` .. ``p104`` (more than the default page)."""
    api = Api(shared_app.url)
    name = api.new_user()
    for i in range(105):
        assert api.tweet(name, f"p{i}").status_code == 204
    return name


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", 100),
        ("?no=3", 3),
        ("?no=0", 0),
        ("?no=abc", 100),
        ("?no=2.5", 100),
        ("?no=", 100),
        ("?no=%2B2", 2),
        ("?no=1000", 105),
        ("?no=99999999999999999999999", 105),
    ],
)
def test_no_limits_the_list(api: Api, prolific: str, query: str, expected: int) -> None:
    contents = _contents(api.messages(prolific, query))
    assert contents == [f"p{i}" for i in range(104, 104 - expected, -1)]


def test_no_limits_all_messages(api: Api) -> None:
    name = api.new_user()
    for i in range(3):
        assert api.tweet(name, f"x{i}").status_code == 204
    assert _contents(api.messages(query="?no=2")) == ["x2", "x1"]
    assert _contents(api.messages(query="?no=0")) == []
    assert _contents(api.messages(query="?no=junk"))[:3] == ["x2", "x1", "x0"]


def test_unknown_user_is_404_on_read_and_on_post(api: Api) -> None:
    ghost = unique_name("ghost")
    for response in (api.messages(ghost), api.tweet(ghost, "boo")):
        assert response.status_code == 404
        assert response.json()["status"] == 404


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="missing"),
        pytest.param({"content": None}, id="null"),
        pytest.param({"content": 42}, id="number"),
        pytest.param({"content": ["a"]}, id="array"),
        pytest.param({"content": "a\x00b"}, id="nul-character"),
    ],
)
def test_bad_content_is_400(api: Api, body: dict[str, Any]) -> None:
    name = api.new_user()
    response = api.request("POST", f"/msgs/{path_name(name)}", json=body)
    assert response.status_code == 400
    assert response.json()["status"] == 400
    assert _contents(api.messages(name)) == []


@pytest.mark.parametrize("raw", ["", "{", "null", "[1]", '"text"'])
def test_body_that_is_not_a_json_object_is_400(api: Api, raw: str) -> None:
    name = api.new_user()
    response = api.request("POST", f"/msgs/{path_name(name)}", data=raw)
    assert response.status_code == 400
    assert response.json()["status"] == 400


def test_user_with_slash_in_name_is_reachable_percent_encoded(api: Api) -> None:
    name = unique_name("a/b")
    assert api.register(name).status_code == 204
    assert "%2F" in path_name(name)
    assert api.tweet(name, "slashed").status_code == 204
    assert _contents(api.messages(name)) == ["slashed"]
