"""A MiniTwit API that stores its data in SQLite but keeps ``latest`` in memory.

The mistake of teams whose ``latest`` lives in a global variable: every write survives a
restart, ``GET /latest`` answers -1 until the next request carries a value. Standard
library only: ``python -m tests.drill.memory_latest_app --port P --db FILE``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sqlite3
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

AUTH = "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh"
SCHEMA = """
CREATE TABLE IF NOT EXISTS user (id INTEGER PRIMARY KEY, name TEXT UNIQUE, email TEXT, pwd TEXT);
CREATE TABLE IF NOT EXISTS message (id INTEGER PRIMARY KEY, author INTEGER, text TEXT, pub INTEGER);
CREATE TABLE IF NOT EXISTS follower (who INTEGER, whom INTEGER, UNIQUE (who, whom));
"""


class App:
    """The state: SQLite for data, a plain attribute for ``latest`` (the deviation)."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.executescript(SCHEMA)
        self.lock = threading.Lock()
        self.latest = -1

    def user_id(self, name: str) -> int | None:
        row = self.db.execute("SELECT id FROM user WHERE name = ?", (name,)).fetchone()
        return None if row is None else int(row[0])


class Handler(BaseHTTPRequestHandler):
    """One request; every answer is JSON or 204."""

    app: App
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, body: Any = None) -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True

    def _route(self) -> tuple[list[str], dict[str, list[str]]]:
        parts = urlsplit(self.path)
        return [unquote(p) for p in parts.path.strip("/").split("/")], parse_qs(parts.query)

    def _latest(self, query: dict[str, list[str]]) -> None:
        with contextlib.suppress(KeyError, ValueError):
            self.app.latest = int(query["latest"][0])

    def do_GET(self) -> None:
        """Reads."""
        path, query = self._route()
        app = self.app
        with app.lock:
            if path == ["latest"]:
                return self._send(200, {"latest": app.latest})
            if self.headers.get("Authorization") != AUTH:
                return self._send(403, {"status": 403, "error_msg": "unauthorized"})
            self._latest(query)
            no = int(query.get("no", ["100"])[0])
            if len(path) == 2 and path[0] in ("msgs", "fllws"):
                uid = app.user_id(path[1])
                if uid is None:
                    return self._send(404, {"status": 404, "error_msg": "no such user"})
                if path[0] == "fllws":
                    rows = app.db.execute(
                        "SELECT u.name FROM follower f JOIN user u ON u.id = f.whom "
                        "WHERE f.who = ? LIMIT ?",
                        (uid, no),
                    ).fetchall()
                    return self._send(200, {"follows": [r[0] for r in rows]})
                rows = app.db.execute(
                    "SELECT text, pub FROM message WHERE author = ? ORDER BY id DESC LIMIT ?",
                    (uid, no),
                ).fetchall()
                return self._send(
                    200, [{"content": r[0], "pub_date": r[1], "user": path[1]} for r in rows]
                )
            return self._send(404, {"status": 404, "error_msg": "not found"})

    def do_POST(self) -> None:
        """Writes."""
        path, query = self._route()
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        app = self.app
        with app.lock:
            self._latest(query)
            if path == ["register"]:
                if app.user_id(body["username"]) is not None:
                    return self._send(400, {"status": 400, "error_msg": "taken"})
                app.db.execute(
                    "INSERT INTO user (name, email, pwd) VALUES (?, ?, ?)",
                    (body["username"], body["email"], body["pwd"]),
                )
                return self._send(204)
            if self.headers.get("Authorization") != AUTH:
                return self._send(403, {"status": 403, "error_msg": "unauthorized"})
            uid = app.user_id(path[1]) if len(path) == 2 else None
            if uid is None:
                return self._send(404, {"status": 404, "error_msg": "no such user"})
            if path[0] == "msgs":
                app.db.execute(
                    "INSERT INTO message (author, text, pub) VALUES (?, ?, ?)",
                    (uid, body["content"], int(time.time())),
                )
                return self._send(204)
            other = app.user_id(body.get("follow") or body.get("unfollow") or "")
            if other is None:
                return self._send(404, {"status": 404, "error_msg": "no such user"})
            if "follow" in body:
                app.db.execute("INSERT OR IGNORE INTO follower VALUES (?, ?)", (uid, other))
            else:
                app.db.execute("DELETE FROM follower WHERE who = ? AND whom = ?", (uid, other))
            return self._send(204)


def main(argv: list[str]) -> int:
    """Serve until killed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", required=True)
    args = parser.parse_args(argv)
    Handler.app = App(args.db)
    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
