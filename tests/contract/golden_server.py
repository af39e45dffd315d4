"""A tiny server that answers like the course reference, from a hand-written golden file.

Every request goes to the normative reference app (in memory of a temporary SQLite file)
unless it matches an exchange of ``golden/course_reference.json``: then the golden answer is
sent instead, and the request is logged against that exchange. The file's ``about`` says
how request templates match.
"""

from __future__ import annotations

import io
import json
import re
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from reference_app import create_app
from tests.support.servers import in_thread

GOLDEN = Path(__file__).with_name("golden") / "course_reference.json"

#: How long a write waits for the locked database before it fails (spec section 4).
LOCK_WAIT_S = 5.0

_INTEGER = re.compile(r"[+-]?[0-9]+")


def load_golden() -> dict[str, Any]:
    """The golden file as data."""
    data: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class Served:
    """A request answered from the golden file."""

    exchange: str  # the golden exchange's id
    method: str
    path: str  # as sent, percent-encoded, with the query string
    body: str
    status: int | None  # the golden answer's; None: the connection was dropped unanswered


@dataclass
class _State:
    users: set[str] = field(default_factory=set)
    latest_recorded: bool = False
    locked: bool = False  # a golden exchange left the database locked: writes fail
    served: list[Served] = field(default_factory=list)
    writes_after_lock: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _matches(template: Any, value: Any, names: dict[str, Any], state: _State) -> bool:
    if isinstance(template, dict):
        return (
            isinstance(value, dict)
            and template.keys() == value.keys()
            and all(_matches(t, value[k], names, state) for k, t in template.items())
        )
    if isinstance(template, list):
        return (
            isinstance(value, list)
            and len(template) == len(value)
            and all(_matches(t, v, names, state) for t, v in zip(template, value, strict=True))
        )
    if template == "{*}":
        return isinstance(value, str)
    if template == "{int}":
        return isinstance(value, int) and not isinstance(value, bool)
    if template == "{user}":
        return isinstance(value, str) and value in state.users
    if template == "{ghost}":
        return isinstance(value, str) and value not in state.users
    if template == "{same}":
        return bool(value == names.get("path_user"))
    return type(template) is type(value) and bool(template == value)


def _request_matches(request: dict[str, Any], req: Request, body: bytes, state: _State) -> bool:
    if req.method != request["method"]:
        return False
    head, _, user = request["path"][1:].partition("/")
    got_head, _, got_user = req.path[1:].partition("/")
    if head != got_head or bool(user) != bool(got_user):
        return False
    names: dict[str, Any] = {"path_user": got_user}
    if user and not _matches(user, got_user, names, state):
        return False
    for name, wanted in request.get("headers", {}).items():
        if req.headers.get(name) != wanted:
            return False
    if "raw" in request:
        return bool(body.decode("utf-8", "replace") == request["raw"])
    if "json" in request:
        try:
            parsed = json.loads(body)
        except ValueError:
            return False
        return _matches(request["json"], parsed, names, state)
    return True


def _in_force(exchange: dict[str, Any], state: _State) -> bool:
    when = exchange.get("when")
    if when is None:
        return True
    if when == "no latest recorded":
        return not state.latest_recorded
    raise ValueError(f"golden exchange {exchange['id']}: unknown condition {when!r}")


class GoldenApp:
    """WSGI: the golden answer for a matching request, the reference app's for the rest."""

    def __init__(self, golden: dict[str, Any], database: Path) -> None:
        self.golden = golden
        self.state = _State()
        self.base = create_app(
            {"DATABASE_URL": f"sqlite:///{database}", "PASSWORD_COST": (1, 8, 1)}
        )

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        """Answer one request."""
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        req = Request(environ)
        state = self.state
        if state.locked and req.method == "POST":
            time.sleep(LOCK_WAIT_S)  # SQLite's busy wait, then the failure
            with state.lock:
                state.writes_after_lock.append(req.path)
            return self._golden({"status": 500, "page": "500"})(environ, start_response)
        with state.lock:
            for exchange in self.golden["exchanges"]:
                if _in_force(exchange, state) and _request_matches(
                    exchange["request"], req, body, state
                ):
                    raw_path = environ.get("RAW_URI") or environ.get("REQUEST_URI") or req.path
                    text = body.decode("utf-8", "replace")
                    response = exchange["response"]
                    status = response.get("status")
                    state.served.append(Served(exchange["id"], req.method, raw_path, text, status))
                    if exchange.get("afterwards") == "database locked":
                        state.locked = True
                    if "dropped" in response:
                        return _drop_connection(environ, start_response)
                    self._observe(req, body, status)
                    return self._golden(response)(environ, start_response)
        captured: dict[str, int] = {}

        def start(status: str, headers: Any, exc_info: Any = None) -> Any:
            captured["status"] = int(status.split()[0])
            return start_response(status, headers, exc_info)

        result = list(self.base(environ, start))
        with state.lock:
            self._observe(req, body, captured["status"])
        return result

    def _golden(self, response: dict[str, Any]) -> Response:
        page = self.golden["pages"].get(response.get("page", ""), {})
        return Response(
            page.get("body", ""), response["status"], content_type=page.get("content_type")
        )

    def _observe(self, req: Request, body: bytes, status: int) -> None:
        """Track what templates need: registered users and whether latest was recorded."""
        latest = parse_qs(req.query_string.decode("latin-1")).get("latest", [""])[0]
        if _INTEGER.fullmatch(latest) and int(latest) != -1:
            self.state.latest_recorded = True
        if req.method == "POST" and req.path == "/register" and status == 204:
            with suppress(ValueError, KeyError, TypeError):
                self.state.users.add(str(json.loads(body)["username"]))


def _drop_connection(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
    """Close the connection without sending a byte, as gunicorn does when a view raises
    before the response started (the development server would answer its 500 page)."""
    environ["werkzeug.socket"].shutdown(socket.SHUT_RDWR)
    # Never sent: writing the status line meets the closed socket, which the server takes
    # for a client that went away (no log line, no traceback).
    start_response("500 INTERNAL SERVER ERROR", [])
    return []


@contextmanager
def golden_server(tmp_path: Path) -> Iterator[tuple[str, GoldenApp]]:
    """The golden app on a free loopback port (threaded), until the block ends."""
    app = GoldenApp(load_golden(), tmp_path / "golden.db")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    with in_thread(server) as url:
        yield url, app
