"""SQLite: readers never block the writer (WAL); writers queue on a lock, not by polling."""

from __future__ import annotations

import fcntl
import sqlite3
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from reference_app.db import Database
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


def _wait_for_a_blocked_flock(lock_file: Path, write: Future[Any], timeout: float = 30) -> None:
    """Wait until a process waits for ``lock_file``'s flock (a ``->`` line in /proc/locks)."""
    inode = lock_file.stat().st_ino
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = [
            line
            for line in Path("/proc/locks").read_text().splitlines()
            if "->" in line and "FLOCK" in line and f":{inode} " in line
        ]
        if waiting:
            return
        assert not write.done(), f"the write did not wait for the lock: {write.result()}"
        time.sleep(0.02)
    raise AssertionError(f"no process waited for the lock on {lock_file} within {timeout}s")


def test_writers_queue_on_the_write_lock(tmp_path: Path) -> None:
    """Every write waits for the lock file beside the database; reads do not."""
    db_file = tmp_path / "locked.db"
    with serve_reference_app(f"sqlite:///{db_file}", tmp_path, workers=2) as server:
        api = Api(server.url)
        name = api.new_user()
        with open(f"{db_file}-writelock", "a+b") as held, ThreadPoolExecutor(1) as pool:
            fcntl.flock(held, fcntl.LOCK_EX)  # as a worker in the middle of a write
            write = pool.submit(api.tweet, name, "queued behind the lock")
            _wait_for_a_blocked_flock(Path(f"{db_file}-writelock"), write)
            assert not write.done()  # the write waits for the lock...
            assert api.messages(name).json() == []  # ...a read does not
            fcntl.flock(held, fcntl.LOCK_UN)
            assert write.result(timeout=10).status_code == 204
        assert [m["content"] for m in api.messages(name).json()] == ["queued behind the lock"]


def test_threads_of_one_process_take_the_write_lock_in_turn(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'threads.db'}")
    inside: list[int] = []
    overlaps: list[int] = []

    def write(_: int) -> None:
        with database.writing():
            inside.append(1)
            if len(inside) > 1:
                overlaps.append(len(inside))
            time.sleep(0.002)
            inside.pop()

    try:
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(write, range(40)))
    finally:
        database.close()
    assert overlaps == []
