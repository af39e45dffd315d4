"""Distributed replay: a real Locust master and two worker processes on loopback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness.scenario.generate import generate_actions
from tests.replay.replay_support import (
    LOADED_MACHINE,
    assert_causal,
    run_replay_cli,
    simple_actions,
    write_scenario,
)
from tests.support.faulty_target import faulty_target
from tests.support.net import free_port
from tests.support.servers import serve_reference_app


@pytest.mark.slow
def test_master_and_two_workers_replay_causally_without_errors(
    tmp_path: Path, out_dir: Path
) -> None:
    actions = generate_actions(users=40, actions=800, seed=11)
    scenario = tmp_path / "generated.tsv"
    write_scenario(scenario, actions)
    with serve_reference_app(f"sqlite:///{tmp_path / 'm.db'}", tmp_path) as server:
        run = run_replay_cli(
            server.url, scenario, out_dir, "--workers", "2", "--verify", *LOADED_MACHINE
        )
    assert run.code == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "verify: passed" in run.stdout  # 0 differences
    outcomes = run.outcomes()
    assert sorted(o["action_id"] for o in outcomes) == [a.id for a in actions]
    assert all(o["verdict"] == "ok" for o in outcomes)
    assert len({o["worker"] for o in outcomes}) == 2  # both workers sent traffic
    assert_causal(actions, outcomes)


def test_master_and_worker_started_separately(tmp_path: Path, out_dir: Path) -> None:
    """``--master`` here, ``--worker --master-host`` elsewhere (loopback stands in)."""
    actions = simple_actions(users=6, actions=120)
    scenario = write_scenario(tmp_path / "s.tsv", actions)
    port = str(free_port())
    worker_argv = [sys.executable, "-m", "harness", "replay", "--worker"]
    worker_argv += ["--master-host", "127.0.0.1", "--master-port", port]
    worker_argv += ["--output-dir", str(tmp_path / "worker")]
    with faulty_target() as target:
        worker = subprocess.Popen(worker_argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            run = run_replay_cli(
                target.url,
                scenario,
                out_dir,
                "--master",
                "--workers",
                "1",
                "--master-bind",
                "127.0.0.1",
                "--master-port",
                port,
                *LOADED_MACHINE,
            )
            worker.communicate(timeout=30)  # reads (and closes) its output pipe
            worker_code = worker.returncode
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.communicate()
        received = sorted(target.received_ids())
    assert run.code == 0, run.stdout + run.stderr
    assert worker_code == 0
    assert received == [a.id for a in actions]  # each action reached the target once
    assert_causal(actions, run.outcomes())
