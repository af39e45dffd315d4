"""Benchmark: the status page's numbers over a course-sized simulation store.

A SQLite store of 200 targets x 26 000 outcomes (``--quick``: 20 x 2 600) spread over four
weeks, 2% of them failed with an exchange, a ``/latest`` poll every 5 minutes (the last
2 000 per target). Measured: the first snapshot (it folds the whole history) and, after it,
the median of 5 requests of ``/api/status``, ``/``, ``/metrics`` and a target's page through
the Flask app (rendering included). Goal: a refreshed ``/api/status`` within 0.5 s at full
size, whatever the run's length (the open window only is read again).
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from harness.dashboard.app import READER, create_dashboard
from harness.simulation.status import StatusReader
from harness.simulation.store import open_store

GOAL_STATUS_S = 0.5
SPAN_S = 28 * 86_400
COMMANDS = ("tweet", "tweet", "follow", "unfollow", "register")


def _rows(target: str, actions: int, start: float, rnd: random.Random) -> Iterator[tuple[Any, ...]]:
    for action in range(1, actions + 1):
        at = start + action * SPAN_S / actions
        failed = rnd.random() < 0.02
        latency = rnd.lognormvariate(2.6, 0.5)
        yield (
            target,
            action,
            1,
            rnd.choice(COMMANDS),
            at,
            at,
            at + latency / 1000,
            500 if failed else 204,
            None,
            int(failed),
            latency,
            "POST /msgs/x HTTP/1.1 ... HTTP/1.1 500" if failed else None,
        )


def fill(url: str, targets: int, actions: int, now: float) -> None:
    """The store: ``targets`` x ``actions`` outcomes over the four weeks before ``now``."""
    rnd = random.Random(18)
    start = now - SPAN_S
    store = open_store(url)
    try:
        for i in range(targets):
            name = f"team-{i:03d}"
            with store.transaction():
                store.execute(
                    "INSERT INTO sim_targets (name, base_url, start_offset, paused, added_at,"
                    " total_actions) VALUES (?, ?, 0, 0, ?, ?)",
                    (name, f"http://10.0.{i // 250}.{i % 250}:5001", start, actions),
                )
                store.executemany(
                    "INSERT INTO sim_attempts (target, action_id, attempt, command, scheduled,"
                    " started, finished, status, error, failed, latency_ms, exchange)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    list(_rows(name, actions, start, rnd)),
                )
                polls = [(name, now - k * 300.0, actions, actions) for k in range(1, 2001)]
                store.executemany(
                    "INSERT INTO sim_latest (target, at, value, last_sent) VALUES (?, ?, ?, ?)",
                    polls,
                )
    finally:
        store.close()


def run(quick: bool, out_dir: Path) -> dict[str, Any]:
    """Fill a store, then time the first snapshot and the pages after it."""
    targets, actions = (20, 2_600) if quick else (200, 26_000)
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        url = f"sqlite:///{Path(tmp) / 'simulation.db'}"
        t0 = time.perf_counter()
        fill(url, targets, actions, time.time())
        fill_s = time.perf_counter() - t0
        app = create_dashboard(url, None)
        reader: StatusReader = app.extensions[READER]
        reader.max_age = 0.0  # every request computes its numbers (no cache)
        try:
            t0 = time.perf_counter()
            reader.snapshot()
            first_s = time.perf_counter() - t0
            client = app.test_client()
            medians: dict[str, float] = {}
            for path in ("/api/status", "/", "/metrics", "/targets/team-001"):
                times = []
                for _ in range(5):
                    t0 = time.perf_counter()
                    assert client.get(path).status_code == 200, path
                    times.append(time.perf_counter() - t0)
                medians[path] = round(statistics.median(times), 4)
        finally:
            reader.close()
    status_s = medians["/api/status"]
    return {
        "targets": targets,
        "outcomes": targets * actions,
        "fill_s": round(fill_s, 1),
        "first_snapshot_s": round(first_s, 2),
        "median_s": medians,
        "goal_status_s": GOAL_STATUS_S,
        "passed": status_s <= GOAL_STATUS_S,
    }
