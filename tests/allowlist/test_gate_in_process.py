"""The allowlist hook on a Flask app, in process: status and body per client address."""

from __future__ import annotations

import pytest
from flask import Flask

from reference_app import allowlist


def make_app(accepted: str, trusted: str = "") -> Flask:
    app = Flask(__name__)
    app.config.update(ACCEPTED_IPS=accepted, TRUSTED_PROXIES=trusted)

    @app.get("/msgs")
    def msgs() -> tuple[str, int]:
        return "[]", 200

    allowlist.init_app(app)
    return app


@pytest.mark.parametrize(
    ("peer", "headers", "status"),
    [
        ("127.0.0.5", {}, 200),
        ("::ffff:127.0.0.5", {}, 200),
        ("::1", {}, 200),
        ("127.0.0.9", {}, 403),
        ("127.0.0.9", {"X-Forwarded-For": "127.0.0.5"}, 403),
        ("127.0.0.9", {"X-Real-IP": "127.0.0.5"}, 403),
        ("127.0.0.9", {"Forwarded": "for=127.0.0.5"}, 403),
        ("127.0.0.2", {"X-Forwarded-For": "127.0.0.5"}, 200),
        ("127.0.0.2", {"X-Forwarded-For": "127.0.0.5, 127.0.0.9"}, 403),
        ("127.0.0.2", {"X-Forwarded-For": "127.0.0.9, 127.0.0.5"}, 200),
        ("127.0.0.2", {"X-Forwarded-For": "::1"}, 200),
        ("127.0.0.2", {}, 403),
    ],
)
def test_gate_status_by_client(peer: str, headers: dict[str, str], status: int) -> None:
    client = make_app("127.0.0.5,::1", "127.0.0.2").test_client()
    response = client.get("/msgs", headers=headers, environ_base={"REMOTE_ADDR": peer})
    assert response.status_code == status


def test_denial_is_json_with_its_own_message() -> None:
    client = make_app("127.0.0.5").test_client()
    response = client.get("/msgs", environ_base={"REMOTE_ADDR": "127.0.0.9"})
    assert response.status_code == 403
    assert response.is_json
    body = response.get_json()
    assert body["status"] == 403
    assert "127.0.0.9" in body["error_msg"]
    assert "not allowed" in body["error_msg"]
    assert body["error_msg"] != "You are not authorized to use this resource!"


def test_gate_covers_unknown_routes_and_methods() -> None:
    client = make_app("127.0.0.5").test_client()
    for method in ("get", "post", "head", "delete"):
        response = getattr(client, method)("/latest", environ_base={"REMOTE_ADDR": "127.0.0.9"})
        assert response.status_code == 403, method


def test_star_installs_no_gate() -> None:
    app = make_app("*")
    response = app.test_client().get("/msgs", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 200
    assert app.extensions["allowlist"].accepted is None


def test_invalid_setting_fails_at_init() -> None:
    with pytest.raises(allowlist.AllowlistSettingError) as err:
        make_app("127.0.0.300")
    assert str(err.value).startswith("ACCEPTED_IPS: '127.0.0.300' is not an IP address")
