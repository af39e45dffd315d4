"""A loopback HTTP server that redirects and compresses on demand, and records every request.

For the tests that hold the harness's client to the course simulator's ``requests`` client
on the wire: both send the same actions to the same server and must leave the same
requests (method, raw path, header lines in order, body) and log the same lines. The
answer to a POST depends only on its ``latest`` id and path, so the two runs are alike:

* ``Plan(redirect=S, hops=N)``: N redirects with status S, each to ``/hop/<n>/<path>``;
  ``loop``: a 307 to the same URL, forever; ``elsewhere``: the redirect goes to the other
  server given (a port change, so ``requests`` drops the credentials);
* ``Plan(status=S, encoding=E, body=B)``: the final answer (``hop`` answers are
  ``redirect_encoding``/``redirect_body`` when set); a GET (a redirect turned into GET)
  is answered 405. A request without the simulator's credentials gets 403.
"""

from __future__ import annotations

import gzip
import re
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.support.servers import in_thread

SIMULATOR_AUTH = "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh"  # base64 of simulator:super_safe! (spec)


def gzipped(data: bytes) -> bytes:
    """``data`` as one gzip member."""
    return gzip.compress(data)


def raw_deflated(data: bytes) -> bytes:
    """``data`` as raw deflate (no zlib header): urllib3 falls back to it."""
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@dataclass(frozen=True)
class Plan:
    """How the server answers the POSTs of one action id."""

    redirect: int | None = None
    hops: int = 1
    loop: bool = False
    elsewhere: str | None = None  # base URL of the server the (single) redirect goes to
    redirect_location: bool = True  # False: a 3xx without Location
    redirect_encoding: str | None = None
    redirect_body: bytes = b""
    status: int = 204
    encoding: str | None = None
    body: bytes = b""
    delay: float = 0.0  # seconds before the final answer


@dataclass(frozen=True)
class Request:
    """One request as it arrived: method, raw target, header lines in order, body."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @property
    def action_id(self) -> int | None:
        """The ``latest`` query value."""
        values = parse_qs(urlsplit(self.target).query).get("latest")
        return int(values[0]) if values else None


@dataclass
class WireState:
    """The plans and the log, shared by the handler threads."""

    plans: dict[int, Plan] = field(default_factory=dict)
    default: Plan = field(default_factory=Plan)  # for the ids without a plan of their own
    default_prefix: str = "/"  # ... whose path starts with this (others answer plainly)
    log: list[Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def by_action(self) -> dict[int | None, list[Request]]:
        """The log grouped by action id, each group in arrival order."""
        out: dict[int | None, list[Request]] = {}
        with self.lock:
            for request in self.log:
                out.setdefault(request.action_id, []).append(request)
        return out


_HOP = re.compile(r"^/hop/(\d+)(/.*)$")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: tests read the log."""

    def _record(self) -> Request:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = tuple((str(k), str(v)) for k, v in self.headers.items())
        request = Request(self.command, self.path, headers, body)
        with self.server.state.lock:
            self.server.state.log.append(request)
        return request

    def do_GET(self) -> None:
        self._record()
        self._answer(405, b'{"status": 405, "error_msg": "Method Not Allowed"}', None)

    def do_POST(self) -> None:
        request = self._record()
        state = self.server.state
        default = state.default if self.path.startswith(state.default_prefix) else Plan()
        plan = state.plans.get(request.action_id or -1, default)
        if request.action_id is not None and self.headers.get("Authorization") != SIMULATOR_AUTH:
            self._answer(403, b'{"status": 403, "error_msg": "no credentials"}', None)
            return
        parts = urlsplit(self.path)
        match = _HOP.match(parts.path)
        left = int(match.group(1)) if match else plan.hops
        rest = match.group(2) if match else parts.path
        if plan.redirect is not None and (plan.loop or left > 0) and self.server.redirects:
            query = f"?{parts.query}" if parts.query else ""
            if plan.loop:
                location = self.path
            elif plan.elsewhere:
                location = f"{plan.elsewhere}{rest}{query}"
            else:
                location = f"/hop/{left - 1}{rest}{query}"
            extra = {"Location": location} if plan.redirect_location else {}
            self._answer(plan.redirect, plan.redirect_body, plan.redirect_encoding, extra)
            return
        time.sleep(plan.delay)  # a slow answer, so that later ids complete first
        self._answer(plan.status, plan.body, plan.encoding)

    def _answer(
        self,
        status: int,
        body: bytes,
        encoding: str | None,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        if encoding:
            self.send_header("Content-Encoding", encoding)
        if status != 204:
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            # As real servers do: without it urllib3 pools the connection the server is
            # closing and may send the next redirect hop on it (RemoteDisconnected).
            self.send_header("Connection", "close")
        self.end_headers()
        if status != 204 and body:
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    state: WireState
    redirects: bool


@contextmanager
def wire_target(state: WireState, *, redirects: bool = True) -> Iterator[str]:
    """A started server for ``state`` on a free loopback port; yields its base URL.

    ``redirects`` False: the server never redirects (the other end of an ``elsewhere``).
    """
    server = _Server(("127.0.0.1", 0), _Handler)
    server.state = state
    server.redirects = redirects
    with in_thread(server) as url:
        yield url
