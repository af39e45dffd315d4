"""PostgreSQL: pooled connections that the server dropped are replaced, not used.

And a healthy connection is handed out without a round trip to the server.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import psycopg

from reference_app.db import Database
from tests.app.client import Api
from tests.support.servers import serve_reference_app


def _terminate_app_connections(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return len(rows)


def _wait_until_ended(url: str, backend_pid: int) -> None:
    """Wait until the session ``backend_pid`` is gone (termination is asynchronous)."""
    deadline = time.monotonic() + 10
    with psycopg.connect(url, autocommit=True) as admin:
        while admin.execute(
            "SELECT 1 FROM pg_stat_activity WHERE pid = %s", (backend_pid,)
        ).fetchone():
            assert time.monotonic() < deadline, f"session {backend_pid} still there after 10 s"
            time.sleep(0.01)


def _last_query_start(url: str, backend_pid: int) -> datetime:
    """When the session ``backend_pid`` last started a statement (an empty one included)."""
    with psycopg.connect(url, autocommit=True) as admin:
        row = admin.execute(
            "SELECT query_start FROM pg_stat_activity WHERE pid = %s", (backend_pid,)
        ).fetchone()
    assert row is not None and isinstance(row[0], datetime)
    return row[0]


def test_requests_succeed_after_the_database_dropped_every_connection(
    pg_url: str, tmp_path: Path
) -> None:
    with serve_reference_app(pg_url, tmp_path, workers=1) as server:
        api = Api(server.url)
        name = api.new_user()
        assert api.tweet(name, "before").status_code == 204
        assert _terminate_app_connections(pg_url) >= 1
        for content in ("after 1", "after 2", "after 3"):
            assert api.tweet(name, content).status_code == 204
        contents = [m["content"] for m in api.messages(name).json()]
        assert contents == ["after 3", "after 2", "after 1", "before"]


def test_every_pooled_connection_dropped_at_once_fails_no_request(
    pg_url: str, tmp_path: Path
) -> None:
    # Threads: each worker's pool holds several connections, all broken by one restart.
    url = pg_url
    with serve_reference_app(url, tmp_path, workers=2, extra_args=("--threads", "4")) as server:
        api = Api(server.url)
        name = api.new_user()

        def tweets(prefix: str) -> list[int]:
            with ThreadPoolExecutor(8) as pool:  # several connections per worker
                return list(
                    pool.map(lambda i: api.tweet(name, f"{prefix} {i}").status_code, range(32))
                )

        assert tweets("warm") == [204] * 32
        assert _terminate_app_connections(url) >= 2
        assert tweets("after") == [204] * 32, server.log()[-3000:]
        assert len(api.messages(name, "?no=100").json()) == 64


def test_a_healthy_pooled_connection_is_handed_out_without_a_round_trip(pg_url: str) -> None:
    database = Database(pg_url, pool_size=1)
    try:
        with database.connect() as conn:
            conn.execute("SELECT 1")
            backend = int(conn.execute("SELECT pg_backend_pid()").fetchone()[0])
        before = _last_query_start(pg_url, backend)
        for _ in range(3):
            with database.connect() as conn:
                pass
        assert _last_query_start(pg_url, backend) == before
        with database.connect() as conn:
            assert int(conn.execute("SELECT pg_backend_pid()").fetchone()[0]) == backend
    finally:
        database.close()


def test_a_pooled_connection_the_server_ended_is_replaced_before_use(pg_url: str) -> None:
    database = Database(pg_url, pool_size=1)
    try:
        with database.connect() as conn:
            backend = int(conn.execute("SELECT pg_backend_pid()").fetchone()[0])
        assert _terminate_app_connections(pg_url) >= 1
        _wait_until_ended(pg_url, backend)
        with database.connect() as conn:
            replacement = int(conn.execute("SELECT pg_backend_pid()").fetchone()[0])
        assert replacement != backend
    finally:
        database.close()
