"""The reference app answers over real HTTP under ``minitwit-harness serve`` on both backends."""

from __future__ import annotations

import requests

from tests.support.servers import RunningServer

AUTH = {"Authorization": "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh"}


def test_fresh_database_reports_latest_minus_one(served_app: RunningServer) -> None:
    response = requests.get(f"{served_app.url}/latest", timeout=5)
    assert response.status_code == 200
    assert response.json() == {"latest": -1}


def test_register_tweet_and_read_back(served_app: RunningServer) -> None:
    url = served_app.url
    body = {"username": "Roger Histand", "email": "r@h", "pwd": "p"}
    assert requests.post(f"{url}/register?latest=1", json=body, timeout=5).status_code == 204
    posted = requests.post(
        f"{url}/msgs/Roger%20Histand?latest=2", json={"content": "hi"}, headers=AUTH, timeout=5
    )
    assert posted.status_code == 204
    messages = requests.get(f"{url}/msgs/Roger%20Histand", headers=AUTH, timeout=5).json()
    assert [(m["content"], m["user"]) for m in messages] == [("hi", "Roger Histand")]
    assert requests.get(f"{url}/latest", timeout=5).json() == {"latest": 2}
