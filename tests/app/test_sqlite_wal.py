"""SQLite: a reader holding a long read transaction does not block the writer (WAL)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.app.client import Api
from tests.support.servers import serve_reference_app


def test_open_read_transaction_does_not_block_writes(tmp_path: Path) -> None:
    db_file = tmp_path / "wal.db"
    with serve_reference_app(f"sqlite:///{db_file}", tmp_path, workers=1) as server:
        api = Api(server.url)
        name = api.new_user()
        reader = sqlite3.connect(db_file, isolation_level=None)
        try:
            reader.execute("BEGIN")
            before = reader.execute("SELECT COUNT(*) FROM message").fetchone()[0]
            # With a rollback journal this write would wait for the reader until its busy
            # timeout ran out (the reader only ends after the request), then fail.
            assert api.tweet(name, "written while a reader reads").status_code == 204
            # The reader keeps its snapshot; the write is visible to everyone else.
            assert reader.execute("SELECT COUNT(*) FROM message").fetchone()[0] == before
            assert [m["content"] for m in api.messages(name).json()] == [
                "written while a reader reads"
            ]
        finally:
            reader.execute("ROLLBACK")
            reader.close()
        journal = sqlite3.connect(db_file).execute("PRAGMA journal_mode").fetchone()[0]
        assert journal == "wal"
