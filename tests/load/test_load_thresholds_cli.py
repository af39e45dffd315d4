"""A bounded headless load run against the reference app: thresholds pass (0) or fail (1).

The passing run uses both backends of the reference app (SQLite and PostgreSQL).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.load.support import run_load_cli
from tests.support.servers import RunningServer

pytestmark = pytest.mark.slow


def test_passing_thresholds_exit_0_with_raw_results(
    served_app: RunningServer, tmp_path: Path
) -> None:
    run = run_load_cli(
        served_app.url,
        tmp_path,
        *("--users", "4", "--run-time", "3", "--timeout", "5", "--read-ratio", "0.5"),
        *("--threshold", "p99<5s", "--threshold", "error_rate<1%"),
        *("--threshold", "p95(tweet)<5000ms", "--threshold", "requests>=20"),
    )
    assert run.returncode == 0, run.stderr
    assert "PASS  p99<5s" in run.stdout
    assert "PASS  error_rate<1%  observed 0.000%" in run.stdout
    assert run.seconds < 3 + 30  # stopped by itself, bounded by --run-time
    header, *rest = run.records()
    assert header["kind"] == "load" and header["users"] == 4
    assert rest[-1]["type"] == "summary" and rest[-1]["ok"] is True
    outcomes = run.outcomes()
    reads = [o for o in outcomes if o.command in ("msgs", "msgs_user", "fllws", "latest")]
    writes = [o for o in outcomes if o.command in ("register", "tweet", "follow", "unfollow")]
    assert reads and writes
    assert all(o.action_id == -1 for o in reads)
    assert all(o.action_id >= 0 for o in writes)
    assert all(o.verdict == "ok" and o.worker == "local" for o in outcomes)
    assert {o.status for o in writes} == {204}
    # raw timings keep sub-millisecond precision (not Locust's rounded buckets)
    assert any(o.latency_ms != round(o.latency_ms) for o in outcomes)
    assert len(outcomes) == run.locust_summary()["total_requests"]
    run.assert_mix_kept()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_failing_thresholds_exit_1_and_name_the_failures(
    served_app: RunningServer, tmp_path: Path
) -> None:
    run = run_load_cli(
        served_app.url,
        tmp_path,
        *("--users", "3", "--run-time", "2", "--timeout", "5"),
        *("--threshold", "p50<0.001ms", "--threshold", "rps(tweet)>100000"),
        *("--threshold", "error_rate<1%"),
    )
    assert run.returncode == 1, run.stderr
    assert "FAIL  p50<0.001ms  observed" in run.stdout
    assert "FAIL  rps(tweet)>100000" in run.stdout
    assert "PASS  error_rate<1%" in run.stdout
    summary = run.records()[-1]
    assert [t["passed"] for t in summary["thresholds"]] == [False, False, True]
    run.assert_mix_kept()
