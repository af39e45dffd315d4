"""Runs stop by themselves at the request cap, and ``--rate`` paces to a target throughput."""

from __future__ import annotations

from pathlib import Path

from harness.execution.load.stats import window_seconds
from tests.load.support import SLOW_ON_SQLITE, run_load_cli
from tests.support.servers import RunningServer

pytestmark = SLOW_ON_SQLITE


def test_request_cap_stops_the_run_early(served_app: RunningServer, tmp_path: Path) -> None:
    run = run_load_cli(
        served_app.url,
        tmp_path,
        *("--users", "3", "--run-time", "60", "--max-requests", "40", "--timeout", "5"),
    )
    assert run.returncode == 0, run.stderr
    assert run.seconds < 60  # had the cap not ended it, the run alone would have taken 60 s
    assert 40 <= len(run.outcomes()) <= 40 + 3  # users in flight when the cap was reached
    run.assert_mix_kept()


def test_rate_paces_the_run_to_the_target_throughput(
    served_app: RunningServer, tmp_path: Path
) -> None:
    run = run_load_cli(
        served_app.url,
        tmp_path,
        *("--rate", "30", "--spawn-rate", "100", "--run-time", "4", "--timeout", "5"),
    )
    assert run.returncode == 0, run.stderr
    outcomes = run.outcomes()
    assert run.records()[0]["users"] == 6  # rate / 5 users, each paced to 5 requests/s
    achieved = len(outcomes) / window_seconds(outcomes)
    # Unpaced, 6 users send hundreds of requests/s to the reference app; paced, never more
    # than the rate (a margin for the window's edges). How close it comes to 30 on a busy
    # machine is a measurement: ``python -m bench gate`` reports it.
    assert 0 < achieved <= 40, achieved
    run.assert_mix_kept()
