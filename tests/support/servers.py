"""Start the reference app the way users run it: ``minitwit-harness serve`` (gunicorn)."""

from __future__ import annotations

import os
import socketserver
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
def in_thread(server: socketserver.TCPServer) -> Iterator[str]:
    """Serve ``server`` (bound to a loopback port) on a daemon thread; yield its base URL;
    shut it down and close it when the block ends."""
    # A short poll interval: shutdown() waits for the serving loop to notice.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def run_server(
    cmd: Sequence[str],
    url: str,
    log_path: Path,
    *,
    ready_path: str = "/latest",
    interrupt: bool = False,
    **popen: Any,
) -> Iterator[RunningServer]:
    """Start ``cmd`` (output to ``log_path``), wait until ``url + ready_path`` answers any
    status, yield it, stop it at the end (SIGINT with ``interrupt``, else SIGTERM)."""
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(list(cmd), stdout=log, stderr=subprocess.STDOUT, **popen)
    try:
        try:
            wait_http(f"{url}{ready_path}", timeout=30)
        except TimeoutError as exc:
            log_text = log_path.read_text(errors="replace")
            raise RuntimeError(f"server did not start:\n{log_text}") from exc
        yield RunningServer(url=url, process=proc, log_path=log_path)
    finally:
        stop_process(proc, grace_s=10, interrupt=interrupt)


def serve_cmd(
    database_url: str, port: int, *, host: str = "127.0.0.1", workers: int = 2
) -> list[str]:
    """The command line of ``minitwit-harness serve`` on ``host:port``."""
    return [
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
    ]


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
    cmd = [*serve_cmd(database_url, port, host=host, workers=workers), *extra_args]
    url_host = f"[{host}]" if ":" in host else host
    # SIGINT is gunicorn's quick shutdown; SIGTERM waits for workers to finish gracefully.
    with run_server(cmd, f"http://{url_host}:{port}", log_path, interrupt=True, env=full_env) as s:
        yield s
