"""Read-only mode: writes answered 503 with Retry-After and a JSON body; reads served."""

from __future__ import annotations

from pathlib import Path

import requests

from tests.app.client import AUTH, Api, path_name, unique_name
from tests.support.servers import serve_reference_app


def _frozen_write_answers(api: Api, user: str) -> list[requests.Response]:
    return [
        api.request(
            "POST",
            "/register?latest=77",
            json={"username": unique_name(), "email": "a@b.c", "pwd": "x"},
        ),
        api.request("POST", f"/msgs/{path_name(user)}?latest=78", json={"content": "frozen"}),
        api.request("POST", f"/fllws/{path_name(user)}", json={"follow": user}),
    ]


def test_maintenance_file_freezes_and_thaws_a_running_app(tmp_path: Path) -> None:
    switch = tmp_path / "maintenance"
    with serve_reference_app(
        f"sqlite:///{tmp_path / 'm.db'}", tmp_path, extra_args=("--maintenance-file", str(switch))
    ) as server:
        api = Api(server.url)
        user = unique_name()
        assert api.register(user, latest=5).status_code == 204
        assert api.tweet(user, "before the freeze").status_code == 204

        switch.touch()
        for response in _frozen_write_answers(api, user):
            assert response.status_code == 503
            assert response.headers["Retry-After"] == "5"
            assert response.headers["Content-Type"] == "application/json"
            body = response.json()
            assert body["status"] == 503
            assert "read-only" in body["error_msg"]
        # Reads are served, and the refused writes moved neither data nor latest.
        assert requests.get(f"{server.url}/latest", timeout=10).json() == {"latest": 5}
        timeline = api.request("GET", f"/msgs/{path_name(user)}")
        assert timeline.status_code == 200
        assert [m["content"] for m in timeline.json()] == ["before the freeze"]
        assert api.request("GET", "/msgs", headers=AUTH).status_code == 200

        switch.unlink()
        assert api.tweet(user, "after the thaw").status_code == 204


def test_read_only_flag_refuses_every_write(tmp_path: Path) -> None:
    with serve_reference_app(
        f"sqlite:///{tmp_path / 'r.db'}", tmp_path, extra_args=("--read-only",)
    ) as server:
        api = Api(server.url)
        answer = api.register(unique_name())
        assert answer.status_code == 503
        assert answer.headers["Retry-After"] == "5"
        assert requests.get(f"{server.url}/latest", timeout=10).json() == {"latest": -1}
