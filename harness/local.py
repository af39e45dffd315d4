"""The machine the harness runs on: free loopback ports and stopping child processes.

The one place that picks a port and the one place that stops a process, for the harness,
its tests and its benchmarks alike.
"""

from __future__ import annotations

import signal
import socket
import subprocess
from typing import Any


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free right now on ``host`` (IPv4 or IPv6)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def stop_process(
    proc: subprocess.Popen[Any], *, grace_s: float = 10.0, interrupt: bool = False
) -> int:
    """Stop ``proc`` if it still runs: SIGTERM (SIGINT with ``interrupt``), then SIGKILL
    after ``grace_s``; return its exit code. ``interrupt`` is gunicorn's quick shutdown."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT if interrupt else signal.SIGTERM)
        try:
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
    return proc.wait()
