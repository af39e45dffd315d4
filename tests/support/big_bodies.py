"""A target whose every answer is a 5 MB JSON body: ``python -m tests.support.big_bodies --port P``.

Real apps answer megabytes when a list grows unbounded (no ``no`` limit, a full table). The
body is one message with 5 MB of content, as a list (so reads parse) and sent with status
200 to every request, so every check, write and read holds one in its evidence.
"""

from __future__ import annotations

import argparse
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: 5 MB of message content.
SIZE = 5 * 1024 * 1024
BODY = json.dumps([{"content": "x" * SIZE, "user": "big", "pub_date": 0}]).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(BODY)
        self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _answer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the tests read the harness' output, not ours."""


def main() -> None:
    """Serve until killed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    ThreadingHTTPServer(("127.0.0.1", args.port), _Handler).serve_forever()


if __name__ == "__main__":
    main()
