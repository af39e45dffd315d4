"""A real Locust master with 2 real local worker processes: both send, counts add up."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from tests.load.support import SLOW_ON_SQLITE, run_load_cli
from tests.support.servers import RunningServer

pytestmark = SLOW_ON_SQLITE


def test_master_with_two_workers_aggregates_the_sum_of_the_workers(
    served_app: RunningServer, tmp_path: Path
) -> None:
    run = run_load_cli(
        served_app.url,
        tmp_path,
        *("--workers", "2", "--users", "4", "--spawn-rate", "20", "--run-time", "3"),
        *("--timeout", "5", "--threshold", "requests>=10"),
    )
    assert run.returncode == 0, run.stderr
    per_worker = Counter(o.worker for o in run.outcomes())
    assert set(per_worker) == {"worker-0", "worker-1"}
    assert all(count > 0 for count in per_worker.values())
    locust = run.locust_summary()
    assert locust["mode"] == "master"
    # Locust's master aggregate equals the sum of what each worker reported to it ...
    assert locust["total_requests"] == sum(locust["workers"].values())
    # ... and each worker's report equals the raw records it wrote.
    assert locust["workers"] == dict(per_worker)
    assert "requests by process: worker-0:" in run.stdout
    run.assert_mix_kept()


def test_workers_own_disjoint_accounts(served_app: RunningServer, tmp_path: Path) -> None:
    run = run_load_cli(
        served_app.url,
        tmp_path,
        *("--workers", "2", "--users", "2", "--run-time", "2", "--timeout", "5"),
        *("--read-ratio", "0"),
    )
    assert run.returncode == 0, run.stderr
    owners: dict[str, set[str | None]] = {}
    for o in run.outcomes():
        owners.setdefault(o.user or "", set()).add(o.worker)
    assert owners and all(len(workers) == 1 for workers in owners.values())
    run.assert_mix_kept()
