"""A real HTTP server on loopback that misbehaves on demand (for replay fault tests).

It implements just enough of the simulator API for a scenario replay (register answers
204 or, for a taken name, 400 with an error body; every other POST 204) and keeps nothing
but the user names and ``latest``: reads answer well-formed empty lists (``[]``,
``{"follows": []}``; 404 for a name never registered). It logs every request it received
(action id from ``latest=``, method, path, headers as sent, body, connection number), so tests can
prove what reached the target. Faults apply to chosen POSTs (by action id) or to every POST:

``refuse`` (handled by :meth:`FaultyTarget.stop`: nothing listens), ``reset`` (RST
without an answer), ``close`` (FIN without an answer), ``hang`` (never answers),
``garbage`` (bytes that are not HTTP),
``status200`` (200 instead of 204), ``invalid_json`` (400 whose body is not JSON),
``truncated`` (Content-Length larger than the body sent).
"""

from __future__ import annotations

import itertools
import json
import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from tests.support.net import free_port


@dataclass
class Received:
    """One request as the target saw it."""

    action_id: int | None
    method: str
    path: str
    body: bytes
    #: Every header line in arrival order, names as spelled on the wire.
    headers: tuple[tuple[str, str], ...] = ()
    #: Serial number of the TCP connection it came on (0, 1, ... as accepted): requests on
    #: one kept-alive connection share it.
    connection: int = 0

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (case-insensitive), None when absent."""
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        return values[0] if values else None


@dataclass
class Behaviour:
    """Which fault to play, for which action ids (None = every request)."""

    fault: str | None = None
    ids: set[int] | None = None
    log: list[Received] = field(default_factory=list)
    users: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    release: threading.Event = field(default_factory=threading.Event)
    connections: Iterator[int] = field(default_factory=itertools.count)

    def fault_for(self, action_id: int | None) -> str | None:
        """The fault to play for this request, if any."""
        if self.fault is None:
            return None
        if self.ids is None or action_id in self.ids:
            return self.fault
        return None

    def latest(self) -> int:
        """The ``latest`` value of the last POST received (like ``GET /latest``)."""
        with self.lock:
            ids = [r.action_id for r in self.log if r.method == "POST" and r.action_id is not None]
        return ids[-1] if ids else -1


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the test reads :attr:`Behaviour.log` instead."""

    def setup(self) -> None:
        """Number the connection (one handler per accepted connection)."""
        super().setup()
        with self.server.behaviour.lock:
            self.connection_number = next(self.server.behaviour.connections)

    def _receive(self) -> Received:
        """Read the body and log the request as it arrived."""
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        raw_latest = query.get("latest", [""])[0]
        action_id = int(raw_latest) if raw_latest.lstrip("-").isdigit() else None
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        headers = tuple((str(k), str(v)) for k, v in self.headers.items())
        received = Received(
            action_id, self.command, unquote(parts.path), body, headers, self.connection_number
        )
        with self.server.behaviour.lock:
            self.server.behaviour.log.append(received)
        return received

    def do_GET(self) -> None:
        path = self._receive().path
        behaviour = self.server.behaviour
        if path == "/latest":
            self._answer(200, json.dumps({"latest": behaviour.latest()}).encode())
            return
        if path == "/msgs":
            self._answer(200, b"[]")
            return
        head, _, user = path[1:].partition("/")
        with behaviour.lock:
            known = user in behaviour.users
        if head in ("msgs", "fllws") and known:
            self._answer(200, b"[]" if head == "msgs" else b'{"follows": []}')
            return
        self._answer(404, json.dumps({"status": 404, "error_msg": "unknown user"}).encode())

    def do_POST(self) -> None:
        received = self._receive()
        behaviour = self.server.behaviour
        action_id, body = received.action_id, received.body
        parts = urlsplit(self.path)
        fault = behaviour.fault_for(action_id)
        if fault == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        if fault == "close":
            self.close_connection = True
            return
        if fault == "hang":
            behaviour.release.wait(10)
            self.close_connection = True
            return
        if fault == "garbage":
            self.wfile.write(b"this is not HTTP at all\r\n\r\n")
            self.close_connection = True
            return
        if fault == "truncated":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort")
            self.close_connection = True
            return
        status, payload = self._normal(parts.path, body)
        if fault == "status200" and status == 204:
            status = 200
        if fault == "invalid_json" and status == 400:
            payload = b"<html>user exists</html>"
        self._answer(status, payload)

    def _normal(self, path: str, body: bytes) -> tuple[int, bytes]:
        if path.endswith("/register"):
            try:
                name = json.loads(body)["username"]
                hash(name)
            except (ValueError, TypeError, KeyError, IndexError):
                return 400, json.dumps({"status": 400, "error_msg": "bad body"}).encode()
            with self.server.behaviour.lock:
                taken = name in self.server.behaviour.users
                self.server.behaviour.users.add(name)
            if taken:
                return 400, json.dumps({"status": 400, "error_msg": "taken"}).encode()
        return 204, b""

    def _answer(self, status: int, payload: bytes) -> None:
        self.send_response(status)
        if payload:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            # As real servers do when the request said Connection: close: without it a
            # pooling client (load's geventhttpclient) may send its next request on the
            # connection this server is closing, and get a ConnectionError.
            self.send_header("Connection", "close")
        self.end_headers()
        if payload:
            self.wfile.write(payload)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # socketserver's default of 5 drops concurrent connects
    behaviour: Behaviour


class FaultyTarget:
    """A misbehaving target on a fixed loopback port that can be stopped and restarted."""

    def __init__(self, behaviour: Behaviour | None = None) -> None:
        self.behaviour = behaviour or Behaviour()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Listen (again) on the same port."""
        server = _Server(("127.0.0.1", self.port), _Handler)
        server.behaviour = self.behaviour
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop listening: connections are refused until :meth:`start`."""
        if self._server is None:
            return
        self.behaviour.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._server = None
        self.behaviour.release.clear()

    def received_ids(self) -> list[int]:
        """Action ids of every POST received, in arrival order."""
        with self.behaviour.lock:
            log = self.behaviour.log
            return [r.action_id for r in log if r.method == "POST" and r.action_id is not None]


@contextmanager
def faulty_target(fault: str | None = None, ids: set[int] | None = None) -> Iterator[FaultyTarget]:
    """A started :class:`FaultyTarget`, stopped at the end of the block."""
    target = FaultyTarget(Behaviour(fault=fault, ids=ids))
    target.start()
    try:
        yield target
    finally:
        target.stop()
