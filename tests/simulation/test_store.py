"""The simulation store: epoch times to the microsecond on both backends; upgrades."""

from __future__ import annotations

from harness.simulation.store import SCHEMA_VERSION, Store, open_store


def test_times_keep_sub_second_precision(database_url: str) -> None:
    """Two polls 0.25 s apart are two rows with their own times (a 4-byte float merges them)."""
    store = open_store(database_url)
    try:
        at = 1_765_078_000.125
        store.execute(
            "INSERT INTO sim_latest (target, at, value, last_sent) VALUES (?, ?, ?, ?)",
            ("a", at, 1, 1),
        )
        store.execute(
            "INSERT INTO sim_latest (target, at, value, last_sent) VALUES (?, ?, ?, ?)",
            ("a", at + 0.25, 2, 2),
        )
        rows = store.query("SELECT at, value FROM sim_latest ORDER BY at")
        assert rows == [(at, 1), (at + 0.25, 2)]
    finally:
        store.close()


#: The tables of schema version 1 that version 2 changed (as version 1 created them).
_VERSION_1 = (
    "CREATE TABLE sim_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "INSERT INTO sim_meta (key, value) VALUES ('schema_version', '1')",
    "CREATE TABLE sim_targets (name TEXT PRIMARY KEY, base_url TEXT NOT NULL,"
    " source_address TEXT, start_offset DOUBLE PRECISION NOT NULL DEFAULT 0,"
    " paused INTEGER NOT NULL DEFAULT 0, added_at DOUBLE PRECISION NOT NULL,"
    " total_actions INTEGER NOT NULL)",
    "INSERT INTO sim_targets (name, base_url, added_at, total_actions)"
    " VALUES ('a', 'http://x', 1, 10)",
    "CREATE TABLE sim_attempts (target TEXT NOT NULL, action_id INTEGER NOT NULL,"
    " attempt INTEGER NOT NULL, command TEXT NOT NULL, scheduled DOUBLE PRECISION NOT NULL,"
    " started DOUBLE PRECISION NOT NULL, finished DOUBLE PRECISION, status INTEGER,"
    " error TEXT, failed INTEGER, latency_ms DOUBLE PRECISION, exchange TEXT,"
    " PRIMARY KEY (target, action_id, attempt))",
)


def test_a_version_1_store_is_upgraded_in_place(database_url: str) -> None:
    """The worker columns are added; the rows stay; a second opening changes nothing."""
    old = Store(database_url)
    try:
        for statement in _VERSION_1:
            old.execute(statement)
    finally:
        old.close()
    for _ in range(2):
        store = open_store(database_url)
        try:
            assert store.query("SELECT value FROM sim_meta WHERE key = 'schema_version'") == [
                (str(SCHEMA_VERSION),)
            ]
            assert store.query("SELECT name, owner, lease_until, done_at FROM sim_targets") == [
                ("a", None, None, None)
            ]
            assert store.query("SELECT COUNT(worker) FROM sim_attempts") == [(0,)]
        finally:
            store.close()
