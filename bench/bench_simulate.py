"""Benchmark: ``simulate`` driving 200 targets at one action per target per second.

200 cheap local targets (``bench/sim_stub.py``: one asyncio process listening on 200
loopback ports, answering like a healthy API) get a scenario of one action per second for
60 s each (``--quick``: 50 targets for 15 s), all from one ``minitwit-harness simulate``
process on a fresh SQLite store (and on PostgreSQL when 127.0.0.1:5432 answers). Every
target starts at the same instant, so each second 200 actions fall due together: the worst
case for the lanes and the writer. Reported per store, from the store itself: the share of
actions whose request left within 1 s of its schedule (``started - scheduled``; acceptance:
100%), the lateness p50/p99/max, errors (must be 0), and the simulator's own CPU
(user + system of the process and its threads, from ``wait4``) per action and per request
(actions plus ``/latest`` polls). See bench/README.md.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import psycopg

from bench.app_servers import PG_ADMIN_URL, fresh_pg_database
from harness.local import stop_process
from harness.scenario.generate import generate_actions, write_scenario
from harness.simulation.store import open_store

FULL = {"targets": 200, "seconds": 60}
QUICK = {"targets": 50, "seconds": 15}
ON_TIME_S = 1.0


def _log(message: str) -> None:
    print(f"[bench simulate] {message}", file=sys.stderr, flush=True)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def _postgres_reachable() -> bool:
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:
        return False


def _one_run(store_url: str, ports: list[int], seconds: int, tmp: Path) -> dict[str, Any]:
    teams = tmp / "teams.toml"
    teams.write_text(
        "".join(
            f'[[target]]\nname = "t{i:03d}"\nurl = "http://127.0.0.1:{p}"\n\n'
            for i, p in enumerate(ports)
        )
    )
    actions = [dataclasses.replace(a, delay_ms=1000) for a in generate_actions(5, seconds, 0)]
    scenario = tmp / "scenario.tsv"
    write_scenario(scenario, actions)
    cmd = [
        sys.executable,
        "-m",
        "harness",
        "simulate",
        *("--targets", str(teams), "--scenario", str(scenario), "--speed", "1"),
        *("--database-url", store_url, "--log-dir", str(tmp / "logs")),
        *("--run-time", str(seconds + 30)),  # a bound: the run ends by itself before
    ]
    started = time.monotonic()
    console = tmp / "console.txt"
    with open(console, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=out)
    _, status, usage = os.wait4(proc.pid, 0)  # the child's own CPU, all its threads
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.monotonic() - started
    stderr = console.read_text(errors="replace")
    cpu_s = usage.ru_utime + usage.ru_stime
    store = open_store(store_url)
    try:
        rows = store.query(
            "SELECT started - scheduled, failed FROM sim_attempts WHERE finished IS NOT NULL"
        )
        (polls,) = store.query("SELECT COUNT(*) FROM sim_latest")[0]
    finally:
        store.close()
    late = [float(r[0]) for r in rows]
    on_time = sum(1 for x in late if x <= ON_TIME_S)
    expected = len(ports) * len(actions)
    return {
        "exit_code": proc.returncode,
        "stderr_tail": stderr.strip().splitlines()[-1:] if proc.returncode not in (0, 1) else [],
        "actions_expected": expected,
        "actions_sent": len(rows),
        "errors": sum(int(r[1]) for r in rows),
        "latest_polls": int(polls),
        "on_time_share": round(on_time / expected, 5) if expected else 0.0,
        "lateness_p50_ms": round(_percentile(late, 0.5) * 1000, 1),
        "lateness_p99_ms": round(_percentile(late, 0.99) * 1000, 1),
        "lateness_max_ms": round(max(late, default=0.0) * 1000, 1),
        "wall_s": round(elapsed, 1),
        "cpu_s": round(cpu_s, 2),
        "cpu_ms_per_action": round(cpu_s / max(len(rows), 1) * 1000, 3),
        "cpu_ms_per_request": round(cpu_s / max(len(rows) + int(polls), 1) * 1000, 3),
        "cpu_share_of_one_core": round(cpu_s / elapsed, 3),
    }


def run(quick: bool, out_dir: Path) -> dict[str, Any]:
    """One simulate run per store against the stub targets; acceptance: all on time, 0 errors."""
    size = QUICK if quick else FULL
    results: dict[str, Any] = {"targets": size["targets"], "seconds": size["seconds"]}
    stores = {"sqlite": True, "postgresql": _postgres_reachable()}
    with ExitStack() as stack:
        stub = subprocess.Popen(
            [sys.executable, "-m", "bench.sim_stub", str(size["targets"])],
            stdout=subprocess.PIPE,
            text=True,
        )
        stack.callback(stop_process, stub)
        assert stub.stdout is not None
        stack.callback(stub.stdout.close)
        ready, *words = stub.stdout.readline().split()
        assert ready == "ready", ready
        ports = [int(w) for w in words]
        for name, reachable in stores.items():
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            if name == "sqlite":
                url = f"sqlite:///{tmp / 'sim.db'}"
            elif not reachable:
                results[name] = "not run: PostgreSQL not reachable at 127.0.0.1:5432"
                continue
            else:
                url = stack.enter_context(fresh_pg_database())
            _log(f"{name}: {size['targets']} targets for {size['seconds']} s")
            results[name] = _one_run(url, ports, size["seconds"], tmp)
            _log(f"{name}: {results[name]}")
    runs = [r for r in (results["sqlite"], results["postgresql"]) if isinstance(r, dict)]
    results["passed"] = all(
        r["on_time_share"] == 1.0
        and r["errors"] == 0
        and r["actions_sent"] == r["actions_expected"]
        for r in runs
    )
    return results
