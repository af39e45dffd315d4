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
from urllib.parse import urlsplit

from harness.constants import SIMULATOR_AUTH
from harness.planning.requests import PlannedRequest

CONNECTION_ERROR = "ConnectionError"
READ_TIMEOUT = "ReadTimeout"
BODY_ERROR = "ChunkedEncodingError"

#: The simulator's own headers (``requests`` adds Host, User-Agent, Accept, Content-Length).
SIMULATOR_HEADERS = {
    "Authorization": SIMULATOR_AUTH,
    "Content-Type": "application/json",
    "Accept": "*/*",
    "User-Agent": "minitwit-harness",
}


@dataclass(frozen=True)
class Reply:
    """What came back: a status and body, or the error class instead."""

    status: int | None
    body: bytes
    error: str | None
    latency_ms: float
    started: float
    finished: float


class Target:
    """A base URL split once into what ``http.client`` needs."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        self.base_url = base_url
        self.https = parts.scheme == "https"
        self.host = parts.hostname
        self.port = parts.port or (443 if self.https else 80)
        self.prefix = parts.path.rstrip("/")
        netloc_host = f"[{self.host}]" if ":" in self.host else self.host
        default_port = 443 if self.https else 80
        self.host_header = (
            netloc_host if self.port == default_port else f"{netloc_host}:{self.port}"
        )
        self._addresses: list[tuple[int, tuple[str, int]]] | None = None
        # The header lines every request to this target carries, joined once.
        fixed = [f"Host: {self.host_header}"]
        fixed += [f"{name}: {value}" for name, value in SIMULATOR_HEADERS.items()]
        self._fixed_headers = "\r\n".join(fixed)

    def addresses(self) -> list[tuple[int, tuple[str, int]]]:
        """(family, address) to connect to, resolved once (a name lookup per request costs)."""
        if self._addresses is None:
            infos = socket.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)
            self._addresses = [(int(fam), (str(addr[0]), int(addr[1]))) for fam, *_, addr in infos]
        return self._addresses

    def encode(self, planned: PlannedRequest, *, keep_alive: bool) -> bytes:
        """The whole request as the simulator's ``requests`` call sends it."""
        body = b"" if planned.body is None else json.dumps(planned.body).encode()
        connection = "keep-alive" if keep_alive else "close"
        head = (
            f"{planned.method} {self.prefix}{planned.path} HTTP/1.1\r\n{self._fixed_headers}\r\n"
            f"Connection: {connection}\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        return head.encode("latin-1", "replace") + body


def _dropped(sock: socket.socket) -> bool:
    """Whether a kept-alive connection was closed by the peer (readable while idle)."""
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


class Client:
    """Sends planned requests to one target; one instance per concurrent sender."""

    def __init__(self, target: Target, timeout: float, *, keep_alive: bool = False) -> None:
        self.target = target
        self.timeout = timeout
        self.keep_alive = keep_alive
        self._sock: socket.socket | None = None
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

    def send(self, planned: PlannedRequest) -> Reply:
        """Send one request; never raises for anything the target does."""
        data = self.target.encode(planned, keep_alive=self.keep_alive)
        started = time.time()
        t0 = time.perf_counter()
        try:
            status, body, error = self._exchange(planned.method, data)
        except Exception as exc:  # the simulator logs any other exception by class name
            status, body, error = None, b"", type(exc).__name__
        latency = (time.perf_counter() - t0) * 1000.0
        if error is not None or not self.keep_alive:
            self.close()
        return Reply(status, body, error, latency, started, time.time())

    def _connect(self) -> socket.socket:
        last: OSError = OSError("no address")
        for family, address in self.target.addresses():
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                sock.settimeout(self.timeout)
                sock.connect(address)
                if self.target.https:  # verified like requests does, with the system's CAs
                    context = ssl.create_default_context()
                    sock = context.wrap_socket(sock, server_hostname=self.target.host)
            except OSError as exc:
                sock.close()
                last = exc
                continue
            return sock
        raise last

    def _exchange(self, method: str, data: bytes) -> tuple[int | None, bytes, str | None]:
        sock = self._sock
        if sock is not None and (not self.keep_alive or _dropped(sock)):
            self.close()
            sock = None
        if sock is None:
            try:
                sock = self._sock = self._connect()
            except OSError:  # refused, unreachable, reset, connect timeout
                return None, b"", CONNECTION_ERROR
        try:
            sock.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may have answered before closing; read it like urllib3 does
        except OSError:
            return None, b"", CONNECTION_ERROR
        try:
            response = self._response(sock, method=method, block_size=65536)
        except TimeoutError:
            return None, b"", READ_TIMEOUT
        except (OSError, self._parse_error):
            return None, b"", CONNECTION_ERROR
        try:
            body = response.read()
        except TimeoutError:
            return None, b"", CONNECTION_ERROR
        except (OSError, self._parse_error):
            return None, b"", BODY_ERROR
        if not response.message_complete:  # the peer closed before the announced length
            return None, b"", BODY_ERROR
        if response.should_close():
            self.close()
        return response.status_code, body, None
