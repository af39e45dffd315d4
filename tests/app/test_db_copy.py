"""``db copy``: SQLite to PostgreSQL and back, every table and latest, idempotent, catch-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.app.client import Api
from tests.support.servers import serve_reference_app


def _copy(source: str, target: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness", "db", "copy", "--from", source, "--to", target, *extra],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _state(api: Api, users: list[str]) -> dict[str, Any]:
    return {
        "latest": api.latest(),
        "public": api.messages(query="?no=1000").json(),
        "users": {u: (api.messages(u).json(), api.follows(u).json()) for u in users},
    }


def _seed(api: Api, users: list[str], start: int) -> None:
    for index, user in enumerate(users):
        assert api.register(user, latest=start + index).status_code == 204
    for index, user in enumerate(users):
        assert api.tweet(user, f"‘hello’ <b>#{index}</b> from {user}").status_code == 204
        assert api.follow(user, users[(index + 1) % len(users)]).status_code == 204


@pytest.mark.postgres
def test_sqlite_to_postgresql_and_back(tmp_path: Path, pg_url: str) -> None:
    sqlite_url = f"sqlite:///{tmp_path / 'old.db'}"
    users = [f"Ann Ø{i}" for i in range(6)]
    with serve_reference_app(sqlite_url, tmp_path) as old:
        api = Api(old.url)
        _seed(api, users, start=100)
        first = _copy(sqlite_url, pg_url)
        assert first.returncode == 0, first.stdout + first.stderr
        assert "users: 6 rows, 6 copied" in first.stdout
        assert "latest: 105 verified" in first.stdout
        # Idempotent: a second full pass copies nothing and verifies again.
        again = _copy(sqlite_url, pg_url)
        assert again.returncode == 0, again.stdout + again.stderr
        assert "users: 6 rows, 0 copied, 0 deleted" in again.stdout
        # More writes on the old app, an unfollow among them: the catch-up pass takes them.
        assert api.tweet(users[0], "late tweet").status_code == 204
        assert api.follow(users[1], users[2], key="unfollow").status_code == 204
        assert api.register("Late Ø", latest=4711).status_code == 204
        catch_up = _copy(sqlite_url, pg_url, "--since")
        assert catch_up.returncode == 0, catch_up.stdout + catch_up.stderr
        assert "users: 7 rows, 1 copied" in catch_up.stdout
        assert "follower: 5 rows, 0 copied, 1 deleted" in catch_up.stdout
        before = _state(api, [*users, "Late Ø"])

    with serve_reference_app(pg_url, tmp_path) as new:
        api = Api(new.url)
        assert _state(api, [*users, "Late Ø"]) == before
        # The identity sequences continue after the copied ids.
        assert api.register("After Ø", latest=4712).status_code == 204
        assert api.tweet("After Ø", "first on PostgreSQL").status_code == 204

    back_url = f"sqlite:///{tmp_path / 'back.db'}"
    back = _copy(pg_url, back_url)
    assert back.returncode == 0, back.stdout + back.stderr
    assert "users: 8 rows, 8 copied" in back.stdout
    with serve_reference_app(back_url, tmp_path) as returned:
        assert Api(returned.url).latest() == 4712


@pytest.mark.postgres
def test_a_target_written_to_is_refused_in_one_line(tmp_path: Path, pg_url: str) -> None:
    sqlite_url = f"sqlite:///{tmp_path / 'old.db'}"
    with serve_reference_app(sqlite_url, tmp_path) as old:
        _seed(Api(old.url), ["Bo Ø1", "Bo Ø2"], start=1)
    assert _copy(sqlite_url, pg_url).returncode == 0
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("UPDATE message SET text = 'edited' WHERE message_id = 1")
    refused = _copy(sqlite_url, pg_url)
    assert refused.returncode == 2
    [line] = refused.stderr.strip().splitlines()
    assert "message message_id 1 differs between source and target" in line


def test_copy_needs_both_urls(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "harness", "db", "copy", "--from", f"sqlite:///{tmp_path}/x.db"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().endswith("db copy needs --from URL and --to URL")
