"""Serving the dashboard in a background thread (``simulate --dashboard``, ``dashboard``)."""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
from dataclasses import dataclass

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from harness.dashboard.app import READER, create_dashboard
from harness.errors import UsageError
from harness.simulation.status import StatusReader


def parse_listen(text: str, where: str = "--listen") -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:PORT`` for IPv6) -> (host, port); a UsageError naming ``where``."""
    host, sep, port_text = text.rpartition(":")
    host = host.removeprefix("[").removesuffix("]") if host.startswith("[") else host
    if not sep or not host or not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise UsageError(f"{where}: expected HOST:PORT (e.g. 127.0.0.1:8080), got {text!r}")
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            raise UsageError(f"{where}: not an IPv6 address: {host!r}") from None
    return host, int(port_text)


class _QuietHandler(WSGIRequestHandler):
    """No access log line per request (the page polls every 2 s); errors are still logged.
    A connection that sends nothing for 30 s is closed (its thread ends)."""

    timeout = 30

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return


def _bind(host: str, port: int, where: str) -> socket.socket:
    """A listening socket; any failure (unknown name, address in use) is one UsageError.

    Bound here, not by werkzeug, whose server prints and exits on a bind error.
    """
    try:
        family, _, _, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(address)
            sock.listen(64)
        except BaseException:
            sock.close()
            raise
    except (OSError, OverflowError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageError(f"{where}: cannot listen on {host}:{port}: {detail}") from None
    return sock


@dataclass
class DashboardHandle:
    """A dashboard being served; :meth:`stop` ends it (and closes its connections)."""

    server: BaseWSGIServer
    thread: threading.Thread
    reader: StatusReader

    @property
    def url(self) -> str:
        """The page's address."""
        host = self.server.host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.server.port}/"

    def stop(self) -> None:
        """Stop serving and wait for the serving thread."""
        self.server.shutdown()
        self.thread.join(timeout=10)
        self.server.server_close()
        self.reader.close()


def start_dashboard(
    store_url: str, host: str, port: int, token: str | None = None, *, where: str = "--listen"
) -> DashboardHandle:
    """Serve the dashboard of ``store_url`` on ``host:port`` (port 0: any free one).

    The store is opened and the socket bound before this returns: an unreachable database is a
    ``HarnessError``, an address that cannot be bound a ``UsageError`` naming ``where``.
    """
    app = create_dashboard(store_url, token)
    reader: StatusReader = app.extensions[READER]
    try:
        sock = _bind(host, port, where)
    except UsageError:
        reader.close()
        raise
    with sock:  # werkzeug serves on its own duplicate of the descriptor
        # A thread per request: an idle connection (a browser's preconnect) holds up no one.
        # Each request's database connection ends with it; the numbers are computed at most
        # once a second and each page rendered once per snapshot, whoever asks.
        server = make_server(
            host, port, app, threaded=True, request_handler=_QuietHandler, fd=sock.fileno()
        )

    def serve() -> None:
        server.serve_forever(poll_interval=0.2)

    def warm_up() -> None:
        # The first snapshot folds the whole history (seconds on millions of outcomes):
        # done now, not when the first visitor asks.
        with contextlib.suppress(Exception):  # the first request reports it, on the page
            reader.snapshot()
        reader.close()  # this thread's own connection

    threading.Thread(target=warm_up, name="dashboard-warm-up", daemon=True).start()
    thread = threading.Thread(target=serve, name="dashboard", daemon=True)
    thread.start()
    return DashboardHandle(server, thread, reader)
