"""Benchmark: parse and generate course-sized scenarios (26 000 actions).

The baseline is the I/O floor measured in the same run: reading the file and splitting it
into lines and fields with no checks at all. The parser must stay well under a second for
the course's 26 000 lines and within a small factor of that floor.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from harness.scenario.generate import generate_actions, write_scenario
from harness.scenario.parse import read_scenario

GOAL_PARSE_S = 1.0


def _best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _floor(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(len(line.split(b"\t")) for line in fh)


def run(quick: bool, out_dir: Path) -> dict[str, Any]:
    """Time generate, write and parse; compare parsing with the I/O floor."""
    actions_n = 5_000 if quick else 26_000
    repeat = 3 if quick else 5
    path = out_dir / "bench-scenario.tsv"
    generate_s = _best(lambda: generate_actions(200, actions_n, 1), 1 if quick else 3)
    actions = generate_actions(200, actions_n, 1)
    write_s = _best(lambda: write_scenario(path, actions), repeat)
    floor_s = _best(lambda: _floor(path), repeat)
    parse_s = _best(lambda: read_scenario(path), repeat)
    per_line_us = parse_s / actions_n * 1e6
    scale = 26_000 / actions_n
    result = {
        "actions": actions_n,
        "file_bytes": path.stat().st_size,
        "generate_s": round(generate_s, 4),
        "write_s": round(write_s, 4),
        "parse_s": round(parse_s, 4),
        "parse_us_per_line": round(per_line_us, 2),
        "floor_split_s": round(floor_s, 4),
        "parse_vs_floor": round(parse_s / floor_s, 2) if floor_s else None,
        "parse_26k_estimate_s": round(parse_s * scale, 4),
        "goal_parse_26k_s": GOAL_PARSE_S,
        "passed": parse_s * scale < GOAL_PARSE_S,
        "median_delay_s": statistics.median(a.delay_ms for a in actions[1:]) / 1000,
    }
    path.unlink()
    return result
