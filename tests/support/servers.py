"""Start the reference app the way users run it: ``minitwit-harness serve`` (gunicorn)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from harness.local import stop_process
from tests.support.net import free_port, wait_http


@dataclass
class RunningServer:
    """A server process on loopback and its base URL."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        """What the server printed so far."""
        return self.log_path.read_text(errors="replace")


@contextmanager
def serve_reference_app(
    database_url: str,
    tmp_path: Path,
    *,
    workers: int = 2,
    host: str = "127.0.0.1",
    env: Mapping[str, str] | None = None,
    extra_args: tuple[str, ...] = (),
) -> Iterator[RunningServer]:
    """Run ``minitwit-harness serve`` on a free port until the block ends."""
    port = free_port(host)
    log_path = tmp_path / f"serve-{port}.log"
    full_env = {**os.environ, **(env or {})}
    cmd = [
        sys.executable,
        "-m",
        "harness",
        "serve",
        "--database-url",
        database_url,
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        *extra_args,
    ]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=full_env)
    url_host = f"[{host}]" if ":" in host else host
    url = f"http://{url_host}:{port}"
    try:
        try:
            wait_http(f"{url}/latest", timeout=30)
        except TimeoutError as exc:
            proc.kill()
            log_text = log_path.read_text(errors="replace")
            raise RuntimeError(f"server did not start:\n{log_text}") from exc
        yield RunningServer(url=url, process=proc, log_path=log_path)
    finally:
        # SIGINT is gunicorn's quick shutdown; SIGTERM waits for workers to finish gracefully.
        stop_process(proc, grace_s=10, interrupt=True)
