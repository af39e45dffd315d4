"""The simulation store keeps epoch times to the microsecond on both backends."""

from __future__ import annotations

from harness.simulation.store import open_store


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
