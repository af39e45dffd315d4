"""A MiniTwit API with switchable deviations, served as a real process for contract tests.

With no deviation it implements the normative API (spec section 3) in memory. Each name in
``DEVIATIONS`` switches on one behaviour that real implementations ship with: the quirks of
the course reference (spec section 4) and common mistakes. Use :func:`serve_deviant_app`
(a context manager yielding a ``RunningServer``) or run it directly:
``python -m tests.support.deviant_app --port 5099 --deviations null-empty-list,html-escape``
(or ``DEVIATIONS=null-empty-list,html-escape`` in the environment).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, Response, jsonify, request

from tests.support.net import free_port, wait_http
from tests.support.servers import RunningServer

AUTH = "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh"
AUTH_MSG = "You are not authorized to use this resource!"

#: Every switchable deviation and what it does.
DEVIATIONS: dict[str, str] = {
    # Quirks of the course reference (spec section 4).
    "latest-500-before-first": "GET /latest answers 500 until a request carried latest",
    "latest-before-auth": "latest is recorded before the auth check",
    "tweet-unknown-user-500": "a tweet by an unknown user answers 500",
    "bad-body-500": "missing JSON keys, a null or an array body answer 500",
    "follow-neither-500": "a follow body with neither key answers 500",
    "follow-both-follow-wins": "a follow body with both keys follows",
    "follow-duplicate": "following twice stores and lists the name twice",
    "self-follow": "a user may follow itself",
    "head-500": "HEAD on /msgs, /msgs/<user>, /fllws/<user> answers 500",
    "html-errors": "404/405/415/500 bodies (and malformed-JSON 400s) are HTML",
    "missing-content-type-415": "a body without Content-Type answers 415",
    "ties-oldest-first": "messages within one second come out oldest first",
    "integer-values": "integer content or username is stored and returned as a number",
    # Common mistakes of real implementations.
    "null-empty-list": "empty lists are answered as null",
    "auth-200-text": "auth failures answer 200 with a text body",
    "register-needs-auth": "/register demands the simulator credentials",
    "missing-no-400": "GET /msgs* without no answers 400",
    "no-default-20": "without no, lists hold 20 items instead of 100",
    "unknown-user-400": "an unknown user answers 400 instead of 404",
    "pub-date-iso": "pub_date is an ISO 8601 string",
    "html-escape": "message content is stored HTML-escaped",
    "duplicate-register": "a taken username is registered again",
    "follow-twice-400": "a second follow of the same user answers 400",
    "error-text-plain": "JSON error bodies are sent as text/plain",
    "exit-without-latest": "the process exits on a request without latest",
    "slow-register": "a register takes 250 ms and the app serves one request at a time",
}

#: How long a register takes under ``slow-register`` (issue 14: under the 0.3 s timeout at
#: the simulator's pacing, past it when requests queue behind it).
SLOW_REGISTER_S = 0.25

_HTML_ERROR = "<!doctype html><title>{0}</title><h1>{0}</h1>"


class _Store:
    """All state, in memory, behind one lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latest: int | None = None
        self.users: list[Any] = []
        self.messages: list[tuple[Any, Any, int]] = []  # (author, content, pub_date)
        self.follows: list[tuple[Any, Any]] = []


def create_app(deviations: Iterable[str] = ()) -> Flask:
    """The API with the given deviations switched on (unknown names raise ValueError)."""
    on = set(deviations)
    unknown = on - DEVIATIONS.keys()
    if unknown:
        raise ValueError(f"unknown deviations: {sorted(unknown)}")
    app = Flask(__name__)
    store = _Store()
    if "slow-register" in on:
        _serve_one_at_a_time(app)

    def error(status: int, msg: str, *, framework: bool = False) -> Response:
        if "html-errors" in on and (status in (404, 405, 415, 500) or framework):
            return Response(_HTML_ERROR.format(status), status, mimetype="text/html")
        resp = jsonify({"status": status, "error_msg": msg})
        resp.status_code = status
        if "error-text-plain" in on:
            resp.mimetype = "text/plain"
        return resp

    def empty() -> Response:
        return Response(status=204)

    def listing(items: list[Any]) -> Any:
        return None if (not items and "null-empty-list" in on) else items

    def record_latest() -> None:
        raw = request.args.get("latest")
        if raw is None:
            if "exit-without-latest" in on:
                os._exit(3)
            return
        try:
            value = int(raw)
        except ValueError:
            return
        if value != -1:
            store.latest = value

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
            return error(500, "Internal Server Error")
        return error(400, msg)

    def protected(view: Callable[..., Response]) -> Callable[..., Response]:
        def wrapper(*args: Any, **kwargs: Any) -> Response:
            if "latest-before-auth" in on:
                record_latest()
            if not authorized():
                return deny()
            if "latest-before-auth" not in on:
                record_latest()
            if request.method == "HEAD" and "head-500" in on:
                return error(500, "Internal Server Error")
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
        out = []
        for author, content, pub in chosen:
            date: Any = pub
            if "pub-date-iso" in on:
                date = datetime.fromtimestamp(pub, UTC).isoformat()
            out.append({"content": content, "pub_date": date, "user": author})
        return jsonify(listing(out))

    @app.get("/latest")
    def get_latest() -> Response:
        if store.latest is None:
            if "latest-500-before-first" in on:
                return error(500, "Internal Server Error")
            return jsonify({"latest": -1})
        return jsonify({"latest": store.latest})

    @app.post("/register")
    def register() -> Response:
        if "register-needs-auth" in on and not authorized():
            record_latest()
            return deny()
        record_latest()
        data, failed = body()
        if failed is not None:
            return failed
        if not isinstance(data, dict):
            return bad_request("body must be a JSON object", shape=True)
        if any(k not in data for k in ("username", "email", "pwd")):
            return bad_request("username, email and pwd are required", shape=True)
        name, email, pwd = data["username"], data["email"], data["pwd"]
        if isinstance(name, int) and "integer-values" in on:
            pass
        elif not all(isinstance(v, str) and v for v in (name, email, pwd)):
            return bad_request("username, email and pwd must be non-empty strings")
        if isinstance(email, str) and "@" not in email:
            return bad_request("email needs an @")
        if "slow-register" in on:
            time.sleep(SLOW_REGISTER_S)  # hashing the password, while nothing else is served
        with store.lock:
            if name in store.users and "duplicate-register" not in on:
                return error(400, "The username is already taken")
            store.users.append(name)
        return empty()

    @app.route("/msgs", methods=["GET"])
    @protected
    def msgs() -> Response:
        no, failed = limit()
        if failed is not None:
            return failed
        return render(store.messages, no)

    @app.route("/msgs/<path:user>", methods=["GET", "POST"])
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
                return error(500, "Internal Server Error")
            return unknown_user()
        data, failed = body()
        if failed is not None:
            return failed
        if not isinstance(data, dict) or "content" not in data:
            return bad_request("content is required", shape=True)
        content = data["content"]
        if isinstance(content, int) and "integer-values" in on:
            pass
        elif not isinstance(content, str):
            return bad_request("content must be a string")
        if isinstance(content, str) and "html-escape" in on:
            content = html.escape(content)
        with store.lock:
            store.messages.append((user, content, int(time.time())))
        return empty()

    @app.route("/fllws/<path:user>", methods=["GET", "POST"])
    @protected
    def fllws(user: str) -> Response:
        if user not in store.users:
            return unknown_user()
        if request.method in ("GET", "HEAD"):
            no, failed = limit()
            if failed is not None:
                return failed
            names = [t for s, t in store.follows if s == user][: no if no is not None else None]
            return jsonify({"follows": listing(names)})
        data, failed = body()
        if failed is not None:
            return failed
        if not isinstance(data, dict):
            return bad_request("body must be a JSON object", shape=True)
        keys = [k for k in ("follow", "unfollow") if k in data]
        if not keys:
            if "follow-neither-500" in on:
                return error(500, "Internal Server Error")
            return bad_request("follow or unfollow is required")
        if len(keys) == 2 and "follow-both-follow-wins" in on:
            keys = ["follow"]
        if len(keys) == 2:
            return bad_request("give follow or unfollow, not both")
        target = data[keys[0]]
        if not isinstance(target, str):
            return bad_request("the user to (un)follow must be a string")
        if target not in store.users:
            return unknown_user()
        if target == user and "self-follow" not in on:
            return bad_request("a user cannot follow itself")
        with store.lock:
            edge = (user, target)
            if keys[0] == "unfollow":
                store.follows = [e for e in store.follows if e != edge]
            elif edge not in store.follows or "follow-duplicate" in on:
                store.follows.append(edge)
            elif "follow-twice-400" in on:
                return error(400, "already following")
        return empty()

    @app.errorhandler(404)
    def not_found(exc: Exception) -> Response:
        return error(404, "not found")

    @app.errorhandler(405)
    def not_allowed(exc: Exception) -> Response:
        return error(405, "method not allowed")

    return app


def _serve_one_at_a_time(app: Flask) -> None:
    """Requests wait for each other, as on a server with one busy worker."""
    busy = threading.Lock()

    @app.before_request
    def wait_turn() -> None:
        busy.acquire()

    @app.teardown_request
    def end_turn(exc: BaseException | None) -> None:
        busy.release()


@contextmanager
def serve_deviant_app(deviations: Iterable[str], tmp_path: Path) -> Iterator[RunningServer]:
    """Run the deviant app as its own process on a free loopback port until the block ends."""
    names = ",".join(deviations)
    port = free_port()
    log_path = tmp_path / f"deviant-{port}.log"
    cmd = [sys.executable, "-m", "tests.support.deviant_app", "--port", str(port)]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([*cmd, "--deviations", names], stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        # Any answer (even a 500 of latest-500-before-first) means it is up.
        wait_http(f"{url}/latest?latest=-1", timeout=20)
        yield RunningServer(url=url, process=proc, log_path=log_path)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main(argv: list[str] | None = None) -> None:
    """Serve the app with a threaded WSGI server until killed."""
    from werkzeug.serving import make_server

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--deviations", default=os.environ.get("DEVIATIONS", ""))
    args = parser.parse_args(argv)
    names = [d.strip() for d in args.deviations.split(",") if d.strip()]
    make_server("127.0.0.1", args.port, create_app(names), threaded=True).serve_forever()


if __name__ == "__main__":
    main()
