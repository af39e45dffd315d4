"""Per-endpoint statistics from raw outcomes."""

from __future__ import annotations

from harness.execution.load.stats import (
    endpoint_stats,
    errors_by_check,
    format_table,
    requests_by_worker,
    window_seconds,
)
from harness.results import Outcome


def _o(command: str, latency: float, started: float, worker: str, ok: bool = True) -> Outcome:
    return Outcome(
        action_id=-1 if command == "msgs" else 1,
        command=command,
        user=None,
        status=200 if ok else 500,
        error=None,
        verdict="ok" if ok else "error",
        check=None if ok else "strict.msgs-status",
        latency_ms=latency,
        started=started,
        finished=started + latency / 1000,
        worker=worker,
    )


def test_rows_per_command_then_all() -> None:
    outcomes = [_o("tweet", float(i), i / 10, "worker-0") for i in range(1, 101)]
    outcomes += [_o("msgs", 1000.0, 0.0, "worker-1", ok=False)]
    rows = endpoint_stats(outcomes)
    assert [r.command for r in rows] == ["msgs", "tweet", "all"]
    tweet = rows[1]
    assert (tweet.requests, tweet.errors, tweet.p50, tweet.p95, tweet.p99, tweet.max) == (
        100,
        0,
        50.0,
        95.0,
        99.0,
        100.0,
    )
    window = window_seconds(outcomes)
    assert window == 10.0 + 0.1
    assert rows[2].rps == 101 / window
    assert errors_by_check(outcomes) == {"strict.msgs-status": 1}
    assert requests_by_worker(outcomes) == {"worker-0": 100, "worker-1": 1}
    table = format_table(rows)
    assert table.splitlines()[0].split()[:3] == ["endpoint", "requests", "errors"]
    assert len(table.splitlines()) == 4


def test_no_outcomes_no_rows() -> None:
    assert endpoint_stats([]) == []
    assert window_seconds([]) == 0.0
