"""A generated scenario against the reference app (gunicorn, SQLite): 0 errors, exact state.

The acceptance size (20 000 actions) runs in ``bench/bench_replay.py``; this test runs
3 000 generated actions so that the suite stays inside its CI budget.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.scenario.generate import generate_actions, write_scenario
from harness.scenario.model import Command
from tests.replay.replay_support import LOADED_MACHINE, assert_causal, run_replay_cli
from tests.support.faulty_target import faulty_target
from tests.support.servers import serve_reference_app


@pytest.mark.slow
def test_generated_scenario_replays_clean_and_verifies_exact(tmp_path: Path, out_dir: Path) -> None:
    actions = generate_actions(users=60, actions=3000, seed=3)
    scenario = tmp_path / "generated.tsv"
    write_scenario(scenario, actions)
    with serve_reference_app(f"sqlite:///{tmp_path / 'm.db'}", tmp_path) as server:
        run = run_replay_cli(
            server.url, scenario, out_dir, "--speed", "max", "--verify", *LOADED_MACHINE
        )
    assert run.code == 0, run.stdout[-3000:] + run.stderr[-2000:]
    outcomes = run.outcomes()
    assert sorted(o["action_id"] for o in outcomes) == [a.id for a in actions]
    assert all(o["verdict"] == "ok" for o in outcomes)
    assert "finding" not in run.stdout
    assert "verify: passed" in run.stdout  # 0 differences
    assert_causal(actions, outcomes)


def test_replay_verify_reports_a_target_that_keeps_nothing(tmp_path: Path, out_dir: Path) -> None:
    """Every write acknowledged, nothing stored: the replay passes, ``--verify`` does not.

    The target answers well-formed empty reads (``[]``, ``{"follows": []}``), so verify
    judges the state itself: every user's tweets are lost writes, its follows lost follows.
    """
    actions = generate_actions(users=5, actions=40, seed=1)
    scenario = tmp_path / "generated.tsv"
    write_scenario(scenario, actions)
    tweeters = {a.user for a in actions if a.command is Command.TWEET}
    followers = {a.user for a in actions if a.command is Command.FOLLOW}
    assert tweeters and followers  # the scenario gives verify something to lose
    with faulty_target() as target:
        run = run_replay_cli(target.url, scenario, out_dir, "--verify", *LOADED_MACHINE)
    assert run.code == 1, run.stdout[-3000:] + run.stderr[-2000:]
    assert all(o["verdict"] == "ok" for o in run.outcomes())
    findings = [line for line in run.stdout.splitlines() if line.startswith("finding [")]
    # "finding [strict] verify.lost-write: 1 acknowledged tweet(s) of 'Ann' missing: ..."
    checks = {line.split("] ", 1)[1].split(":", 1)[0] for line in findings}
    assert "verify.lost-write" in checks and "verify.lost-follow" in checks, findings
    assert not any("simulator." in line or "malformed" in line for line in findings)
    lost_writes = [line for line in findings if "verify.lost-write" in line]
    assert len(lost_writes) == len(tweeters)  # one finding per user, naming the user
    assert all(any(repr(u) in line for line in lost_writes) for u in tweeters)


@pytest.mark.slow
def test_reference_app_passes_the_strict_profile(tmp_path: Path, out_dir: Path) -> None:
    """The reference app is the normative API: statuses and every body pass strict."""
    actions = generate_actions(users=20, actions=300, seed=5)
    scenario = tmp_path / "generated.tsv"
    write_scenario(scenario, actions)
    with serve_reference_app(f"sqlite:///{tmp_path / 'm.db'}", tmp_path) as server:
        run = run_replay_cli(server.url, scenario, out_dir, "--profile", "strict", *LOADED_MACHINE)
    assert run.code == 0, run.stdout[-3000:]
    assert len(run.outcomes()) == len(actions)
