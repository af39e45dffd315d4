"""A tiny HTTP server answering canned responses per path, for malformed-answer tests."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from harness.scenario.model import Action, Command
from tests.support.servers import in_thread

Canned = tuple[int, str, bytes]  # status, content type, body

JSON = "application/json"
ACTIONS = [
    Action(0, 0, 1, Command.REGISTER, "Ann Lee", email="a@x", pwd="p"),
    Action(1, 0, 1, Command.TWEET, "Ann Lee", content="hello there you"),
]
# What a correct target answers after ACTIONS.
GOOD: dict[str, Canned] = {
    "/latest": (200, JSON, b'{"latest": 1}'),
    "/msgs/Ann%20Lee": (
        200,
        JSON,
        json.dumps([{"content": "hello there you", "pub_date": 5, "user": "Ann Lee"}]).encode(),
    ),
    "/fllws/Ann%20Lee": (200, JSON, b'{"follows": []}'),
    "/msgs": (
        200,
        JSON,
        json.dumps([{"content": "hello there you", "pub_date": 5, "user": "Ann Lee"}]).encode(),
    ),
}


class Gauge:
    """Counts requests in flight and remembers the most at once.

    With ``company`` > 1, requests are held until that many were in flight at once (then
    none is held any more): a concurrent client reaches it however slowly the machine runs
    it, a serial one never does, and the first request gives up after ``wait_s``.
    """

    def __init__(self, company: int = 1, wait_s: float = 5.0) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.peak = 0
        self.company = company
        self.wait_s = wait_s
        self.met = threading.Event()

    def enter(self) -> None:
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
            if self.now >= self.company:
                self.met.set()
        if not self.met.wait(self.wait_s):
            self.met.set()  # a serial client: hold no more requests (peak stays 1)

    def leave(self) -> None:
        with self.lock:
            self.now -= 1


@contextmanager
def canned_server(
    routes: Mapping[str, Canned], *, hold: float = 0.0, gauge: Gauge | None = None
) -> Iterator[str]:
    """Serve ``routes`` (path without query -> response) on loopback; yield the base URL.

    ``hold`` keeps each request in flight that long (a slow target), ``gauge`` counts them.
    """
    counter = gauge or Gauge()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            counter.enter()
            try:
                time.sleep(hold)  # a slow target, not synchronisation
            finally:
                counter.leave()
            status, ctype, body = routes.get(
                urlsplit(self.path).path, (404, "application/json", b'{"status": 404}')
            )
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with in_thread(server) as url:
        yield url
