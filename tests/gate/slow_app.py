"""Test-only: the reference app slowed by a fixed delay per request, served by gunicorn.

``SLOW_APP_DELAY_MS`` sets the delay; it exists only here, never in the product.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from reference_app import create_app
from tests.support.net import free_port
from tests.support.servers import RunningServer, run_server

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
    with run_server(cmd, f"http://127.0.0.1:{port}", log_path, env=env, cwd=ROOT) as server:
        yield server
