"""How the deviant app looks on the wire: HTML error pages, loose JSON, one busy worker."""

from __future__ import annotations

import re
import threading
from typing import Any

from flask import Flask

#: Werkzeug's own pages, as Flask answers uncaught errors (the course reference's bodies).
_HTML_ERROR = (
    "<!doctype html>\n<html lang=en>\n<title>{0} {1}</title>\n<h1>{1}</h1>\n"
    "<p>The server encountered an error.</p>\n"
)
_REASONS = {400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}
_REASONS |= {415: "Unsupported Media Type", 500: "Internal Server Error"}
#: How long a write waits for the locked SQLite database of the course reference.
LOCK_WAIT_S = 5.0
INT32 = range(-(2**31), 2**31)
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")

#: How long a register takes under ``slow-register`` (issue 14: under the 0.3 s timeout at
#: the simulator's pacing, past it when requests queue behind it).
SLOW_REGISTER_S = 0.25


def coerce(value: Any) -> Any:
    """A string that looks like a number or boolean as that value (a loose JSON layer)."""
    if not isinstance(value, str):
        return value
    if value in ("true", "false"):
        return value == "true"
    if _NUMBER.fullmatch(value):
        number = float(value)
        return int(number) if re.fullmatch(r"-?\d+", value) else number
    return value


def html_page_text(status: int) -> str:
    """The HTML page Flask answers an uncaught error with (the course reference's bodies)."""
    return _HTML_ERROR.format(status, _REASONS.get(status, "Error"))


def serve_one_at_a_time(app: Flask) -> None:
    """Requests wait for each other, as on a server with one busy worker."""
    busy = threading.Lock()

    @app.before_request
    def wait_turn() -> None:
        busy.acquire()

    @app.teardown_request
    def end_turn(exc: BaseException | None) -> None:
        busy.release()
