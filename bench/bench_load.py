"""Load users' client efficiency: requests/s per CPU core next to plain Locust FastHttpUser.

Both run in the same benchmark, one Locust process each, against the same trivial endpoint
(a real nginx ``return 204;``, which is not the bottleneck). Client CPU comes from the
kernel's rusage of the Locust process; the cost per request is the difference between a
long and a short run, which cancels the start-up cost (imports, scenario loading). Then the
sustained rate against the reference app (closed loop) with its raw p99.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.app_servers import nginx_204
from harness.execution.load.plan import locustfile_path
from harness.local import stop_process
from harness.results import read_records
from harness.scenario.generate import generate_actions, write_scenario
from tests.support.net import free_port, wait_http

PLAIN_LOCUSTFILE = """
import random

from locust import FastHttpUser, constant, task

AUTH = {"Authorization": "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh"}


class PlainUser(FastHttpUser):
    # A hand-written simulator locustfile: the same requests, no checks, no records.
    wait_time = constant(0)

    @task
    def step(self):
        if random.random() < 0.5:
            self.client.get("/msgs?no=100", headers=AUTH, name="/msgs")
        else:
            body = {"content": "Something about the weather today, and more"}
            self.client.post("/msgs/Roger%20Histand?latest=7", json=body, headers=AUTH)
"""

PROBE_LOCUSTFILE = """
import json
import time

import gevent
from locust import events


@events.init_command_line_parser.add_listener
def _args(parser):
    parser.add_argument("--probe-out", default="")


_marks = {}


def _mark(environment, name):
    _marks[name] = (time.process_time(), environment.stats.total.num_requests)


@events.init.add_listener
def _clock(**_):
    # Locust arms --run-time before the gevent loop first runs; refresh its cached clock.
    gevent.get_hub().loop.update_now()


@events.test_start.add_listener
def _start(environment, **_):
    gevent.spawn_later(WARMUP_S, _mark, environment, "begin")


@events.test_stopping.add_listener
def _stopping(environment, **_):
    _mark(environment, "end")


@events.quitting.add_listener
def _end(environment, **_):
    (cpu0, n0), (cpu1, n1) = _marks["begin"], _marks["end"]
    out = {"requests": n1 - n0, "cpu_s": cpu1 - cpu0, "total": n1}
    with open(environment.parsed_options.probe_out, "w") as fh:
        json.dump(out, fh)
"""

USERS = 20
WARMUP_S = 1.5
#: The client runs on the last CPU, nginx on CPU 0: they never compete for one core.
CLIENT_CPU = max(os.sched_getaffinity(0))


def _pin(cpu: int) -> None:
    os.sched_setaffinity(0, {cpu})


def _locust(
    locustfile: str, host: str, seconds: int, work: Path, extra: list[str]
) -> dict[str, float]:
    """One headless Locust process; its requests and CPU seconds after the warm-up."""
    probe = work / "probe_locustfile.py"
    probe.write_text(PROBE_LOCUSTFILE.replace("WARMUP_S", str(WARMUP_S)))
    out = work / f"probe-{time.monotonic_ns()}.json"
    cmd = [sys.executable, "-m", "locust", "-f", f"{locustfile},{probe}", "--headless"]
    cmd += ["--only-summary", f"--users={USERS}", "--spawn-rate=1000", f"--run-time={seconds}s"]
    cmd += [f"--host={host}", "--loglevel=WARNING", "--exit-code-on-error=0"]
    cmd += [f"--probe-out={out}", *extra]
    with open(work / "locust.log", "ab") as log:
        subprocess.run(
            cmd,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=seconds + 60,
            preexec_fn=lambda: _pin(CLIENT_CPU),
        )
    data: dict[str, float] = json.loads(out.read_text())
    return data


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def _compare(
    host: str, quick: bool, work: Path, variants: dict[str, tuple[str, list[str]]]
) -> dict[str, Any]:
    """Run the two variants back to back, several rounds, order alternating.

    The machine is shared and noisy: each round's ratio compares two adjacent runs (slow
    drift in the machine's load cancels out) and the result is the median of the rounds.
    """
    rounds, seconds = (3, 4) if quick else (7, 6)
    names = list(variants)
    samples: dict[str, list[float]] = {name: [] for name in names}
    ratios = []
    for i in range(rounds):
        for name in names if i % 2 == 0 else reversed(names):
            locustfile, extra = variants[name]
            m = _locust(locustfile, host, seconds, work, extra)
            samples[name].append(m["requests"] / m["cpu_s"] if m["cpu_s"] > 0 else 0.0)
        ratios.append(samples[names[1]][-1] / samples[names[0]][-1])
    return {
        **{
            name: {"rps_per_core": round(_median(v), 1), "samples": [round(x) for x in v]}
            for name, v in samples.items()
        },
        "ratio": round(_median(ratios), 3),
        "round_ratios": [round(r, 3) for r in ratios],
    }


def _client_efficiency(quick: bool, work: Path) -> dict[str, Any]:
    plain_file = work / "plain_locustfile.py"
    plain_file.write_text(PLAIN_LOCUSTFILE)
    scenario = work / "scenario.tsv"
    write_scenario(scenario, generate_actions(200, 5000, 1))
    harness_args = [
        f"--mt-scenario={scenario}",
        "--mt-timeout=5",
        f"--mt-results-dir={work / 'parts'}",
        "--mt-keep-alive",
    ]
    with nginx_204(work, cpu=0) as host:
        result = _compare(
            host,
            quick,
            work,
            {
                "plain_fasthttpuser": (str(plain_file), []),
                "harness": (locustfile_path(), harness_args),
            },
        )
    return {**result, "users": USERS, "keep_alive": True}


def _reference_app(quick: bool, work: Path) -> dict[str, Any]:
    port = free_port()
    serve = [sys.executable, "-m", "harness", "serve", "--port", str(port), "--workers", "2"]
    serve += ["--database-url", f"sqlite:///{work / 'ref.db'}"]
    with open(work / "serve.log", "wb") as log:
        server = subprocess.Popen(serve, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    seconds = 5 if quick else 15
    try:
        wait_http(f"{url}/latest", timeout=30)
        cmd = [sys.executable, "-m", "harness", "load", "--target", url, "--users", "10"]
        cmd += ["--run-time", str(seconds), "--timeout", "5", "--output-dir", str(work / "out")]
        subprocess.run(cmd, check=True, capture_output=True, timeout=seconds + 90)
    finally:
        stop_process(server, grace_s=10)
    summary = [r for r in read_records(work / "out" / "load" / "results.jsonl")][-1]
    overall = summary["endpoints"][-1]
    return {
        "users": 10,
        "seconds": seconds,
        "requests": overall["requests"],
        "errors": overall["errors"],
        "sustained_rps": round(overall["rps"], 1),
        "p50_ms": round(overall["p50"], 2),
        "p99_ms": round(overall["p99"], 2),
    }


def run(quick: bool, out_dir: Path) -> dict[str, Any]:
    """The benchmark: client efficiency ratio (goal >= 0.8) and the reference app's rate."""
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp:
        work = Path(tmp)
        efficiency = _client_efficiency(quick, work)
        reference = _reference_app(quick, work)
    return {
        "name": "load",
        "goal": "harness load users within 20% of plain FastHttpUser in requests/s per core",
        "client_efficiency": efficiency,
        "reference_app": reference,
        "passed": efficiency["ratio"] >= 0.8,
    }
