"""Distributed replay: a real Locust master and two worker processes on loopback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.replay.conftest import (
    LOADED_MACHINE,
    assert_causal,
    run_replay_cli,
    simple_actions,
    write_scenario,
)
from tests.support.servers import serve_reference_app


@pytest.mark.slow
def test_master_and_two_workers_replay_causally_without_errors(
    tmp_path: Path, out_dir: Path
) -> None:
    actions = simple_actions(users=12, actions=600)
    scenario = write_scenario(tmp_path / "s.tsv", actions)
    with serve_reference_app(f"sqlite:///{tmp_path / 'm.db'}", tmp_path) as server:
        run = run_replay_cli(server.url, scenario, out_dir, "--workers", "2", *LOADED_MACHINE)
    assert run.code == 0, run.stdout + run.stderr
    outcomes = run.outcomes()
    assert sorted(o["action_id"] for o in outcomes) == [a.id for a in actions]
    assert all(o["verdict"] == "ok" for o in outcomes)
    assert len({o["worker"] for o in outcomes}) == 2  # both workers sent traffic
    assert_causal(actions, outcomes)
