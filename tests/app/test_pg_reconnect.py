"""PostgreSQL: pooled connections that the server dropped are replaced, not used."""

from __future__ import annotations

from pathlib import Path

import psycopg

from tests.app.client import Api
from tests.support.servers import serve_reference_app


def _terminate_app_connections(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return len(rows)


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
