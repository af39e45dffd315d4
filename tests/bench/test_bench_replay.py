"""The replay benchmark's reading of a run: what a machine allows any client to reach."""

from __future__ import annotations

from bench.bench_replay import GOAL, reachable


def test_the_floor_is_the_servers_cpu_spread_over_the_cores() -> None:
    # 30.6 s of server CPU on 2 cores: no client finishes in less than 15.3 s.
    floor, ceiling = reachable(30.6, 2, 125.0)
    assert floor == 15.3
    assert round(ceiling, 2) == 8.17  # 125 s / 15.3 s


def test_a_goal_above_the_ceiling_is_out_of_reach() -> None:
    _, slow_machine = reachable(30.6, 2, 125.0)
    _, fast_machine = reachable(12.0, 2, 95.0)
    assert slow_machine < GOAL <= fast_machine


def test_no_server_cpu_means_no_ceiling() -> None:
    floor, ceiling = reachable(0.0, 2, 100.0)
    assert floor == 0.0 and ceiling == float("inf")
