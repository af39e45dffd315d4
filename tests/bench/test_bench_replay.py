"""The replay benchmark's reading of the server's CPU time in the harness's run."""

from __future__ import annotations

from bench.bench_replay import at_server_floor


def test_the_floor_is_the_servers_cpu_spread_over_the_cores() -> None:
    # 30.6 s of server CPU on 2 cores: the harness's run could not end before 15.3 s.
    floor, ratio = at_server_floor(30.6, 2, 125.0)
    assert floor == 15.3
    assert ratio is not None and round(ratio, 2) == 8.17  # 125 s / 15.3 s


def test_more_cores_lower_the_floor() -> None:
    two, _ = at_server_floor(30.0, 2, 100.0)
    four, _ = at_server_floor(30.0, 4, 100.0)
    assert four == two / 2


def test_no_server_cpu_means_no_ratio() -> None:
    floor, ratio = at_server_floor(0.0, 2, 100.0)
    assert floor == 0.0 and ratio is None
