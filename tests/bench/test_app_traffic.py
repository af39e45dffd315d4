"""The benchmark's traffic is causally valid, in the course mix, and replayed over real HTTP."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bench.app_servers import baseline
from bench.app_traffic import (
    _local_actions,
    build_traffic,
    percentile,
    replay,
    scenario_actions,
)
from harness.local import free_port
from harness.scenario.model import Command


def test_local_generator_follows_the_course_mix() -> None:
    actions = _local_actions(users=200, actions=20_000, seed=1)
    shares = {c: n / len(actions) for c, n in Counter(a.command for a in actions).items()}
    assert 0.004 < shares[Command.REGISTER] < 0.012
    assert abs(shares[Command.TWEET] - 0.44) < 0.02
    assert abs(shares[Command.FOLLOW] - 0.38) < 0.02
    assert abs(shares[Command.UNFOLLOW] - 0.18) < 0.02


def test_every_request_names_only_users_registered_before_it() -> None:
    steps = build_traffic(scenario_actions(users=50, actions=3000, seed=3), seed=3)
    registered: set[str] = set()
    for step in steps:
        assert set(step.needs) <= registered, step
        if step.registers is not None:
            registered.add(step.registers)
    assert registered


def test_about_one_read_per_nine_writes() -> None:
    steps = build_traffic(scenario_actions(users=50, actions=1800, seed=4), seed=4)
    reads = [s for s in steps if s.command == "read"]
    assert len(reads) == 1800 // 9
    assert {s.request.name for s in reads} == {"GET /msgs", "GET /msgs/<user>", "GET /fllws/<user>"}


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile([7.0], 99) == 7.0
    assert percentile([], 50) == 0.0


def test_replay_against_the_baseline_over_real_http(tmp_path: Path) -> None:
    steps = build_traffic(scenario_actions(users=10, actions=200, seed=5), seed=5)
    with baseline(tmp_path) as target:
        cpu_before = target.cpu_seconds()
        result = replay(target.url, steps, concurrency=8, max_seconds=60)
        assert target.cpu_seconds() > cpu_before  # the server's own CPU time is measurable
    assert result["errors"] == 0
    assert result["not_sent"] == 0
    assert result["requests"] == len(steps)
    endpoints = result["endpoints"]
    assert isinstance(endpoints, dict)
    assert sum(e["requests"] for e in endpoints.values()) == len(steps)
    assert "POST /msgs/<user>" in endpoints


def test_refused_connections_are_counted_as_errors_not_raised() -> None:
    steps = build_traffic(scenario_actions(users=5, actions=20, seed=6), seed=6)
    result = replay(f"http://127.0.0.1:{free_port()}", steps, concurrency=4, max_seconds=20)
    assert result["errors"] == result["requests"] == len(steps)
