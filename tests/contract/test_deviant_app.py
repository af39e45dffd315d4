"""The deviant test app itself: normative by default, each switch changes one behaviour."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from tests.support.deviant_app import AUTH, DEVIATIONS, create_app, serve_deviant_app


def test_unknown_deviation_is_refused() -> None:
    """A typo in a deviation name fails loudly instead of testing the normative app."""
    with pytest.raises(ValueError, match="no-such-thing"):
        create_app(["no-such-thing"])


@pytest.mark.parametrize(
    ("deviations", "status", "body"),
    [
        ((), 404, {"status": 404, "error_msg": "unknown user"}),
        (("unknown-user-400",), 400, {"status": 400, "error_msg": "unknown user"}),
    ],
)
def test_switches_change_one_answer(deviations: tuple[str, ...], status: int, body: object) -> None:
    """A tweet by an unknown user, with and without switches (Flask test client)."""
    assert set(deviations) <= DEVIATIONS.keys()
    client = create_app(deviations).test_client()
    reply = client.post(
        "/msgs/nobody?latest=1", json={"content": "x"}, headers={"Authorization": AUTH}
    )
    assert (reply.status_code, reply.get_json()) == (status, body)


def test_reference_quirks_answer_html_500_pages_and_lock_writes() -> None:
    """Like the course reference (spec section 4): an HTML 500, then writes wait and fail."""
    client = create_app(["tweet-unknown-user-500"]).test_client()
    auth = {"Authorization": AUTH}
    reply = client.post("/msgs/nobody?latest=1", json={"content": "x"}, headers=auth)
    assert reply.status_code == 500 and reply.mimetype == "text/html"
    assert "<title>500 Internal Server Error</title>" in reply.get_data(as_text=True)
    started = time.monotonic()
    later = client.post(
        "/register?latest=2", json={"username": "a", "email": "a@x", "pwd": "p"}, headers=auth
    )
    assert later.status_code == 500 and time.monotonic() - started >= 5.0
    assert client.get("/latest").get_json() == {"latest": 1}  # reads still work


def test_fresh_latest_drops_the_connection_like_gunicorn(tmp_path: Path) -> None:
    """Before any `latest`, GET /latest closes the connection without an answer."""
    with serve_deviant_app(["latest-dropped-before-first"], tmp_path) as server:
        with pytest.raises(requests.ConnectionError):
            requests.get(f"{server.url}/latest", timeout=5)
        requests.get(f"{server.url}/msgs?latest=7", headers={"Authorization": AUTH}, timeout=5)
        assert requests.get(f"{server.url}/latest", timeout=5).json() == {"latest": 7}
