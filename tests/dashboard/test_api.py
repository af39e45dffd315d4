"""The dashboard's JSON, /metrics, pages and controls over a store with known rows."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient

from harness.dashboard.app import READER, create_dashboard
from harness.simulation.status import StatusReader
from tests.support.pg import ADMIN_URL
from tests.support.sim_store import HOSTILE_EXCHANGE, T0, known_rows

H1 = T0 + 3600
NOW = H1 + 600
TOKEN = "s3cret-token"


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    known_rows(database_url)
    app = create_dashboard(database_url, TOKEN)
    reader: StatusReader = app.extensions[READER]
    reader.max_age = 1e9  # the snapshot of a known moment stays the cached one
    reader.snapshot(NOW)
    yield app
    reader.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def test_status_json_has_the_exact_numbers(client: FlaskClient) -> None:
    body = client.get("/api/status").get_json()
    assert body["format"] == "minitwit-harness.simulation-status" and body["version"] == 1
    a, b = body["targets"]
    assert a["actions"] == {"total": 10, "sent": 8, "done": 7}
    assert (a["in_flight"], a["resent"], a["errors"]) == (1, 1, 3)
    assert a["errors_by_class"] == {"ConnectionError": 1, "HTTP 500": 1, "ReadTimeout": 1}
    assert a["errors_by_command"] == {"follow": 1, "tweet": 2}
    assert a["latency_ms"] == {"p50": 20.0, "p95": 300.0}
    assert a["latest"] == {"at": H1 + 200, "reported": 3, "last_acknowledged": 7, "error": None}
    assert a["outages"] == [{"started": H1 + 62, "ended": H1 + 72, "seconds": 10.0}]
    assert a["up"] is True
    minutes = a["per_minute"]
    assert minutes["start"] == NOW - 59 * 60 and len(minutes["requests"]) == 60
    busy = [
        (minutes["start"] + 60 * i, n, e)
        for i, (n, e) in enumerate(zip(minutes["requests"], minutes["errors"], strict=True))
        if n
    ]
    assert busy == [(H1 + 60, 3, 3), (H1 + 120, 1, 0)]
    assert "per_hour" not in a  # only in the target's own JSON
    assert (b["paused"], b["up"], b["down_since"]) == (True, False, H1 + 50)
    assert b["outages"] == [{"started": H1 + 50, "ended": None, "seconds": 550.0}]


def test_target_json_adds_the_failed_requests(client: FlaskClient) -> None:
    body = client.get("/api/targets/a").get_json()
    assert body["errors"] == 3
    assert {"hour": H1, "command": "tweet", "requests": 2, "errors": 2} in body["per_hour"]
    assert len(body["per_hour"]) == 6
    assert [(f["action_id"], f["error"], f["status"]) for f in body["failed_requests"]] == [
        (6, "ConnectionError", None),
        (5, "ReadTimeout", None),
        (4, None, 500),
    ]
    assert body["failed_requests"][2]["exchange"] == HOSTILE_EXCHANGE
    missing = client.get("/api/targets/nobody")
    assert missing.status_code == 404 and "nobody" in missing.get_json()["error"]


def test_metrics_in_prometheus_text_format(client: FlaskClient) -> None:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=0.0.4")
    lines = set(response.get_data(as_text=True).splitlines())
    for line in (
        'minitwit_sim_actions{target="a"} 10.0',
        'minitwit_sim_actions_sent{target="a"} 8.0',
        'minitwit_sim_requests_total{command="tweet",target="a"} 3.0',
        'minitwit_sim_errors_total{class="HTTP 500",command="tweet",target="a"} 1.0',
        'minitwit_sim_errors_total{class="ConnectionError",command="follow",target="a"} 1.0',
        'minitwit_sim_in_flight{target="a"} 1.0',
        'minitwit_sim_up{target="a"} 1.0',
        'minitwit_sim_up{target="b"} 0.0',
        'minitwit_sim_paused{target="b"} 1.0',
        'minitwit_sim_outages_total{target="a"} 1.0',
        'minitwit_sim_latest_reported{target="a"} 3.0',
        'minitwit_sim_last_acknowledged{target="a"} 7.0',
        'minitwit_sim_latency_seconds{quantile="0.5",target="a"} 0.02',
        'minitwit_sim_latency_seconds{quantile="0.95",target="a"} 0.3',
    ):
        assert line in lines, line
    assert not any(line.startswith('minitwit_sim_latest_reported{target="b"}') for line in lines)


def test_pages_show_the_numbers_and_escape_the_exchange(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert 'name="viewport"' in page and "<script src" not in page and "<link" not in page
    assert "8 / 10" in page and "down</span> since" in page and "<svg" in page
    live = client.get("/?part=live").get_data(as_text=True)
    assert "<html" not in live and "8 / 10" in live
    target = client.get("/targets/a").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in target
    assert "<script>alert(1)" not in target
    assert client.get("/targets/nobody").status_code == 404


def _query(app: Flask, sql: str) -> list[tuple[object, ...]]:
    """A query on the store (a request closes the connection it used: a new one each time)."""
    return app.extensions[READER].store().query(sql)  # type: ignore[no-any-return]


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_controls_need_the_token(client: FlaskClient, app: Flask) -> None:
    assert client.post("/api/targets/a/pause").status_code == 401
    wrong = client.post("/api/targets/a/pause", headers=_auth("nope"))
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"].startswith("Bearer")
    ok = client.post("/api/targets/a/pause", headers=_auth(TOKEN))
    assert ok.status_code == 200 and ok.get_json() == {"name": "a", "paused": True}
    assert _query(app, "SELECT paused FROM sim_targets WHERE name = 'a'") == [(1,)]
    assert client.post("/api/targets/b/resume", headers=_auth(TOKEN)).status_code == 200
    assert _query(app, "SELECT paused FROM sim_targets WHERE name = 'b'") == [(0,)]
    assert client.post("/api/targets/zz/pause", headers=_auth(TOKEN)).status_code == 404


def test_adding_a_target(client: FlaskClient, app: Flask) -> None:
    new = {"name": "team-c", "url": "http://127.0.0.1:5009/api/", "source_address": "127.0.0.2"}
    assert client.post("/api/targets", json=new).status_code == 401
    added = client.post("/api/targets", json=new, headers=_auth(TOKEN))
    assert added.status_code == 201
    assert added.get_json() == {
        "name": "team-c",
        "url": "http://127.0.0.1:5009/api/",
        "source_address": "127.0.0.2",
        "start_offset": 0.0,
    }
    assert _query(
        app,
        "SELECT base_url, source_address, paused, total_actions FROM sim_targets"
        " WHERE name = 'team-c'",
    ) == [("http://127.0.0.1:5009/api/", "127.0.0.2", 0, 0)]
    again = client.post("/api/targets", json=new, headers=_auth(TOKEN))
    assert again.status_code == 409
    later = {"name": "team-d", "url": "http://127.0.0.1:5010", "start_offset": "1m30s"}
    response = client.post("/api/targets", json=later, headers=_auth(TOKEN))
    assert response.status_code == 201 and response.get_json()["start_offset"] == 90.0
    for bad, word in (
        ({"name": "x y", "url": "http://h:1"}, "name"),
        ({"name": "x", "url": "ftp://h"}, "url"),
        ({"name": "x", "url": "http://h:1", "source_address": "nope"}, "source_address"),
        ({"name": "x", "url": "http://h:1", "start_offset": -1}, "start_offset"),
        ({"name": "x", "url": "http://h:1", "start_offset": "soon"}, "start_offset"),
        ({"name": "x", "url": "http://h:1", "colour": "red"}, "colour"),
        ({"url": "http://h:1"}, "name"),
    ):
        response = client.post("/api/targets", json=bad, headers=_auth(TOKEN))
        assert response.status_code == 400, bad
        assert word in response.get_json()["error"], bad


def test_without_a_token_the_controls_are_disabled(database_url: str) -> None:
    known_rows(database_url)
    app = create_dashboard(database_url, None)
    try:
        client = app.test_client()
        for path in ("/api/targets/a/pause", "/api/targets"):
            response = client.post(path, headers=_auth("anything"), json={})
            assert response.status_code == 403 and "disabled" in response.get_json()["error"]
        assert "Pause" not in client.get("/targets/a").get_data(as_text=True)
    finally:
        app.extensions[READER].close()


def test_a_database_gone_mid_run_is_a_503_with_one_line(pg_url: str) -> None:
    known_rows(pg_url)
    app = create_dashboard(pg_url, None)
    reader: StatusReader = app.extensions[READER]
    reader.max_age = 0.0
    client = app.test_client()
    assert client.get("/api/status").status_code == 200
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{pg_url.rpartition("/")[2]}" WITH (FORCE)')
    try:
        for path in ("/api/status", "/", "/metrics"):
            response = client.get(path)
            assert response.status_code == 503, path
            error = response.get_json()["error"]
            assert error.startswith("simulation database: ") and "\n" not in error, error
    finally:
        reader.close()


def test_refreshes_do_not_wait_for_the_engines_open_transaction(pg_url: str) -> None:
    """The schema's DDL runs once, when the dashboard starts: run on every new connection,
    ``CREATE INDEX IF NOT EXISTS`` waits for (and holds up) the engine's writes."""
    known_rows(pg_url)
    app = create_dashboard(pg_url, None)
    reader: StatusReader = app.extensions[READER]
    reader.max_age = 0.0
    try:
        answers: list[int] = []

        def ask() -> None:  # a viewer's refresh (its own thread, its own connection)
            answers.append(app.test_client().get("/api/status").status_code)

        with psycopg.connect(pg_url) as engine:  # a transaction of the engine, left open
            engine.execute("UPDATE sim_attempts SET status = status WHERE action_id = 1")
            viewer = threading.Thread(target=ask)
            viewer.start()
            viewer.join(timeout=5)
            waited = viewer.is_alive()
            engine.rollback()  # lets a waiting refresh go on
        viewer.join(timeout=10)
        assert not waited, "the refresh waited for the engine's transaction"
        assert answers == [200]
    finally:
        reader.close()
