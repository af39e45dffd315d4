"""``latest``: recorded from authorised requests whatever their outcome; -1 before any."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

import pytest

from tests.app.client import Api, path_name, unique_name
from tests.support.servers import RunningServer

Send = Callable[[Api, str, str], int]


def test_fresh_database_answers_minus_one(served_app: RunningServer) -> None:
    api = Api(served_app.url)
    assert api.latest() == -1
    api.register(unique_name())  # a request without `latest` records nothing
    assert api.latest() == -1


def _send(method: str, path: str, body: object = None, auth: bool = True) -> Send:
    def send(api: Api, user: str, query: str) -> int:
        filled = path.replace("{user}", path_name(user))
        payload = body
        if isinstance(body, dict):
            names = {
                "{user}": user,
                "{other}": api.new_user() if "{other}" in body.values() else "",
            }
            payload = {k: names.get(v, v) for k, v in body.items()}
        response = api.request(method, f"{filled}?{query}", auth=auth, json=payload)
        return response.status_code

    return send


RECORDING = [
    pytest.param(_send("POST", "/register", {"username": "x"}, auth=False), 400, id="register-400"),
    pytest.param(
        _send("POST", "/register", {"username": "NEW", "email": "a@b", "pwd": "p"}, auth=False),
        204,
        id="register-204",
    ),
    pytest.param(_send("GET", "/msgs"), 200, id="msgs"),
    pytest.param(_send("GET", "/msgs/{user}"), 200, id="user-msgs"),
    pytest.param(_send("GET", "/msgs/nobody-at-all"), 404, id="user-msgs-404"),
    pytest.param(_send("POST", "/msgs/{user}", {"content": "c"}), 204, id="tweet"),
    pytest.param(_send("POST", "/msgs/{user}", {"content": 1}), 400, id="tweet-400"),
    pytest.param(_send("GET", "/fllws/{user}"), 200, id="follows"),
    pytest.param(_send("POST", "/fllws/{user}", {"follow": "{other}"}), 204, id="follow"),
    pytest.param(_send("POST", "/fllws/{user}", {"follow": "{user}"}), 400, id="follow-self-400"),
    pytest.param(_send("POST", "/fllws/{user}", {"unfollow": "ghost"}), 404, id="unfollow-404"),
    pytest.param(_send("HEAD", "/msgs"), 200, id="head-msgs"),
    pytest.param(_send("GET", "/latest", auth=False), 200, id="latest-itself"),
]


@pytest.mark.parametrize(("send", "status"), RECORDING)
def test_authorised_request_records_latest_whatever_its_outcome(
    api: Api, send: Send, status: int
) -> None:
    user = api.new_user()
    value = abs(hash(user)) % 1_000_000
    query = f"latest={value}"
    assert send(api, user, query) == status
    assert api.latest() == value


@pytest.mark.parametrize(
    "send",
    [
        _send("GET", "/msgs", auth=False),
        _send("POST", "/msgs/{user}", {"content": "c"}, auth=False),
        _send("POST", "/fllws/{user}", {"follow": "{user}"}, auth=False),
        _send("GET", "/fllws/{user}", auth=False),
    ],
)
def test_refused_request_does_not_record_latest(api: Api, send: Send) -> None:
    user = api.new_user()
    api.register(unique_name(), latest=4242)
    assert send(api, user, "latest=999") == 403
    assert api.latest() == 4242


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+17", 17),
        ("-5", -5),
        ("0", 0),
        ("-0", 0),
        ("007", 7),
        ("123456789012345678901234567890", 123456789012345678901234567890),
    ],
)
def test_decimal_integers_with_optional_sign_are_recorded(
    api: Api, raw: str, expected: int
) -> None:
    api.register(unique_name(), latest=1)
    api.request("GET", f"/msgs?no=0&latest={quote(raw)}")
    assert api.latest() == expected


@pytest.mark.parametrize(
    "raw", ["-1", "abc", "1.5", "", "1e3", " 5", "0x10", "1_000", "٣", "5 ", "--5", "+"]
)
def test_minus_one_and_unparsable_values_are_ignored(api: Api, raw: str) -> None:
    api.register(unique_name(), latest=31)
    api.request("GET", f"/msgs?no=0&latest={quote(raw)}")
    assert api.latest() == 31


def test_most_recent_value_wins_not_the_largest(api: Api) -> None:
    api.register(unique_name(), latest=100)
    api.register(unique_name(), latest=50)
    assert api.latest() == 50
