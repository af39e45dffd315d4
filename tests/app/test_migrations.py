"""Versioned migrations: old databases upgrade in place, concurrent upgrades are safe."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from harness.cli.main import main
from reference_app import migrate
from reference_app.admin import database_version, upgrade_database
from reference_app.db import Database
from tests.app.client import Api, path_name
from tests.support.servers import serve_reference_app


def test_migration_files_are_numbered_from_one_without_gaps() -> None:
    versions = [m.version for m in migrate.available()]
    assert versions == list(range(1, len(versions) + 1))
    assert all(m.statements for m in migrate.available())


def _seed_version_one(url: str) -> None:
    """Data written by an app at schema version 1."""
    database = Database(url, pooled=False)
    with database.connect() as conn:
        database.run(
            conn,
            "INSERT INTO users (username, email, pw_hash) VALUES (?, ?, ?), (?, ?, ?)",
            ("Old Timer", "o@t", "x", "Early Bird", "e@b", "x"),
        )
        database.run(
            conn,
            "INSERT INTO message (author_id, text, pub_date) "
            "SELECT user_id, ?, ? FROM users WHERE username = ?",
            ("from version one", 1_600_000_000, "Old Timer"),
        )
        database.run(
            conn,
            "INSERT INTO follower (who_id, whom_id) SELECT a.user_id, b.user_id "
            "FROM users a, users b WHERE a.username = ? AND b.username = ?",
            ("Old Timer", "Early Bird"),
        )


def test_old_database_upgrades_in_place_when_served(database_url: str, tmp_path: Path) -> None:
    assert upgrade_database(database_url, target=1) == ([1], 1)
    _seed_version_one(database_url)
    with serve_reference_app(database_url, tmp_path) as server:
        api = Api(server.url)
        assert api.latest() == -1
        [message] = api.messages("Old Timer").json()
        assert message == {
            "content": "from version one",
            "pub_date": 1_600_000_000,
            "user": "Old Timer",
        }
        assert api.follows("Old Timer").json() == {"follows": ["Early Bird"]}
        assert api.tweet("Early Bird", "after the upgrade").status_code == 204
        assert api.request("GET", f"/msgs/{path_name('Early Bird')}").status_code == 200
    assert database_version(database_url) == migrate.latest_version()
    assert "applied 2" in server.log()


def test_concurrent_upgrades_apply_each_version_exactly_once(database_url: str) -> None:
    results: list[list[int]] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def upgrade() -> None:
        barrier.wait(timeout=10)
        try:
            results.append(upgrade_database(database_url)[0])
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=upgrade) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(v for applied in results for v in applied) == [1, 2]
    assert database_version(database_url) == 2


def test_db_init_creates_the_schema_once(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "init", "--database-url", database_url]) == 0
    assert "schema version 2 (applied 1, 2)" in capsys.readouterr().out
    assert main(["db", "init", "--database-url", database_url]) == 2
    err = capsys.readouterr().err
    assert "already has schema version 2; use 'db upgrade'" in err and err.count("\n") == 1


def test_db_command_upgrades_step_by_step_and_reports_status(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "status", "--database-url", database_url]) == 0
    assert "schema version 0 of 2 (2 pending)" in capsys.readouterr().out
    assert main(["db", "upgrade", "--database-url", database_url, "--to", "1"]) == 0
    assert "schema version 1 (applied 1)" in capsys.readouterr().out
    assert main(["db", "upgrade", "--database-url", database_url]) == 0
    assert "schema version 2 (applied 2)" in capsys.readouterr().out
    assert main(["db", "upgrade", "--database-url", database_url]) == 0
    assert "nothing to apply" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--database-url", "mysql://db/x"], "unsupported database URL"),
        (["--database-url", "sqlite:////no/such/dir/x.db"], "unable to open database file"),
        (["--database-url", "postgresql://nobody@127.0.0.1:1/x"], "connection"),
        (["--database-url", "postgresql://u:topsecret@127.0.0.1:1/x"], "u:***@127.0.0.1:1"),
        (["--to", "99"], "--to: must be 1..2"),
    ],
)
def test_db_command_problems_are_one_line_errors(
    args: list[str], expected: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    argv = ["db", "upgrade", *args]
    if "--database-url" not in args:
        argv += ["--database-url", f"sqlite:///{tmp_path / 'x.db'}"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err and "Traceback" not in err
    assert "topsecret" not in err
