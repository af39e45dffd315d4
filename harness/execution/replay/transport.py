"""One simulator request on the wire, with the simulator's error classes.

Built on ``http.client`` (the same parser urllib3, and so ``requests`` and the course
simulator, sit on), driven phase by phase so that every failure is classified the way the
simulator's ``requests`` call would report it:

* connect: refused, unreachable, connect timeout -> ``ConnectionError``
  (``requests.ConnectTimeout`` is a ``ConnectionError``);
* waiting for the status line and headers: timeout -> ``ReadTimeout``; reset, close,
  garbage -> ``ConnectionError`` (urllib3 wraps them in ``ProtocolError``);
* reading the body (``requests`` reads it before returning): timeout ->
  ``ConnectionError``, a truncated or broken body -> ``ChunkedEncodingError``.

Works in plain threads and under gevent's monkey-patching (inside Locust) alike.
"""

from __future__ import annotations

import http.client
import json
import select
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


def _dropped(conn: http.client.HTTPConnection) -> bool:
    """Whether a kept-alive connection was closed by the peer (readable while idle)."""
    sock = conn.sock
    if sock is None:
        return True
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
        self._conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is not None and self.keep_alive and not _dropped(self._conn):
            return self._conn
        self.close()
        cls = http.client.HTTPSConnection if self.target.https else http.client.HTTPConnection
        self._conn = cls(self.target.host, self.target.port, timeout=self.timeout)
        return self._conn

    def close(self) -> None:
        """Close the held connection, if any."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def send(self, planned: PlannedRequest) -> Reply:
        """Send one request; never raises for anything the target does."""
        body = None if planned.body is None else json.dumps(planned.body).encode()
        headers = dict(SIMULATOR_HEADERS)
        headers["Connection"] = "keep-alive" if self.keep_alive else "close"
        started = time.time()
        t0 = time.perf_counter()
        try:
            status, data, error = self._exchange(planned, body, headers)
        except Exception as exc:  # the simulator logs any other exception by class name
            status, data, error = None, b"", type(exc).__name__
        latency = (time.perf_counter() - t0) * 1000.0
        if error is not None or not self.keep_alive:
            self.close()
        return Reply(status, data, error, latency, started, time.time())

    def _exchange(
        self, planned: PlannedRequest, body: bytes | None, headers: dict[str, str]
    ) -> tuple[int | None, bytes, str | None]:
        conn = self._connection()
        if conn.sock is None:
            try:
                conn.connect()
            except OSError:  # refused, unreachable, reset, connect timeout
                return None, b"", CONNECTION_ERROR
        try:
            conn.request(planned.method, self.target.prefix + planned.path, body, headers)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may have answered before closing; read it like urllib3 does
        except (OSError, http.client.HTTPException):
            return None, b"", CONNECTION_ERROR
        try:
            response = conn.getresponse()
        except TimeoutError:
            return None, b"", READ_TIMEOUT
        except (OSError, http.client.HTTPException):
            return None, b"", CONNECTION_ERROR
        try:
            data = response.read()
        except TimeoutError:
            return None, b"", CONNECTION_ERROR
        except (OSError, http.client.HTTPException):
            return None, b"", BODY_ERROR
        return response.status, data, None
