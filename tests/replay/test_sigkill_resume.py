"""SIGKILL of the harness mid-run, then ``--resume``: nothing lost, nothing acknowledged resent.

The proof is the target's own record of every request it received. Actions that were in
flight when the harness died have no outcome; ``--resume`` sends them again (as the course
simulator would), so only those may reach the target twice.
"""

from __future__ import annotations

import signal
import subprocess
from collections import Counter
from pathlib import Path

from tests.replay.replay_support import (
    LOADED_MACHINE,
    outcome_ids,
    processes_mentioning,
    replay_command,
    run_replay_cli,
    simple_actions,
    write_scenario,
)
from tests.support.faulty_target import faulty_target
from tests.support.waiting import wait_until


def test_sigkill_then_resume(tmp_path: Path, out_dir: Path) -> None:
    actions = simple_actions(users=10, actions=300, delay_ms=10)
    scenario = write_scenario(tmp_path / "s.tsv", actions)
    results = out_dir / "replay" / "results.jsonl"
    extra = ("--speed", "1", "--concurrency", "4", *LOADED_MACHINE)
    with faulty_target() as target:
        proc = subprocess.Popen(
            replay_command(target.url, scenario, out_dir, *extra),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until(lambda: len(outcome_ids(results)) >= 80, what="80 outcomes")
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        # The Locust process dies with its parent: wait until nothing sends any more.
        job = str(out_dir / "replay" / "job-local.json")
        wait_until(lambda: not processes_mentioning(job), timeout=15, what="engine exit")
        first = set(outcome_ids(results))
        assert 80 <= len(first) < len(actions)

        resumed = run_replay_cli(target.url, scenario, out_dir, *extra, "--resume")
        received = Counter(target.received_ids())

    assert resumed.code == 0, resumed.stdout + resumed.stderr
    assert set(received) == {a.id for a in actions}  # no action lost
    twice = {action_id for action_id, count in received.items() if count > 1}
    assert twice.isdisjoint(first)  # no acknowledged action sent again
    assert max(received.values()) <= 2
    assert len(twice) <= 4  # at most one in flight per sender
    assert sorted(outcome_ids(results)) == [a.id for a in actions]  # one outcome each
