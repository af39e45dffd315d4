"""The reference app's allowlist covers every simulator API endpoint (in process)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from reference_app import create_app
from reference_app.allowlist import AllowlistSettingError

AUTH = {"Authorization": "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh"}
AUTH_MESSAGE = "You are not authorized to use this resource!"

ENDPOINTS = [
    ("get", "/latest", None),
    ("post", "/register", {"username": "a", "email": "a@b", "pwd": "p"}),
    ("get", "/msgs", None),
    ("get", "/msgs/a", None),
    ("post", "/msgs/a", {"content": "hi"}),
    ("get", "/fllws/a", None),
    ("post", "/fllws/a", {"follow": "b"}),
    ("head", "/msgs", None),
    ("get", "/no-such-route", None),
]


def make_app(tmp_path: Path, **settings: str) -> Flask:
    return create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'gate.db'}", **settings})


@pytest.fixture
def client(tmp_path: Path) -> FlaskClient:
    return make_app(tmp_path, ACCEPTED_IPS="127.0.0.5", TRUSTED_PROXIES="127.0.0.2").test_client()


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_denied_client_gets_the_allowlist_403_everywhere(
    client: FlaskClient, method: str, path: str, body: dict[str, str] | None
) -> None:
    response = getattr(client, method)(
        path, json=body, headers=AUTH, environ_base={"REMOTE_ADDR": "127.0.0.9"}
    )
    assert response.status_code == 403
    if method != "head":
        assert response.get_json() == {
            "status": 403,
            "error_msg": "Your address 127.0.0.9 is not allowed to use this resource!",
        }


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS[:7])
def test_allowed_client_reaches_the_api(
    client: FlaskClient, method: str, path: str, body: dict[str, str] | None
) -> None:
    response = getattr(client, method)(
        path, json=body, headers=AUTH, environ_base={"REMOTE_ADDR": "::ffff:127.0.0.5"}
    )
    assert response.status_code != 403


def test_allowed_client_without_credentials_gets_the_auth_message(client: FlaskClient) -> None:
    response = client.get("/msgs", environ_base={"REMOTE_ADDR": "127.0.0.5"})
    assert response.status_code == 403
    assert response.get_json()["error_msg"] == AUTH_MESSAGE


def test_denial_does_not_move_latest(client: FlaskClient) -> None:
    client.get("/msgs?latest=7", headers=AUTH, environ_base={"REMOTE_ADDR": "127.0.0.9"})
    latest = client.get("/latest", environ_base={"REMOTE_ADDR": "127.0.0.5"})
    assert latest.get_json() == {"latest": -1}


def test_forwarded_client_through_trusted_proxy(client: FlaskClient) -> None:
    ok = client.get(
        "/msgs",
        headers={**AUTH, "X-Forwarded-For": "127.0.0.5"},
        environ_base={"REMOTE_ADDR": "127.0.0.2"},
    )
    assert ok.status_code == 200


def test_metrics_stay_open_for_monitoring(client: FlaskClient) -> None:
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.9"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("settings", "needle"),
    [
        ({"ACCEPTED_IPS": "127.0.0.5;127.0.0.6"}, "ACCEPTED_IPS: '127.0.0.5;127.0.0.6'"),
        ({"TRUSTED_PROXIES": "nginx"}, "TRUSTED_PROXIES: 'nginx'"),
    ],
)
def test_factory_refuses_invalid_settings(
    tmp_path: Path, settings: dict[str, str], needle: str
) -> None:
    with pytest.raises(AllowlistSettingError) as err:
        make_app(tmp_path, **settings)
    assert str(err.value).startswith(needle)
