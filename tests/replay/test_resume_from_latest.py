"""``--resume-from-latest`` continues after the target's ``/latest``, like the simulator."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

from bench.simulator_client import simulator_replay
from tests.replay.replay_support import (
    LOADED_MACHINE,
    run_replay_cli,
    simple_actions,
    write_scenario,
)
from tests.support.faulty_target import faulty_target


def test_resume_from_latest_sends_only_what_follows(tmp_path: Path, out_dir: Path) -> None:
    actions = simple_actions(users=4, actions=40)
    scenario = write_scenario(tmp_path / "s.tsv", actions)
    with faulty_target() as target:
        simulator_replay(target.url, actions[:25], io.StringIO(), pace=False)  # then "outage"
        run = run_replay_cli(target.url, scenario, out_dir, "--resume-from-latest", *LOADED_MACHINE)
        received = Counter(target.received_ids())
    assert run.code == 0, run.stdout + run.stderr
    assert sorted(o["action_id"] for o in run.outcomes()) == list(range(25, 40))
    assert received == Counter(range(40))  # every action exactly once overall
