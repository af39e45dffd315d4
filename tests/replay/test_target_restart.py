"""A target that dies and comes back mid-run: errors while it is down, the run goes on."""

from __future__ import annotations

import subprocess
from pathlib import Path

from harness.results import read_outcomes
from tests.replay.replay_support import (
    LOADED_MACHINE,
    outcome_ids,
    replay_command,
    simple_actions,
    write_scenario,
)
from tests.support.faulty_target import FaultyTarget
from tests.support.waiting import wait_until


def test_target_killed_and_restarted_mid_run(tmp_path: Path, out_dir: Path) -> None:
    actions = simple_actions(users=10, actions=300, delay_ms=10)
    scenario = write_scenario(tmp_path / "s.tsv", actions)
    results = out_dir / "replay" / "results.jsonl"
    target = FaultyTarget()
    target.start()
    extra = ("--speed", "1", "--concurrency", "4", *LOADED_MACHINE)
    argv = replay_command(target.url, scenario, out_dir, *extra)
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: len(target.received_ids()) >= 60, what="traffic")
        target.stop()
        wait_until(lambda: any(o.error for o in read_outcomes(results)), what="a ConnectionError")
        target.start()
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        target.stop()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 1, stderr
    assert "Traceback" not in stderr
    outcomes = sorted(read_outcomes(results), key=lambda o: o.finished)
    assert sorted(outcome_ids(results)) == [a.id for a in actions]
    errors = [o for o in outcomes if o.verdict == "error"]
    assert errors and {o.error for o in errors} == {"ConnectionError"}
    after = [o for o in outcomes if o.finished > errors[-1].finished]
    assert after and all(o.verdict == "ok" for o in after)
    assert f"error ConnectionError: {len(errors)}" in stdout
