"""A full ``minitwit-harness contract`` run against the reference app must finish in < 60 s.

Serves the reference app (SQLite, gunicorn) and times the CLI exactly as a user runs it:
once with default settings (deterministic suite + property phase with its default budget),
and once with the deterministic suite alone as the same-run baseline.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from harness.local import free_port, stop_process

LIMIT_S = 60.0


def _timed(*args: str) -> tuple[float, int]:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "harness", "contract", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return time.monotonic() - started, done.returncode


def run(quick: bool, out_dir: Path) -> dict[str, Any]:
    """Time a full and a deterministic-only contract run against a fresh reference app."""
    with tempfile.TemporaryDirectory(prefix="bench-contract-") as tmp:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "harness",
                "serve",
                "--database-url",
                f"sqlite:///{tmp}/minitwit.db",
                "--port",
                str(port),
                "--workers",
                "2",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    requests.get(f"{url}/latest", timeout=1)
                    break
                except requests.RequestException:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
            budget = ["--time-budget", "10"] if quick else []
            full_s, full_rc = _timed("--target", url, *budget)
            suite_s, suite_rc = _timed("--target", url, "--no-property-phase")
        finally:
            stop_process(server, grace_s=10)
    return {
        "full_run_s": round(full_s, 2),
        "deterministic_only_s": round(suite_s, 2),
        "property_phase_share": round((full_s - suite_s) / full_s, 2),
        "limit_s": LIMIT_S,
        "exit_codes": [full_rc, suite_rc],
        "passed": full_s < LIMIT_S and full_rc == 0 and suite_rc == 0,
    }
