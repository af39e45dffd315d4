"""Free ports (the harness's own ``free_port``) and readiness waits on loopback."""

from __future__ import annotations

import socket
import time

import requests

from harness.local import free_port

__all__ = ["free_port", "wait_http"]


def wait_http(url: str, timeout: float = 30.0) -> None:
    """Wait until ``url`` answers any HTTP status; raise TimeoutError otherwise."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException as exc:
            last = exc
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout}s: {last}")


def wait_listening(host: str, port: int, timeout: float = 30.0) -> None:
    """Wait until something accepts TCP connections on ``host:port``; TimeoutError otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {host}:{port} after {timeout}s")


def wait_accepted(client: socket.socket, timeout: float = 30.0) -> None:
    """Wait until the server side of ``client``'s IPv4 loopback connection was accepted.

    The kernel completes the handshake before the server calls ``accept()``; until then the
    server's end has no file, and ``/proc/net/tcp`` shows inode 0 for it. A nonzero inode
    means a server process holds the connection: an event, not a guess of how long that takes.
    """
    local = client.getsockname()[1]
    server = client.getpeername()[1]
    wanted = (f"{server:04X}", f"{local:04X}")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open("/proc/net/tcp", encoding="ascii") as table:
            for line in table.readlines()[1:]:
                fields = line.split()
                ports = (fields[1].rsplit(":", 1)[1], fields[2].rsplit(":", 1)[1])
                if ports == wanted and fields[9] != "0":
                    return
        time.sleep(0.01)
    raise TimeoutError(f"the server did not accept the connection from port {local}")
