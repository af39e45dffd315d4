"""Benchmark: the reference app (SQLite, PostgreSQL) against a naive baseline, same run.

Two parts. (1) Write-heavy traffic — a generated scenario in the course mix (register/tweet/
follow/unfollow ~0.8/44/38/18 %) plus ~10 % reads — replayed by a concurrent client against
each server: requests/s and p50/p99 per endpoint, as ratios to the baseline. (2) Read latency
of ``GET /msgs?no=100`` and ``GET /msgs/<user>?no=100`` as the message table grows (rows bulk
loaded straight into the database). Acceptance (issue 16): the reference app serves >= 10x the
baseline's requests/s on SQLite and >= 5x on PostgreSQL with zero errors, at <= 0.4 ms of
server CPU per request on SQLite, and its ``GET /msgs`` p50 at the largest size is within 2x
of the smallest. See bench/README.md.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from bench.app_servers import (
    AppServer,
    baseline,
    bulk_messages,
    bulk_users,
    fresh_pg_database,
    reference,
)
from bench.app_traffic import (
    build_traffic,
    generator_name,
    percentile,
    replay,
    scenario_actions,
    send,
)
from harness.config import ServeConfig
from harness.planning.requests import PlannedRequest, user_path
from reference_app.server import SERVERS as SERVE_SERVERS

SEED = 2024
CONCURRENCY = 16
# users/actions = 0.8 %: the scenario generator registers every user exactly once.
FULL: dict[str, Any] = {
    "users": 40,
    "actions": 5000,
    "max_seconds": 90.0,
    "rounds": 3,
    "paced_requests": 600,
    "read_samples": 30,
    "sizes": (10_000, 100_000, 1_000_000),
}
QUICK: dict[str, Any] = {
    "users": 8,
    "actions": 800,
    "max_seconds": 12.0,
    "rounds": 1,
    "paced_requests": 100,
    "read_samples": 10,
    "sizes": (1_000, 10_000),
}
READ_SECONDS = 8.0  # per endpoint and size: the slow baseline at 1M gets fewer samples
# Issue 16's acceptance (it was 5x on SQLite and nothing on PostgreSQL before).
MIN_RPS_RATIO = 10.0
MIN_PG_RPS_RATIO = 5.0
MAX_SQLITE_CPU_MS = 0.4
MAX_MSGS_GROWTH = 2.0

Server = Callable[[Path], AbstractContextManager[AppServer]]


def _log(message: str) -> None:
    print(f"[bench app] {message}", file=sys.stderr, flush=True)


@contextmanager
def _reference_sqlite(work: Path) -> Iterator[AppServer]:
    db = f"sqlite:///{work / f'reference-{time.monotonic_ns()}.db'}"
    with reference("reference-sqlite", db, work) as target:
        yield target


@contextmanager
def _reference_postgres(work: Path) -> Iterator[AppServer]:
    with (
        fresh_pg_database() as url,
        reference("reference-postgres", url, work) as target,
    ):
        yield target


def _candidate(server: str) -> Server:
    """The reference app on SQLite under ``serve --server NAME`` (write mix only)."""

    @contextmanager
    def run(work: Path) -> Iterator[AppServer]:
        db = f"sqlite:///{work / f'{server}-{time.monotonic_ns()}.db'}"
        with reference(f"{server}-sqlite", db, work, server=server) as target:
            yield target

    return run


SERVERS: dict[str, Server] = {
    "baseline": baseline,
    "reference-sqlite": _reference_sqlite,
    "reference-postgres": _reference_postgres,
}
#: The other servers ``serve --server`` offers, on SQLite, beside the default in the write
#: mix: the measurement the default was chosen by (bench/README.md).
CANDIDATES: dict[str, Server] = {
    f"{name}-sqlite": _candidate(name) for name in SERVE_SERVERS if name != ServeConfig().server
}


def _with_ratios(results: dict[str, dict[str, Any]]) -> None:
    """Add ``*_vs_baseline`` ratios: rps (higher is better), latencies (lower is better)."""
    base = results["baseline"]
    for res in results.values():
        res["rps_vs_baseline"] = round(res["rps"] / base["rps"], 2) if base["rps"] else None
        cpu, base_cpu = res.get("server_cpu_ms_per_request"), base.get("server_cpu_ms_per_request")
        if cpu and base_cpu:  # load-independent: how much CPU each request costs the server
            res["server_cpu_vs_baseline"] = round(cpu / base_cpu, 3)
        for endpoint, stats in res["endpoints"].items():
            ref = base["endpoints"].get(endpoint)
            for key in ("p50_ms", "p99_ms"):
                ratio = stats[key] / ref[key] if ref and ref[key] else None
                stats[key.replace("_ms", "_vs_baseline")] = (
                    None if ratio is None else round(ratio, 3)
                )


def write_mix(work: Path, params: dict[str, Any]) -> dict[str, Any]:
    """Replay the same traffic against every server; statistics with ratios to the baseline.

    The servers take turns for ``rounds`` rounds, each on a fresh database, and the round
    with the most requests/s counts: on a shared machine the load of others comes and goes,
    and alternating gives every server the same chance of a quiet round.
    """
    actions = scenario_actions(params["users"], params["actions"], SEED)
    steps = build_traffic(actions, SEED)
    servers = {**SERVERS, **CANDIDATES}
    rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in servers}
    for round_no in range(params["rounds"]):
        for name, server in servers.items():
            with server(work) as target:
                _log(f"write mix round {round_no + 1}: {len(steps)} requests against {name}")
                cpu_before = target.cpu_seconds()
                db_cpu_before = target.database_cpu_seconds()
                res = replay(
                    target.url, steps, concurrency=CONCURRENCY, max_seconds=params["max_seconds"]
                )
                cpu = target.cpu_seconds() - cpu_before
                db_cpu = target.database_cpu_seconds() - db_cpu_before
                sent = res["requests"]
                assert isinstance(sent, int)
                res["server_cpu_ms_per_request"] = round(cpu * 1000 / max(1, sent), 3)
                if target.database_url.startswith("postgresql"):
                    res["database_cpu_ms_per_request"] = round(db_cpu * 1000 / max(1, sent), 3)
                _log(f"  {res['rps']} req/s, {res['errors']} errors, {res['not_sent']} not sent")
                rounds[name].append(res)
    results = {name: max(runs, key=lambda r: r["rps"]) for name, runs in rounds.items()}
    for name, runs in rounds.items():
        results[name]["rps_per_round"] = [r["rps"] for r in runs]
        results[name]["errors_per_round"] = [r["errors"] for r in runs]
    _with_ratios(results)
    return {
        "generator": generator_name(),
        "actions": len(actions),
        "requests": len(steps),
        "servers": results,
    }


def simulator_paced(work: Path, params: dict[str, Any]) -> dict[str, Any]:
    """The start of the same traffic one request at a time, as the course simulator sends it.

    Latency rather than throughput: with no concurrency nothing hides per-request costs such
    as a connection set-up or a sync to disk on every write.
    """
    actions = scenario_actions(params["users"], params["actions"], SEED)
    steps = build_traffic(actions, SEED)[: params["paced_requests"]]  # a prefix stays causal
    results: dict[str, dict[str, Any]] = {}
    for name, server in SERVERS.items():
        with server(work) as target:
            _log(f"simulator-paced: {len(steps)} requests one at a time against {name}")
            results[name] = replay(
                target.url, steps, concurrency=1, max_seconds=params["max_seconds"]
            )
    _with_ratios(results)
    return {"requests": len(steps), "servers": results}


def _sample(url: str, request: PlannedRequest, samples: int) -> dict[str, float | int]:
    """Sequential latencies of one read (after one warm-up), bounded in count and time."""
    send(url, request, timeout=60.0)
    latencies: list[float] = []
    deadline = time.monotonic() + READ_SECONDS
    while len(latencies) < samples and (len(latencies) < 3 or time.monotonic() < deadline):
        started = time.perf_counter()
        status = send(url, request, timeout=60.0)
        latencies.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"{request.name} answered {status} at {url}")
    latencies.sort()
    return {
        "samples": len(latencies),
        "p50_ms": round(percentile(latencies, 50), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
    }


def read_latency(work: Path, sizes: tuple[int, ...], samples: int) -> dict[str, dict[str, Any]]:
    """Read latencies per server and message-table size."""
    results: dict[str, dict[str, Any]] = {}
    for name, server in SERVERS.items():
        is_baseline = name == "baseline"
        with server(work) as target:
            authors = bulk_users(target, is_baseline)
            reads = (
                PlannedRequest("GET", "/msgs?no=100", None, "GET /msgs?no=100"),
                PlannedRequest(
                    "GET", f"/msgs/{user_path('bulk user 7')}?no=100", None, "GET /msgs/<user>"
                ),
            )
            loaded = 0
            per_size: dict[str, Any] = {}
            for size in sizes:
                started = time.monotonic()
                bulk_messages(target, is_baseline, loaded, size, authors)
                loaded = size
                took = time.monotonic() - started
                _log(f"read latency: {name} with {size} messages (loaded in {took:.1f} s)")
                per_size[str(size)] = {r.name: _sample(target.url, r, samples) for r in reads}
            results[name] = per_size
    return results


def _acceptance(
    writes: dict[str, Any], reads: dict[str, Any], sizes: tuple[int, ...]
) -> dict[str, Any]:
    sqlite = writes["servers"]["reference-sqlite"]
    postgres = writes["servers"]["reference-postgres"]
    ratio = sqlite["rps_vs_baseline"] or 0.0
    pg_ratio = postgres["rps_vs_baseline"] or 0.0
    small, large = str(sizes[0]), str(sizes[-1])
    msgs = reads["reference-sqlite"]
    growth = msgs[large]["GET /msgs?no=100"]["p50_ms"] / msgs[small]["GET /msgs?no=100"]["p50_ms"]
    return {
        "sqlite_rps_vs_baseline": ratio,
        "sqlite_rps_ok": ratio >= MIN_RPS_RATIO,
        "sqlite_write_errors": sum(sqlite["errors_per_round"]),  # every round counts
        "sqlite_all_sent": sqlite["not_sent"] == 0,
        "sqlite_server_cpu_ms_per_request": sqlite["server_cpu_ms_per_request"],
        "sqlite_server_cpu_ok": sqlite["server_cpu_ms_per_request"] <= MAX_SQLITE_CPU_MS,
        "postgres_rps_vs_baseline": pg_ratio,
        "postgres_rps_ok": pg_ratio >= MIN_PG_RPS_RATIO,
        "postgres_write_errors": sum(postgres["errors_per_round"]),
        "postgres_all_sent": postgres["not_sent"] == 0,
        "sqlite_msgs_p50_growth": round(growth, 2),
        "sqlite_msgs_growth_sizes": [sizes[0], sizes[-1]],
        "sqlite_msgs_growth_ok": growth <= MAX_MSGS_GROWTH,
    }


def run(quick: bool, out_dir: Path) -> dict[str, Any]:
    """Run both parts; the result dict (``passed``: the acceptance; errors only in quick mode)."""
    params = QUICK if quick else FULL
    with tempfile.TemporaryDirectory(prefix="bench-app-") as tmp:
        work = Path(tmp)
        writes = write_mix(work, params)
        paced = simulator_paced(work, params)
        reads = read_latency(work, params["sizes"], params["read_samples"])
    acceptance = _acceptance(writes, reads, params["sizes"])
    correct = all(
        acceptance[key] == 0 for key in ("sqlite_write_errors", "postgres_write_errors")
    ) and all(acceptance[key] for key in ("sqlite_all_sent", "postgres_all_sent"))
    speed_keys = ("sqlite_rps_ok", "postgres_rps_ok", "sqlite_server_cpu_ok")
    fast = all(acceptance[key] for key in (*speed_keys, "sqlite_msgs_growth_ok"))
    # A --quick run is a smoke test: too small and too short to judge speed on a shared box.
    acceptance["judged"] = "errors only (--quick)" if quick else "errors and speed"
    passed = correct and (fast or quick)
    return {
        "benchmark": "app",
        "quick": quick,
        "config": {
            "concurrency": CONCURRENCY,
            "reference": "minitwit-harness serve (default workers and threads)",
            "baseline": "Flask dev server (threaded), SQLite, no indexes, latest in a file",
            **{k: list(v) if isinstance(v, tuple) else v for k, v in params.items()},
        },
        "write_mix": writes,
        "simulator_paced": paced,
        "read_latency_ms": reads,
        "acceptance": acceptance,
        "passed": passed,
    }
