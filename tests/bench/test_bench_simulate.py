"""The simulate benchmark measures what it says: a small run against its stub targets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bench.bench_simulate import _one_run
from harness.local import stop_process


def test_a_small_run_is_on_time_and_counted(tmp_path: Path) -> None:
    stub = subprocess.Popen(
        [sys.executable, "-m", "bench.sim_stub", "3"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert stub.stdout is not None
        ready, *ports = stub.stdout.readline().split()
        assert ready == "ready" and len(ports) == 3
        result = _one_run(f"sqlite:///{tmp_path / 'sim.db'}", [int(p) for p in ports], 6, tmp_path)
    finally:
        stop_process(stub)
        if stub.stdout is not None:
            stub.stdout.close()
    assert result["exit_code"] == 0
    assert result["actions_expected"] == result["actions_sent"] == 18
    assert result["errors"] == 0
    assert result["on_time_share"] == 1.0
    assert result["latest_polls"] >= 3  # one per target at its start, every 5 s after
    assert result["cpu_ms_per_action"] > 0
    assert 5.0 <= result["wall_s"] < 30.0  # the last action is due 5 s after the first
