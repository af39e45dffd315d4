"""Test-only: the reference app slowed by a fixed delay per request, served by gunicorn.

``SLOW_APP_DELAY_MS`` sets the delay; it exists only here, never in the product.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness.local import stop_process
from reference_app import create_app
from tests.support.net import free_port, wait_http
from tests.support.servers import RunningServer

ROOT = Path(__file__).resolve().parents[2]


def create() -> Callable[..., Iterable[bytes]]:
    """The WSGI app for gunicorn: the reference app behind a sleep."""
    app = create_app()
    delay = float(os.environ.get("SLOW_APP_DELAY_MS", "0")) / 1000.0
    inner = app.wsgi_app

    def slowed(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        time.sleep(delay)  # the deliberate slowdown under test
        return inner(environ, start_response)

    return slowed


@contextmanager
def serve_slow_app(delay_ms: float, tmp_path: Path) -> Iterator[RunningServer]:
    """Run the slowed reference app on a fresh SQLite file and a free loopback port."""
    port = free_port()
    log_path = tmp_path / f"slow-{port}.log"
    env = {
        **os.environ,
        "SLOW_APP_DELAY_MS": str(delay_ms),
        "DATABASE_URL": f"sqlite:///{tmp_path / f'slow-{port}.db'}",
        "PYTHONPATH": str(ROOT),
    }
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--threads",
        "4",
        "tests.gate.slow_app:create()",
    ]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/latest", timeout=30)
        yield RunningServer(url=url, process=proc, log_path=log_path)
    finally:
        stop_process(proc, grace_s=10)
