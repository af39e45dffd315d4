"""Benchmark: how fast the reference app answers normally again once an overload stops.

Each server (the default ``serve``, then every other ``serve --server``) runs on a fresh
SQLite file. For ``OVERLOAD_S`` seconds, ``OVERLOAD_CLIENTS`` threads each send
``POST /register`` (argon2: the most expensive request) on a new connection and give up
after the simulator's 0.3 s, close, and send the next: far more than the two cores can
hash, so a queue builds up, of requests whose client is gone. Then one client sends
``GET /latest`` one at a time for ``PROBE_S`` seconds. Reported per server: how long until
the last probe slower than 50 ms (``recovered_after_s``), and the p50/p99 of the probes
started from 2 s on. Acceptance: for the default server, that p99 is under 50 ms.
See bench/README.md.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.app_servers import AppServer, reference
from bench.app_traffic import encode, exchange, percentile
from harness.config import ServeConfig
from harness.planning.requests import PlannedRequest
from reference_app.server import SERVERS as SERVE_SERVERS

OVERLOAD_CLIENTS = 48
GIVE_UP_S = 0.3  # the course simulator's timeout
SLOW_MS = 50.0
RECOVERY_S = 2.0
FULL = {"overload_s": 20.0, "probe_s": 5.0}
QUICK = {"overload_s": 5.0, "probe_s": 4.0}


def _log(message: str) -> None:
    print(f"[bench recovery] {message}", file=sys.stderr, flush=True)


def _register(base_url: str, n: int) -> bytes:
    body = {"username": f"overload {n}", "email": f"o{n}@example.org", "pwd": "pw"}
    return encode(base_url, PlannedRequest("POST", "/register", body, "POST /register"))


def overload(target: AppServer, seconds: float) -> dict[str, int]:
    """``OVERLOAD_CLIENTS`` impatient clients for ``seconds``; how many answered, gave up."""
    parts = urlsplit(target.url)
    address = (parts.hostname or "127.0.0.1", parts.port or 80)
    deadline = time.monotonic() + seconds
    counts = {"answered": 0, "gave_up": 0}
    lock = threading.Lock()

    def client(first: int) -> None:
        n = first
        while time.monotonic() < deadline:
            data = _register(target.url, n)
            n += OVERLOAD_CLIENTS
            try:
                exchange(address, data, timeout=GIVE_UP_S)
                outcome = "answered"
            except (OSError, ValueError):  # timed out (given up), refused, reset
                outcome = "gave_up"
            with lock:
                counts[outcome] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(OVERLOAD_CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counts


def probe(target: AppServer, seconds: float) -> list[tuple[float, float, bool]]:
    """Sequential ``GET /latest`` for ``seconds``: (start offset s, latency ms, answered 200)."""
    parts = urlsplit(target.url)
    address = (parts.hostname or "127.0.0.1", parts.port or 80)
    data = encode(target.url, PlannedRequest("GET", "/latest", None, "GET /latest"))
    started = time.perf_counter()
    samples: list[tuple[float, float, bool]] = []
    while (offset := time.perf_counter() - started) < seconds:
        try:
            ok = exchange(address, data, timeout=30.0) == 200
        except (OSError, ValueError):
            ok = False
        samples.append((offset, (time.perf_counter() - started - offset) * 1000, ok))
    return samples


def _summary(samples: list[tuple[float, float, bool]]) -> dict[str, Any]:
    """A failed probe is never "normal": it counts as slow, with an infinite latency."""
    slow_ends = [start + ms / 1000 for start, ms, ok in samples if ms >= SLOW_MS or not ok]
    settled = sorted(ms if ok else float("inf") for start, ms, ok in samples if start >= RECOVERY_S)
    return {
        "probes": len(samples),
        "failed_probes": sum(not ok for _, _, ok in samples),
        "first_probe_ms": round(samples[0][1], 1) if samples else None,
        "recovered_after_s": round(max(slow_ends, default=0.0), 2),
        "settled_probes": len(settled),
        "settled_p50_ms": round(percentile(settled, 50), 2),
        "settled_p99_ms": round(percentile(settled, 99), 2),
    }


@contextmanager
def _server(work: Path, server: str | None) -> Iterator[AppServer]:
    name = f"recovery-{server or 'default'}"
    db = f"sqlite:///{work / f'{name}-{time.monotonic_ns()}.db'}"
    with reference(name, db, work, server=server) as target:
        yield target


def run(quick: bool, out_dir: Path) -> dict[str, Any]:
    """Overload then probe each server; ``passed``: the default server settled in time."""
    params = QUICK if quick else FULL
    default = ServeConfig().server
    servers = [default, *(s for s in SERVE_SERVERS if s != default)]
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-recovery-") as tmp:
        for server in servers:
            with _server(Path(tmp), None if server == default else server) as target:
                _log(f"{server}: {params['overload_s']} s of overload")
                counts = overload(target, params["overload_s"])
                samples = probe(target, params["probe_s"])
                results[server] = {**counts, **_summary(samples)}
                _log(f"  {results[server]}")
    verdict = results[default]
    return {
        "benchmark": "recovery",
        "quick": quick,
        "config": {
            "overload_clients": OVERLOAD_CLIENTS,
            "give_up_s": GIVE_UP_S,
            "slow_ms": SLOW_MS,
            "recovery_s": RECOVERY_S,
            "default_server": default,
            **params,
        },
        "servers": results,
        "passed": verdict["settled_probes"] > 0 and verdict["settled_p99_ms"] < SLOW_MS,
    }
