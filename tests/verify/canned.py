"""A tiny HTTP server answering canned responses per path, for malformed-answer tests."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from harness.scenario.model import Action, Command

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


@contextmanager
def canned_server(routes: Mapping[str, Canned]) -> Iterator[str]:
    """Serve ``routes`` (path without query -> response) on loopback; yield the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
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
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
