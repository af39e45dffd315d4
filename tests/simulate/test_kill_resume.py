"""``kill -9`` of ``simulate`` mid-run and a restart: each action sent exactly once, the one
in flight at most twice (and said so), on SQLite and on PostgreSQL."""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path

from harness.scenario.generate import generate_actions, write_scenario
from tests.simulate.support import rows, simulate_cmd, start_simulate, write_teams
from tests.support.faulty_target import faulty_target
from tests.support.waiting import wait_until

ACTIONS = generate_actions(6, 40, 5)
HELD = ACTIONS[15].id  # the request in flight when simulate is killed


def test_kill_9_and_restart_sends_each_action_once(tmp_path: Path, database_url: str) -> None:
    scenario = tmp_path / "s.tsv"
    write_scenario(scenario, ACTIONS)
    total_s = sum(a.delay_ms for a in ACTIONS[1:]) / 1000
    speed = f"{4.0 / total_s:.8f}"  # the whole scenario in about 4 s
    console = tmp_path / "console.txt"
    with faulty_target("hang", {HELD}) as held, faulty_target() as steady:
        teams = write_teams(tmp_path / "teams.toml", [("held", held.url), ("steady", steady.url)])
        # A 3 s timeout: the held request stays in flight long enough to kill simulate on it.
        common = ("--timeout", "3", "--latest-interval", "1")
        cmd = simulate_cmd(teams, database_url, tmp_path / "logs", *common)
        first = start_simulate([*cmd, "--scenario", str(scenario), "--speed", speed], console)
        try:
            wait_until(lambda: HELD in held.received_ids(), 30)
        finally:
            first.kill()  # SIGKILL: no clean-up of any kind
            first.wait()
        in_flight = rows(
            database_url,
            "SELECT target, action_id FROM sim_attempts WHERE finished IS NULL ORDER BY target",
        )
        assert ("held", HELD) in in_flight
        held.behaviour.release.set()  # the held request's handler lets go (no answer)
        second = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        received = {"held": Counter(held.received_ids()), "steady": Counter(steady.received_ids())}
    assert "Traceback" not in second.stderr
    # The held action's second attempt ends without an answer: an error, exit 1.
    assert second.returncode == 1, second.stderr
    assert (
        f"held: action {HELD} was in flight when simulate stopped; sent again (attempt 2)"
        in second.stderr
    )
    ids = [a.id for a in ACTIONS]
    for name, target_received in received.items():
        attempts = rows(
            database_url,
            "SELECT action_id, attempt, finished FROM sim_attempts WHERE target = ?",
            (name,),
        )
        finished = Counter(a for a, _, f in attempts if f is not None)
        assert sorted(finished) == ids, name  # every action has an outcome, nothing skipped
        assert set(finished.values()) == {1}, name  # exactly one outcome each
        resent = {a for a, n, _ in attempts if n == 2}
        assert resent == {a for t, a in in_flight if t == name}, name
        assert all(n <= 2 for _, n, _ in attempts)
        assert set(target_received) == set(ids), name  # every action reached the target
        for action_id, count in target_received.items():
            # Acknowledged before the kill: sent once; in flight: at most twice.
            assert count <= (2 if action_id in resent else 1), (name, action_id, count)
    assert received["held"][HELD] == 2
    (summary,) = [line for line in second.stdout.splitlines() if line.startswith("  held:")]
    assert summary.startswith(f"  held: {len(ids)}/{len(ids)} sent, 1 errors, ")
    assert summary.endswith(", 1 sent again after a stop")
