"""A MiniTwit API with switchable deviations, served as a real process for contract tests.

With no deviation it implements the normative API (spec section 3) in memory. Each name in
``DEVIATIONS`` switches on one behaviour that real implementations ship with: the quirks of
the course reference (spec section 4), behaving on the wire as the reference does (HTML 500
pages, a dropped connection, a database that stays locked), and common mistakes. Use
:func:`serve_deviant_app` (a context manager yielding a ``RunningServer``) or run it directly:
``python -m tests.support.deviant_app --port 5099 --deviations null-empty-list,html-escape``
(or ``DEVIATIONS=null-empty-list,html-escape`` in the environment).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, Response, jsonify, request

from harness.local import stop_process
from reference_app.params import storable
from tests.support.deviant_store import Store
from tests.support.deviant_wire import (
    INT32,
    LOCK_WAIT_S,
    SLOW_REGISTER_S,
    coerce,
    html_page_text,
    serve_one_at_a_time,
)
from tests.support.deviations import DEVIATIONS as DEVIATIONS
from tests.support.net import free_port, wait_listening
from tests.support.servers import RunningServer

AUTH = "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh"
AUTH_MSG = "You are not authorized to use this resource!"
#: The reference app's refusal of a text its databases cannot store byte for byte.
UNSTORABLE = "must not contain NUL characters or lone surrogates"


def create_app(deviations: Iterable[str] = (), journal: Path | None = None) -> Flask:
    """The API with the given deviations switched on (unknown names raise ValueError)."""
    on = set(deviations)
    unknown = on - DEVIATIONS.keys()
    if unknown:
        raise ValueError(f"unknown deviations: {sorted(unknown)}")
    app = Flask(__name__)
    store = Store(journal)
    out = coerce if "numeric-coercion" in on else (lambda v: v)
    if "slow-register" in on:
        serve_one_at_a_time(app)

    def html_page(status: int) -> Response:
        return Response(html_page_text(status), status, mimetype="text/html")

    def error(status: int, msg: str, *, framework: bool = False) -> Response:
        if "html-errors" in on and (status in (404, 405, 415, 500) or framework):
            return html_page(status)
        detail: Any = [msg] if "error-msg-list" in on and request.path == "/register" else msg
        resp = jsonify({"status": status, "error_msg": detail})
        resp.status_code = status
        if "error-text-plain" in on:
            resp.mimetype = "text/plain"
        elif "error-json-as-html" in on:
            resp.mimetype = "text/html"
        return resp

    def quirk_500() -> Response:
        """The course reference's uncaught exception: Flask's HTML page."""
        return html_page(500)

    def empty() -> Response:
        return Response(status=204)

    def listing(items: list[Any]) -> Any:
        return None if (not items and "null-empty-list" in on) else items

    def record_latest() -> Response | None:
        raw = request.args.get("latest")
        if raw is None:
            if "exit-without-latest" in on:
                os._exit(3)
            return None
        try:
            value = int(raw)
        except ValueError:
            return None
        if "latest-32-bit" in on and value not in INT32:
            return error(500, "integer out of range")
        if value != -1:
            store.apply("latest", value)
        return None

    def authorized() -> bool:
        return request.headers.get("Authorization") == AUTH

    def deny() -> Response:
        if "auth-200-text" in on:
            return Response(AUTH_MSG, 200, mimetype="text/plain")
        return error(403, AUTH_MSG)

    def body() -> tuple[Any, Response | None]:
        """The JSON body, or the error response a broken body gets."""
        if not request.content_type and "missing-content-type-415" in on:
            return None, error(415, "Unsupported Media Type", framework=True)
        raw = request.get_data(as_text=True)
        try:
            return json.loads(raw), None
        except ValueError:
            return None, error(400, "malformed JSON body", framework=True)

    def unknown_user() -> Response:
        return error(400 if "unknown-user-400" in on else 404, "unknown user")

    def bad_request(msg: str, *, shape: bool = False) -> Response:
        """A 400, or the reference's 500 for missing keys / null / array bodies."""
        if shape and "bad-body-500" in on:
            return quirk_500()
        return error(400, msg)

    def writing(view: Callable[..., Response]) -> Callable[..., Response]:
        """A write: after the reference's lock it waits for the database and fails."""

        def wrapper(*args: Any, **kwargs: Any) -> Response:
            if request.method == "POST" and store.locked:
                time.sleep(LOCK_WAIT_S)  # sqlite3's busy timeout, then "database is locked"
                return quirk_500()
            return view(*args, **kwargs)

        wrapper.__name__ = view.__name__
        return wrapper

    def protected(view: Callable[..., Response]) -> Callable[..., Response]:
        def wrapper(*args: Any, **kwargs: Any) -> Response:
            if "latest-before-auth" in on and (failed := record_latest()) is not None:
                return failed
            if not authorized():
                return deny()
            if "latest-before-auth" not in on and (failed := record_latest()) is not None:
                return failed
            if request.method == "HEAD" and "head-500" in on:
                return quirk_500()
            return view(*args, **kwargs)

        wrapper.__name__ = view.__name__
        return wrapper

    def limit() -> tuple[int | None, Response | None]:
        raw = request.args.get("no")
        if raw is None:
            if "missing-no-400" in on:
                return None, error(400, "missing no")
            return (20 if "no-default-20" in on else 100), None
        try:
            value = int(raw)
        except ValueError:
            return 100, None
        return (None if value < 0 else value), None

    def render(msgs: list[tuple[Any, Any, int]], no: int | None) -> Response:
        order = sorted(
            enumerate(msgs),
            key=lambda im: (-im[1][2], im[0] if "ties-oldest-first" in on else -im[0]),
        )
        chosen = [m for _, m in order][: no if no is not None else None]
        rows = []
        for author, content, pub in chosen:
            date: Any = pub
            if "pub-date-iso" in on:
                date = datetime.fromtimestamp(pub, UTC).isoformat()
            rows.append({"content": out(content), "pub_date": date, "user": out(author)})
        return jsonify(listing(rows))

    def drop_connection() -> Response:
        """Close the connection without an answer (gunicorn 27 on the reference's crash)."""
        sock = request.environ["werkzeug.socket"]
        sock.shutdown(socket.SHUT_RDWR)
        return Response(status=500)  # never reaches the client

    @app.get("/latest")
    def get_latest() -> Response:
        if store.latest is None:
            if "latest-500-before-first" in on:
                return quirk_500()
            if "latest-dropped-before-first" in on:
                return drop_connection()
            return jsonify({"latest": -1})
        return jsonify({"latest": store.latest})

    @app.post("/register")
    @writing
    def register() -> Response:
        if "register-needs-auth" in on and not authorized():
            record_latest()
            return deny()
        if (failed := record_latest()) is not None:
            return failed
        data, failed = body()
        if failed is not None:
            return failed
        if not isinstance(data, dict):
            return bad_request("body must be a JSON object", shape=True)
        if any(k not in data for k in ("username", "email", "pwd")):
            return bad_request("username, email and pwd are required", shape=True)
        name, email, pwd = data["username"], data["email"], data["pwd"]
        if isinstance(name, int) and not isinstance(name, bool) and "integer-values" in on:
            pass
        elif not all(isinstance(v, str) and v for v in (name, email, pwd)):
            return bad_request("username, email and pwd must be non-empty strings")
        if not all(storable(v) for v in (name, email, pwd) if isinstance(v, str)):
            return bad_request(UNSTORABLE)
        if isinstance(email, str) and "@" not in email:
            return bad_request("email needs an @")
        if isinstance(name, str) and len(name) > 50 and "username-max-50" in on:
            return error(500, "value too long for type character varying(50)")
        if "slow-register" in on:
            time.sleep(SLOW_REGISTER_S)  # hashing the password, while nothing else is served
        with store.lock:
            if name in store.users and "duplicate-register" not in on:
                return error(400, "The username is already taken")
            if email in store.emails and "unique-emails" in on:
                return error(400, "The email is already registered")
        store.apply("user", name, email)
        return empty()

    @app.route("/msgs", methods=["GET"])
    @protected
    def msgs() -> Response:
        no, failed = limit()
        if failed is not None:
            return failed
        return render(store.messages, no)

    @app.route("/msgs/<path:user>", methods=["GET", "POST"])
    @writing
    @protected
    def msgs_user(user: str) -> Response:
        if request.method in ("GET", "HEAD"):
            if user not in store.users:
                return unknown_user()
            no, failed = limit()
            if failed is not None:
                return failed
            return render([m for m in store.messages if m[0] == user], no)
        if user not in store.users:
            if "tweet-unknown-user-500" in on:
                store.locked = True  # the reference's SQLite stays locked until a restart
                return quirk_500()
            return unknown_user()
        data, failed = body()
        if failed is not None:
            return failed
        if isinstance(data, dict) and "content" not in data and "missing-content-empty" in on:
            data = {"content": ""}
        if not isinstance(data, dict) or "content" not in data:
            return bad_request("content is required", shape=True)
        content = data["content"]
        if isinstance(content, int) and not isinstance(content, bool) and "integer-values" in on:
            pass
        elif not isinstance(content, str):
            return bad_request("content must be a string")
        elif not storable(content):
            return bad_request(UNSTORABLE)
        if isinstance(content, str) and len(content) > 280 and "content-max-280" in on:
            return error(500, "value too long for type character varying(280)")
        if content == "" and "empty-content-dropped" in on:
            return empty()
        if isinstance(content, str) and "html-escape" in on:
            content = html.escape(content)
        store.apply("msg", user, content, int(time.time()))
        return empty()

    @app.route("/fllws/<path:user>", methods=["GET", "POST"])
    @writing
    @protected
    def fllws(user: str) -> Response:
        if user not in store.users:
            return unknown_user()
        if request.method in ("GET", "HEAD"):
            no, failed = limit()
            if failed is not None:
                return failed
            names = [t for s, t in store.follows if s == user][: no if no is not None else None]
            return jsonify({"follows": listing([out(n) for n in names])})
        data, failed = body()
        if failed is not None:
            return failed
        if not isinstance(data, dict):
            return bad_request("body must be a JSON object", shape=True)
        keys = [k for k in ("follow", "unfollow") if k in data]
        if not keys:
            if "follow-neither-500" in on:
                return quirk_500()
            return bad_request("follow or unfollow is required")
        if len(keys) == 2 and "follow-both-follow-wins" in on:
            keys = ["follow"]
        if len(keys) == 2:
            return bad_request("give follow or unfollow, not both")
        target = data[keys[0]]
        if not isinstance(target, str):
            return bad_request("the user to (un)follow must be a string")
        if not storable(target):
            return bad_request(UNSTORABLE)
        if target not in store.users:
            return unknown_user()
        if target == user and "self-follow" not in on:
            return bad_request("a user cannot follow itself")
        edge = (user, target)
        if keys[0] == "unfollow":
            store.apply("unfollow", *edge)
        elif edge not in store.follows or "follow-duplicate" in on:
            store.apply("follow", *edge)
        elif "follow-twice-400" in on:
            return error(400, "already following")
        return empty()

    @app.errorhandler(404)
    def not_found(exc: Exception) -> Response:
        return error(404, "not found")

    @app.errorhandler(405)
    def not_allowed(exc: Exception) -> Response:
        if request.method == "PUT" and "put-404" in on:
            return error(404, "not found")
        return error(405, "method not allowed")

    return app


@contextmanager
def serve_deviant_app(deviations: Iterable[str], tmp_path: Path) -> Iterator[RunningServer]:
    """Run the deviant app as its own process on a free loopback port until the block ends."""
    names = ",".join(deviations)
    port = free_port()
    log_path = tmp_path / f"deviant-{port}.log"
    journal = Path(tempfile.gettempdir()) / f"deviant-journal-{os.getpid()}-{port}.jsonl"
    journal.unlink(missing_ok=True)  # a file of an earlier app on this port is not ours
    cmd = [sys.executable, "-m", "tests.support.deviant_app", "--port", str(port)]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([*cmd, "--deviations", names], stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        # Listening is enough: GET /latest itself may fail on purpose (dropped, 500).
        wait_listening("127.0.0.1", port, timeout=20)
        yield RunningServer(url=url, process=proc, log_path=log_path)
    finally:
        stop_process(proc, grace_s=10)
        journal.unlink(missing_ok=True)


def journal_path(port: int) -> Path:
    """Where a process that may crash keeps its state: one file per parent and port.

    A supervisor (the parent) restarts the app on the same port: the new process finds the
    journal of the one that crashed and comes back with its data, like an app with a database.
    """
    return Path(tempfile.gettempdir()) / f"deviant-journal-{os.getppid()}-{port}.jsonl"


def main(argv: list[str] | None = None) -> None:
    """Serve the app with a threaded WSGI server until killed."""
    from werkzeug.serving import make_server

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--deviations", default=os.environ.get("DEVIATIONS", ""))
    args = parser.parse_args(argv)
    names = [d.strip() for d in args.deviations.split(",") if d.strip()]
    journal = journal_path(args.port) if "exit-without-latest" in names else None
    make_server("127.0.0.1", args.port, create_app(names, journal), threaded=True).serve_forever()


if __name__ == "__main__":
    main()
