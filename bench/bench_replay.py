"""Benchmark: ``replay --speed max`` against a client built like the course simulator.

Same run, same target: the reference app under ``minitwit-harness serve`` (gunicorn,
SQLite), each client on its own fresh database, replaying the same generated scenario.

* harness: ``minitwit-harness replay --speed max`` (Locust, causal concurrency);
* simulator-style: :mod:`bench.simulator_client` (sequential, new connection per
  request, 0.3 s timeout, ``sleep(delay_ms / 1e8)`` after each action).

Reports wall time of both and their ratio (goal >= 10x, aim 20x), the client CPU time per
request of both (user + system time of the client processes, from ``getrusage``), errors
of both, and whether ``verify`` (run afterwards, not timed) finds the replayed state exact.
The harness's CPU includes its fixed start-up (two Python processes, importing Locust).

It also reports the server's CPU time during each run (the server process and its
workers, from ``/proc``) and what follows from it on this machine, where client and server
share the cores: no client can replay the harness's traffic in less wall time than the
server's CPU time divided by the cores (``server_floor_s``), so the simulator-style wall
time over that floor (``ceiling_ratio``) is the best ratio any client could reach here. When
the ceiling is below the goal, the goal is out of reach on this machine whatever the
harness does (``goal_reachable_here``).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.app_servers import reference
from harness.checks.verdicts import SIMULATOR_ACCEPTED
from harness.scenario.generate import generate_actions, write_scenario
from harness.scenario.model import Action
from harness.verify import run_verify

GOAL = 10.0
#: Share of register actions in the course's recording (about 200 users in 26 000 actions).
REGISTER_SHARE = 0.008


def reachable(server_cpu_s: float, cores: int, simulator_wall_s: float) -> tuple[float, float]:
    """The floor under any client's wall time here, and the best ratio it allows.

    Client and server share the machine's cores, so no client can finish sooner than the
    server's own CPU time spread over every core: ``server_cpu_s / cores``. The
    simulator-style client's wall time over that floor is the highest ratio any client
    could reach on this machine against this server.
    """
    floor = server_cpu_s / max(cores, 1)
    return floor, (simulator_wall_s / floor if floor > 0 else float("inf"))


def _timed(cmd: list[str], stdout: Path) -> tuple[float, float, int]:
    """Wall seconds, client CPU seconds (children user+sys) and exit code of ``cmd``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with open(stdout, "wb") as fh:
        code = subprocess.run(cmd, stdout=fh, stderr=subprocess.STDOUT).returncode
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, code


def _harness(
    url: str, scenario: Path, work: Path, actions: list[Action], keep: Path
) -> dict[str, Any]:
    out = work / "harness-out"
    cmd = [sys.executable, "-m", "harness", "replay", "--target", url, "--scenario", str(scenario)]
    cmd += ["--speed", "max", "--output-dir", str(out)]
    wall, cpu, code = _timed(cmd, work / "harness.txt")
    results = out / "replay" / "results.jsonl"
    records = [json.loads(x) for x in results.read_text().splitlines()]
    outcomes = [r for r in records if r["type"] == "outcome"]
    # verify afterwards, outside the timing: it is not part of what the simulator does
    acknowledged = {
        r["action_id"]
        for r in outcomes
        if r["error"] is None and r["status"] in SIMULATOR_ACCEPTED[r["command"]]
    }
    differences = run_verify(url, actions, acknowledged)
    shutil.copy(results, keep)  # for a look at the errors after the temporary files are gone
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "requests": len(outcomes),
        "errors": sum(1 for r in outcomes if r["verdict"] != "ok"),
        "exit_code": code,
        "verify_differences": len(differences),
        "verify_first": [f"{d.check}: {d.message}"[:200] for d in differences[:3]],
    }


def _simulator(url: str, scenario: Path, work: Path, actions: int) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "bench.simulator_client", url, str(scenario)]
    wall, cpu, code = _timed(cmd, work / "simulator.log")
    lines = (work / "simulator.log").read_text(errors="replace").splitlines()
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "requests": actions,
        "errors": len(lines),
        "exit_code": code,
    }


def run(quick: bool, out_dir: Path) -> dict[str, Any]:
    """Run both clients against fresh reference apps; report times, ratio and CPU/request."""
    count = 2000 if quick else 20000
    # The recording's shape (spec section 5): ~0.8 % of actions register a user.
    users = round(count * REGISTER_SHARE)
    actions = generate_actions(users=users, actions=count, seed=7)
    with tempfile.TemporaryDirectory(prefix="bench-replay-") as tmp:
        work = Path(tmp)
        scenario = work / "scenario.tsv"
        write_scenario(scenario, actions)
        keep = out_dir / "replay-results.jsonl"
        with reference("harness-side", f"sqlite:///{work / 'harness.db'}", work) as target:
            before = target.cpu_seconds()
            harness = _harness(target.url, scenario, work, actions, keep)
            harness["server_cpu_s"] = round(target.cpu_seconds() - before, 2)
        with reference("simulator-side", f"sqlite:///{work / 'simulator.db'}", work) as target:
            before = target.cpu_seconds()
            simulator = _simulator(target.url, scenario, work, len(actions))
            simulator["server_cpu_s"] = round(target.cpu_seconds() - before, 2)
    sleep_s = sum(a.delay_ms for a in actions) / 100_000_000
    ratio = simulator["wall_s"] / harness["wall_s"] if harness["wall_s"] else 0.0
    for side in (harness, simulator):
        side["cpu_ms_per_request"] = round(1000 * side["cpu_s"] / max(side["requests"], 1), 3)
        side["server_cpu_ms_per_request"] = round(
            1000 * side["server_cpu_s"] / max(side["requests"], 1), 3
        )
        side["requests_per_s"] = round(side["requests"] / max(side["wall_s"], 1e-9), 1)
    cores = os.cpu_count() or 1
    floor, ceiling = reachable(harness["server_cpu_s"], cores, simulator["wall_s"])
    return {
        "actions": len(actions),
        "cores": cores,
        "simulator_sleep_s": round(sleep_s, 2),
        "harness": harness,
        "simulator_style": simulator,
        "wall_ratio": round(ratio, 2),
        "cpu_per_request_ratio": round(
            simulator["cpu_ms_per_request"] / max(harness["cpu_ms_per_request"], 1e-9), 2
        ),
        "goal_ratio": GOAL,
        "server_floor_s": round(floor, 2),
        "ceiling_ratio": round(ceiling, 2) if ceiling != float("inf") else None,
        "goal_reachable_here": ceiling >= GOAL,
        # exit 0 = no error outcome
        "passed": ratio >= GOAL and harness["exit_code"] == 0 and not harness["verify_differences"],
    }
