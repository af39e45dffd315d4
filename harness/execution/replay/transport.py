"""One simulator request on the wire, with the simulator's error classes.

The request is encoded once as bytes and sent on a plain socket; the answer is read by
geventhttpclient's response parser (C, the one Locust's FastHttpUser reads with). Driven
phase by phase so that every failure is classified the way the simulator's ``requests``
call would report it:

* connect: refused, unreachable, connect timeout -> ``ConnectionError``
  (``requests.ConnectTimeout`` is a ``ConnectionError``);
* waiting for the status line and headers: timeout -> ``ReadTimeout``; reset, close,
  garbage -> ``ConnectionError`` (urllib3 wraps them in ``ProtocolError``);
* reading the body (``requests`` reads it before returning): timeout ->
  ``ConnectionError``, a truncated or broken body -> ``ChunkedEncodingError``.

Like ``requests`` it follows redirects (:mod:`.redirects`) and decodes gzip/deflate bodies
(:mod:`.decoding`); both are looked at only when the status is 3xx or a non-empty body
arrived, so the plain 204 path costs nothing more.

Works in plain threads and under gevent's monkey-patching (inside Locust) alike.
``http.client`` did the same job at several times the CPU per request (its header parser
is the e-mail package's): on a two-core machine the client's CPU is taken from the server
under test (``bench/bench_replay.py``).
"""

from __future__ import annotations

import json
import select
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from harness.execution.replay.decoding import CONTENT_DECODING_ERROR, DecodeError, decode_body
from harness.execution.replay.redirects import (
    MAX_REDIRECTS,
    REDIRECT_STATUSES,
    TOO_MANY_REDIRECTS,
    Hop,
    location_target,
    next_hop,
)
from harness.planning.requests import PlannedRequest
from harness.simulator_headers import simulator_headers
from harness.target import Target

CONNECTION_ERROR = "ConnectionError"
READ_TIMEOUT = "ReadTimeout"
BODY_ERROR = "ChunkedEncodingError"


@dataclass(frozen=True)
class WireReply:
    """What came back: a status and body, or the error class instead."""

    status: int | None
    body: bytes
    error: str | None
    latency_ms: float
    started: float
    finished: float
    redirects: int = 0  # redirects followed before the answer judged


class Endpoint:
    """A target (:class:`harness.target.Target`, parsed once) and what a request on the
    wire to it needs: resolved addresses and the header lines every request carries."""

    def __init__(self, base_url: str) -> None:
        target = Target.parse(base_url)  # ValueError: not an http(s) URL
        self.base_url = target.base_url
        self.https = target.https
        self.host = target.host
        self.port = target.port
        self.prefix = target.prefix
        self.host_header = target.netloc
        self.origin = target.origin
        self._addresses: list[tuple[int, tuple[str, int]]] | None = None
        # The header lines every request to this target carries, joined once.
        self._fixed_headers = {
            keep: "\r\n".join(
                [f"Host: {self.host_header}"]
                + [f"{name}: {value}" for name, value in simulator_headers(keep_alive=keep)]
            )
            for keep in (False, True)
        }

    def addresses(self) -> list[tuple[int, tuple[str, int]]]:
        """(family, address) to connect to, resolved once (a name lookup per request costs)."""
        if self._addresses is None:
            infos = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)
            self._addresses = [(int(fam), (str(addr[0]), int(addr[1]))) for fam, *_, addr in infos]
        return self._addresses

    def body(self, planned: PlannedRequest) -> bytes:
        """The JSON body as the simulator's ``json.dumps`` writes it."""
        return b"" if planned.body is None else json.dumps(planned.body).encode()

    def encode(self, planned: PlannedRequest, *, keep_alive: bool) -> bytes:
        """The whole request as the simulator's ``requests`` call sends it."""
        body = self.body(planned)
        head = (
            f"{planned.method} {self.prefix}{planned.path} HTTP/1.1\r\n"
            f"{self._fixed_headers[keep_alive]}\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return head.encode("latin-1", "replace") + body

    def first_hop(self, planned: PlannedRequest, *, keep_alive: bool) -> Hop:
        """The request of :meth:`encode` as the start of a redirect chain."""
        body = self.body(planned)
        headers = (*simulator_headers(keep_alive=keep_alive), ("Content-Length", str(len(body))))
        return Hop(planned.method, self.origin + self.prefix + planned.path, headers, body)


def encode_hop(hop: Hop) -> tuple[Endpoint, bytes]:
    """The target a redirect hop goes to and the request's bytes."""
    parts = urlsplit(hop.url)
    target = Endpoint(f"{parts.scheme}://{parts.netloc}")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    lines = [f"{hop.method} {path} HTTP/1.1", f"Host: {target.host_header}"]
    lines += [f"{name}: {value}" for name, value in hop.headers]
    head = "\r\n".join(lines) + "\r\n\r\n"
    return target, head.encode("latin-1", "replace") + (hop.body or b"")


def _dropped(sock: socket.socket) -> bool:
    """Whether a kept-alive connection was closed by the peer (readable while idle)."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


class WireClient:
    """Sends planned requests to one target; one instance per concurrent sender."""

    def __init__(
        self,
        target: Endpoint,
        timeout: float,
        *,
        keep_alive: bool = False,
        source_address: str | None = None,
    ) -> None:
        self.target = target
        self.timeout = timeout
        self.keep_alive = keep_alive
        self.source_address = source_address  # bind here first (allowlists: simulate)
        self._sock: socket.socket | None = None
        self._sock_target = target  # where the held connection goes
        # Imported here, not at the top: geventhttpclient imports gevent, which must stay out
        # of the harness process (only the Locust processes send).
        from geventhttpclient.response import HTTPParseError, HTTPSocketResponse

        self._response = HTTPSocketResponse
        self._parse_error = HTTPParseError

    def close(self) -> None:
        """Close the held connection, if any."""
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def send(self, planned: PlannedRequest) -> WireReply:
        """Send one request; never raises for anything the target does."""
        data = self.target.encode(planned, keep_alive=self.keep_alive)
        started = time.time()
        t0 = time.perf_counter()
        redirects = 0
        try:
            status, body, error, response = self._exchange(self.target, planned.method, data)
            # The rare path: only a 3xx or a non-empty body is looked at again.
            if status is not None and (300 <= status < 400 or body):
                hop = self.target.first_hop(planned, keep_alive=self.keep_alive)
                status, body, error, redirects = self.settle(hop, status, body, error, response)
        except Exception as exc:  # the simulator logs any other exception by class name
            status, body, error = None, b"", type(exc).__name__
        latency = (time.perf_counter() - t0) * 1000.0
        if error is not None or not self.keep_alive:
            self.close()
        if error is not None:
            status = None
        return WireReply(status, body, error, latency, started, time.time(), redirects)

    def settle(
        self, hop: Hop, status: int | None, body: bytes, error: str | None, response: Any
    ) -> tuple[int | None, bytes, str | None, int]:
        """The answer to ``hop`` as ``requests`` ends with it: redirects followed, the body
        decoded (status, body, error, redirects followed). Load's users call it too."""
        redirects = 0
        if status is not None and 300 <= status < 400:
            status, body, error, response, redirects = self.follow(
                hop, status, body, error, response
            )
        if error is None and body and response is not None:
            coding = response.get("content-encoding")
            if coding:
                try:
                    body = decode_body(body, coding)
                except DecodeError:
                    return None, b"", CONTENT_DECODING_ERROR, redirects
        return status, body, error, redirects

    def follow(
        self,
        hop: Hop,
        status: int | None,
        body: bytes,
        error: str | None,
        response: Any,
    ) -> tuple[int | None, bytes, str | None, Any, int]:
        """Follow redirects like ``requests`` from ``hop``'s answer (``status``, ``response``):
        the last answer (status, body, error, response) and how many redirects were followed.
        """
        redirects = 0
        # requests reads a redirect's body but ignores a broken one (its status decides).
        while status is not None and status in REDIRECT_STATUSES and error in (None, BODY_ERROR):
            location = response.get("location")
            if location is None:
                break
            if redirects >= MAX_REDIRECTS:
                return None, b"", TOO_MANY_REDIRECTS, None, redirects
            hop = next_hop(hop, status, location_target(location))
            redirects += 1
            if not self.keep_alive:
                self.close()
            target, data = encode_hop(hop)
            status, body, error, response = self._exchange(target, hop.method, data)
        return status, body, error, response, redirects

    def _connect(self, target: Endpoint) -> socket.socket:
        last: OSError = OSError("no address")
        for family, address in target.addresses():
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                sock.settimeout(self.timeout)
                if self.source_address is not None:
                    sock.bind((self.source_address, 0))
                sock.connect(address)
                if target.https:  # verified like requests does, with the system's CAs
                    context = ssl.create_default_context()
                    sock = context.wrap_socket(sock, server_hostname=target.host)
            except OSError as exc:
                sock.close()
                last = exc
                continue
            return sock
        raise last

    def _exchange(
        self, target: Endpoint, method: str, data: bytes
    ) -> tuple[int | None, bytes, str | None, Any]:
        """Status, body, error class and the parsed response (for its headers)."""
        sock = self._sock
        if sock is not None and (
            not self.keep_alive or target is not self._sock_target or _dropped(sock)
        ):
            self.close()
            sock = None
        if sock is None:
            try:
                sock = self._sock = self._connect(target)
            except OSError:  # refused, unreachable, reset, connect timeout
                return None, b"", CONNECTION_ERROR, None
            self._sock_target = target
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may have answered before closing; read it like urllib3 does
        except OSError:
            return None, b"", CONNECTION_ERROR, None
        try:
            response = self._response(sock, method=method, block_size=65536)
        except TimeoutError:
            return None, b"", READ_TIMEOUT, None
        except (OSError, self._parse_error):
            return None, b"", CONNECTION_ERROR, None
        try:
            body = response.read()
        except TimeoutError:
            return None, b"", CONNECTION_ERROR, None
        except (OSError, self._parse_error):
            return response.status_code, b"", BODY_ERROR, response
        if not response.message_complete:  # the peer closed before the announced length
            return response.status_code, b"", BODY_ERROR, response
        if response.should_close():
            self.close()
        return response.status_code, body, None, response
