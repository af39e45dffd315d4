"""Benchmark: ``verify`` of a 220-user state, thread pool against one reader.

Same run, same target: the reference app under ``minitwit-harness serve`` (gunicorn,
SQLite) holding a generated scenario; verify reads it back with ``concurrency=1`` (the
baseline) and with the default pool. Both must find 0 differences.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import requests

from harness.config import ServeConfig
from harness.constants import SIMULATOR_AUTH
from harness.gate.embedded import embedded_reference_app
from harness.planning.requests import request_for
from harness.scenario.generate import generate_actions
from harness.scenario.model import Action
from harness.verify import run_verify
from harness.verify.run import DEFAULT_CONCURRENCY


def _write(url: str, actions: list[Action]) -> None:
    with requests.Session() as session:
        session.headers["Authorization"] = SIMULATOR_AUTH
        for action in actions:
            req = request_for(action)
            session.post(url + req.path, json=req.body, timeout=10).raise_for_status()


def _timed(url: str, actions: list[Action], concurrency: int) -> tuple[float, int]:
    t0 = time.perf_counter()
    findings = run_verify(url, actions, concurrency=concurrency)
    return time.perf_counter() - t0, len(findings)


def run(quick: bool, out_dir: Path) -> dict[str, Any]:
    """Write the scenario once, then time verify sequentially and on the pool."""
    users, count = (60, 400) if quick else (220, 1500)
    actions = generate_actions(users, count, seed=5)
    work = out_dir / "bench-verify"
    work.mkdir(parents=True, exist_ok=True)
    with embedded_reference_app(ServeConfig(), work) as url:
        t0 = time.perf_counter()
        _write(url, actions)
        write_s = time.perf_counter() - t0
        serial_s, serial_findings = _timed(url, actions, 1)
        pool_s, pool_findings = _timed(url, actions, DEFAULT_CONCURRENCY)
    return {
        "users": users,
        "actions": count,
        "reads": 2 + 2 * users,
        "write_s": round(write_s, 2),
        "verify_serial_s": round(serial_s, 3),
        "verify_pool_s": round(pool_s, 3),
        "pool_concurrency": DEFAULT_CONCURRENCY,
        "speedup": round(serial_s / pool_s, 2) if pool_s else None,
        "findings_serial": serial_findings,
        "findings_pool": pool_findings,
        "passed": serial_findings == 0 and pool_findings == 0,
    }
