"""Benchmark: ``replay --speed max`` against a client built like the course simulator.

Same run, same target: the reference app under ``minitwit-harness serve`` (gunicorn,
SQLite), each client on its own fresh database, replaying the same generated scenario.

* harness: ``minitwit-harness replay --speed max`` (Locust, causal concurrency);
* simulator-style: :mod:`bench.simulator_client` (sequential, new connection per
  request, 0.3 s timeout, ``sleep(delay_ms / 1e8)`` after each action);
* transport only (a diagnostic, not a competitor): :mod:`bench.transport_only`, the
  harness's transport from as many greenlets as the harness has senders, the users
  registered first, no causal order, Locust or results file: what the harness's own
  machinery costs above its transport;
* minimal client (a diagnostic, the ceiling): :mod:`bench.minimal_client`, the leanest
  client Python allows (plain threads and sockets, requests encoded before its clock
  starts, no Locust, verdicts, results file or causal order but "registers first"): the
  ratio no client that must do what the harness does can beat on this machine;
* harness alone (a diagnostic): the same ``replay`` against a real nginx that answers 204
  to everything, a server that costs next to nothing: the harness's own speed on this
  machine, without the reference app's share of the cores.

Reports wall time of both and their ratio (goal >= 10x, aim 20x), the client CPU time per
request of both (user + system time of the client processes, from ``getrusage``), errors
of both, and whether ``verify`` (run afterwards, not timed) finds the replayed state exact.
The harness's CPU includes its fixed start-up (two Python processes, importing Locust).

It also reports the server's CPU time during each run (the server process and its
workers, from ``/proc``). Client and server share the cores, so the harness's run cannot end
before the server has spent the CPU time it spent in that run, spread over every core
(``server_floor_s``); ``ratio_at_server_floor`` is the ratio a harness that cost nothing
would have reached with the server spending that much. It is not an exact bound for every
client: the server spends a little less per request when its workers never wait for the
next one (a leaner client keeps them busier), and more when they go idle between requests.
The minimal client's ratio (``ratio_of_minimal_client``) is the measured ceiling.
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

from bench.app_servers import NGINX, AppServer, nginx_204, reference
from harness.checks.verdicts import simulator_accepted
from harness.config import ReplayConfig
from harness.results import read_records
from harness.scenario.generate import generate_actions, write_scenario
from harness.scenario.model import Action
from harness.verify import run_verify

GOAL = 10.0
#: The harness's default ``--concurrency``: the transport-only side uses as many senders.
SENDERS = ReplayConfig().concurrency
#: Share of register actions in the course's recording (about 200 users in 26 000 actions).
REGISTER_SHARE = 0.008


def at_server_floor(
    server_cpu_s: float, cores: int, simulator_wall_s: float
) -> tuple[float, float | None]:
    """The server's CPU time spread over the cores, and the simulator-style wall time over it.

    The first is the shortest wall time the harness's run could have had with the server
    spending what it spent (client and server share the cores); the second is the ratio a
    harness that cost nothing would have reached then (None without any server CPU time).
    """
    floor = server_cpu_s / max(cores, 1)
    return floor, (simulator_wall_s / floor if floor > 0 else None)


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
        if r["error"] is None and r["status"] in (simulator_accepted(r["command"]) or ())
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


def _diagnostic(module: str, target: AppServer, scenario: Path) -> dict[str, Any]:
    """A diagnostic client (``bench.<module>``) against ``target``, server CPU of its timed part.

    The client prints ``ready`` once its requests are planned, just before its clock
    starts, and one JSON line at the end; both time the whole scenario, registers included.
    """
    cmd = [sys.executable, "-m", f"bench.{module}", target.url, str(scenario), str(SENDERS)]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    before = None
    result: dict[str, Any] = {}
    for line in proc.stdout:
        if line.strip() == "ready":
            before = target.cpu_seconds()
        elif line.startswith("{"):
            result = json.loads(line)
    proc.wait()
    whole = time.perf_counter() - started
    if before is None or not result:
        raise RuntimeError(f"bench.{module} failed (exit {proc.returncode})")
    server = target.cpu_seconds() - before
    requests = max(int(result["requests"]), 1)
    return {
        "requests": requests,
        "wall_s": round(result["wall_s"], 2),
        # from the command to its exit, like the harness's wall time (start-up included)
        "wall_with_start_s": round(whole, 2),
        "requests_per_s": round(requests / max(result["wall_s"], 1e-9), 1),
        "errors": result["errors"],
        "cpu_ms_per_request": round(1000 * result["cpu_s"] / requests, 3),
        "server_cpu_s": round(server, 2),
        "server_cpu_ms_per_request": round(1000 * server / requests, 3),
    }


def _harness_alone(scenario: Path, work: Path) -> dict[str, Any]:
    """``replay --speed max`` against nginx answering 204 (every verdict is "ok")."""
    nginx_dir = work / "nginx"
    nginx_dir.mkdir()
    out = work / "alone-out"
    with nginx_204(nginx_dir) as url:
        cmd = [sys.executable, "-m", "harness", "replay", "--target", url]
        cmd += ["--scenario", str(scenario), "--speed", "max", "--output-dir", str(out)]
        wall, cpu, code = _timed(cmd, work / "alone.txt")
    records = read_records(out / "replay" / "results.jsonl")
    outcomes = [r for r in records if r["type"] == "outcome"]
    requests = max(len(outcomes), 1)
    return {
        "wall_s": round(wall, 2),
        "requests": len(outcomes),
        "requests_per_s": round(len(outcomes) / max(wall, 1e-9), 1),
        "errors": sum(1 for r in outcomes if r["verdict"] != "ok"),
        "exit_code": code,
        "cpu_ms_per_request": round(1000 * cpu / requests, 3),
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
        with reference("transport-only", f"sqlite:///{work / 'transport.db'}", work) as target:
            transport = _diagnostic("transport_only", target, scenario)
        with reference("minimal-client", f"sqlite:///{work / 'minimal.db'}", work) as target:
            minimal = _diagnostic("minimal_client", target, scenario)
        alone = _harness_alone(scenario, work) if Path(NGINX).exists() else {"skipped": "no nginx"}
    sleep_s = sum(a.delay_ms for a in actions) / 100_000_000
    ratio = simulator["wall_s"] / harness["wall_s"] if harness["wall_s"] else 0.0
    for side in (harness, simulator):
        side["cpu_ms_per_request"] = round(1000 * side["cpu_s"] / max(side["requests"], 1), 3)
        side["server_cpu_ms_per_request"] = round(
            1000 * side["server_cpu_s"] / max(side["requests"], 1), 3
        )
        side["requests_per_s"] = round(side["requests"] / max(side["wall_s"], 1e-9), 1)
    cores = os.cpu_count() or 1
    floor, at_floor = at_server_floor(harness["server_cpu_s"], cores, simulator["wall_s"])
    for side in (transport, minimal):
        side["ratio"] = round(simulator["wall_s"] / max(side["wall_with_start_s"], 1e-9), 2)
    return {
        "actions": len(actions),
        "cores": cores,
        "simulator_sleep_s": round(sleep_s, 2),
        "harness": harness,
        "simulator_style": simulator,
        "transport_only": transport,
        "minimal_client": minimal,
        "harness_alone": alone,
        "wall_ratio": round(ratio, 2),
        "cpu_per_request_ratio": round(
            simulator["cpu_ms_per_request"] / max(harness["cpu_ms_per_request"], 1e-9), 2
        ),
        "goal_ratio": GOAL,
        "server_floor_s": round(floor, 2),
        "ratio_at_server_floor": None if at_floor is None else round(at_floor, 2),
        # The ceiling of every client here: the leanest one, timed like the harness.
        "ratio_of_minimal_client": minimal["ratio"],
        # exit 0 = no error outcome
        "passed": ratio >= GOAL and harness["exit_code"] == 0 and not harness["verify_differences"],
    }
