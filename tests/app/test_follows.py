"""POST and GET /fllws/<user>: follow, unfollow, the follows list and their errors."""

from __future__ import annotations

from typing import Any

import pytest

from reference_app.db import Database
from tests.app.client import Api, path_name, unique_name


def _follows(api: Api, name: str, query: str = "") -> list[str]:
    response = api.follows(name, query)
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"follows"}
    names: list[str] = response.json()["follows"]
    return names


def test_follow_is_204_and_listed_in_the_followers_follows(api: Api) -> None:
    who, whom = api.new_user(), api.new_user()
    response = api.follow(who, whom)
    assert response.status_code == 204 and response.content == b""
    assert _follows(api, who) == [whom]
    assert _follows(api, whom) == []  # follows lists whom <user> follows, not followers


def test_follows_are_listed_in_the_order_followed_and_limited_by_no(api: Api) -> None:
    who = api.new_user()
    targets = [api.new_user() for _ in range(4)]
    for target in targets:
        assert api.follow(who, target).status_code == 204
    assert _follows(api, who) == targets
    assert _follows(api, who, "?no=2") == targets[:2]
    assert _follows(api, who, "?no=0") == []
    assert _follows(api, who, "?no=nope") == targets


def test_following_twice_stores_one_edge(api: Api) -> None:
    who, whom = api.new_user(), api.new_user()
    assert api.follow(who, whom).status_code == 204
    assert api.follow(who, whom).status_code == 204
    assert _follows(api, who) == [whom]


def test_unfollow_removes_the_edge(api: Api) -> None:
    who, whom = api.new_user(), api.new_user()
    api.follow(who, whom)
    assert api.follow(who, whom, "unfollow").status_code == 204
    assert _follows(api, who) == []


def test_unfollowing_a_user_not_followed_is_204(api: Api) -> None:
    who, whom = api.new_user(), api.new_user()
    response = api.follow(who, whom, "unfollow")
    assert response.status_code == 204 and response.content == b""


def test_self_follow_is_400_and_self_unfollow_is_a_204_no_op(api: Api) -> None:
    who = api.new_user()
    response = api.follow(who, who)
    assert response.status_code == 400
    assert response.json()["status"] == 400
    assert _follows(api, who) == []
    assert api.follow(who, who, "unfollow").status_code == 204


@pytest.mark.parametrize("key", ["follow", "unfollow"])
@pytest.mark.parametrize("unknown", ["user", "target"])
def test_unknown_user_or_target_is_404(api: Api, key: str, unknown: str) -> None:
    known, ghost = api.new_user(), unique_name("ghost")
    who, whom = (ghost, known) if unknown == "user" else (known, ghost)
    response = api.follow(who, whom, key)
    assert response.status_code == 404
    assert response.json()["status"] == 404


def test_follows_of_unknown_user_is_404(api: Api) -> None:
    response = api.follows(unique_name("ghost"))
    assert response.status_code == 404
    assert response.json()["status"] == 404


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="neither-key"),
        pytest.param({"other": "x"}, id="other-key"),
        pytest.param({"follow": "TARGET", "unfollow": "TARGET"}, id="both-keys"),
        pytest.param({"follow": 1}, id="follow-number"),
        pytest.param({"unfollow": None}, id="unfollow-null"),
        pytest.param({"follow": ["TARGET"]}, id="follow-array"),
    ],
)
def test_malformed_follow_body_is_400(api: Api, body: dict[str, Any]) -> None:
    who, target = api.new_user(), api.new_user()
    body = {k: (target if v == "TARGET" else v) for k, v in body.items()}
    response = api.request("POST", f"/fllws/{path_name(who)}", json=body)
    assert response.status_code == 400
    assert response.json()["status"] == 400
    assert _follows(api, who) == []


@pytest.mark.parametrize("raw", ["", "{", "null", "[]", '"x"'])
def test_follow_body_that_is_not_a_json_object_is_400(api: Api, raw: str) -> None:
    who = api.new_user()
    response = api.request("POST", f"/fllws/{path_name(who)}", data=raw)
    assert response.status_code == 400
    assert response.json()["status"] == 400


def _seed_follows(database_url: str, who: str, targets: list[str]) -> None:
    """Users and edges written straight into the database: 101 registrations over HTTP
    would mostly measure password hashing."""
    database = Database(database_url, pooled=False)
    with database.connect() as conn:
        for name in [who, *targets]:
            database.run(
                conn,
                "INSERT INTO users (username, email, pw_hash) VALUES (?, ?, ?)",
                (name, "a@b", "-"),
            )
        for target in targets:
            database.run(
                conn,
                "INSERT INTO follower (who_id, whom_id) SELECT a.user_id, b.user_id "
                "FROM users a, users b WHERE a.username = ? AND b.username = ?",
                (who, target),
            )


def test_follows_list_defaults_to_100_names(api: Api, shared_database_url: str) -> None:
    who, targets = unique_name(), [unique_name() for _ in range(101)]
    _seed_follows(shared_database_url, who, targets)
    assert _follows(api, who) == targets[:100]
    assert _follows(api, who, "?no=101") == targets
    assert _follows(api, who, "?no=abc") == targets[:100]
