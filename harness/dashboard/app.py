"""The status page of ``simulate``: a Flask app over the simulation store.

Pages: ``/`` (one row per target) and ``/targets/<name>``; each refreshes its live part every
:data:`POLL_MS` by fetching ``?part=live`` (the same template, so the page and its updates
never disagree). ``GET /api/status`` and ``GET /api/targets/<name>`` give the same numbers as
JSON, ``GET /metrics`` in Prometheus' format. ``POST /api/targets/<name>/pause|resume`` and
``POST /api/targets`` (add) need ``Authorization: Bearer <token>``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import jinja2
from flask import Flask, Response, abort, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from harness import __version__
from harness.dashboard import charts
from harness.dashboard.controls import ControlError, add_target, authorise, set_paused
from harness.dashboard.metrics import CONTENT_TYPE, metrics_text
from harness.simulation.status import StatusReader, TargetStatus

#: How often a page fetches its live part.
POLL_MS = 2000
#: The target page's per-hour table shows this many of the latest hours.
TABLE_HOURS = 48
READER = "simulation_status"
T = TypeVar("T")


def _when(epoch: float | None) -> str:
    if epoch is None:
        return "–"
    return dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _ago(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds / 3600:.1f} h"


def _num(value: float | None, digits: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _reader() -> StatusReader:
    from flask import current_app

    reader: StatusReader = current_app.extensions[READER]
    return reader


def _target_or_404(name: str) -> tuple[TargetStatus, float]:
    found = _reader().detail(name)
    if found is None:
        abort(404)
    return found


def _error(status: int, message: str) -> Response:
    response = jsonify({"error": message})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="minitwit-harness simulate"'
    return response


class _PerSnapshot:
    """What a snapshot renders to, made once per snapshot however many viewers poll it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._at: float | None = None
        self._values: dict[str, Any] = {}

    def get(self, at: float, key: str, make: Callable[[], T]) -> T:
        """The value of ``key`` for the snapshot taken at ``at`` (made now if new)."""
        with self._lock:
            if self._at != at:
                self._at, self._values = at, {}
            if key in self._values:
                cached: T = self._values[key]
                return cached
        value = make()
        with self._lock:
            if self._at == at:
                self._values[key] = value
        return value


def create_dashboard(store_url: str, token: str | None = None) -> Flask:
    """The dashboard over the store at ``store_url``; controls need ``token`` (None: off).

    The store is opened here, so a bad URL or an unreachable database is a ``HarnessError``
    before anything is served.
    """
    app = Flask(__name__)
    app.extensions[READER] = StatusReader(store_url)
    app.jinja_env.undefined = jinja2.StrictUndefined
    app.jinja_env.filters.update(when=_when, ago=_ago, num=_num, percent=_percent)
    app.jinja_env.globals.update(
        rate_bars=charts.rate_bars,
        hourly=charts.hourly,
        POLL_MS=POLL_MS,
        TABLE_HOURS=TABLE_HOURS,
        version=__version__,
        controls=bool(token),
    )

    rendered = _PerSnapshot()

    @app.teardown_request
    def _close(_: BaseException | None) -> None:
        # Each request runs on a thread of its own: its connection ends with it.
        _reader().close()

    @app.get("/")
    def overview() -> str:
        snapshot = _reader().snapshot()
        template = "_overview_live.html" if request.args.get("part") == "live" else "overview.html"
        return rendered.get(
            snapshot.at,
            template,
            lambda: render_template(template, snapshot=snapshot, now=snapshot.at),
        )

    @app.get("/targets/<name>")
    def target_page(name: str) -> str:
        target, now = _target_or_404(name)
        template = "_target_live.html" if request.args.get("part") == "live" else "target.html"

        def render() -> str:
            failed = _reader().failed_requests(name)
            return render_template(template, t=target, now=now, failed=failed)

        return rendered.get(now, f"{template}:{name}", render)

    @app.get("/favicon.ico")
    def favicon() -> Response:  # no icon: an answer all the same, not a 404 per page load
        return Response(status=204)

    @app.get("/api/status")
    def api_status() -> Response:
        snapshot = _reader().snapshot()
        body = rendered.get(snapshot.at, "status", lambda: json.dumps(snapshot.to_json()))
        return Response(body, content_type="application/json")

    @app.get("/api/targets/<name>")
    def api_target(name: str) -> Response:
        target, now = _target_or_404(name)
        body = target.to_json(now)
        body["failed_requests"] = [vars(f) for f in _reader().failed_requests(name)]
        return jsonify(body)

    @app.get("/metrics")
    def metrics() -> Response:
        snapshot = _reader().snapshot()
        text = rendered.get(snapshot.at, "metrics", lambda: metrics_text(snapshot))
        return Response(text, content_type=CONTENT_TYPE)

    @app.post("/api/targets/<name>/<action>")
    def control(name: str, action: str) -> Response:
        if action not in ("pause", "resume"):
            abort(404)
        try:
            authorise(token, request.headers.get("Authorization"))
            set_paused(_reader().store(), name, action == "pause")
        except ControlError as exc:
            return _error(exc.status, str(exc))
        return jsonify({"name": name, "paused": action == "pause"})

    @app.post("/api/targets")
    def add() -> Response:
        try:
            authorise(token, request.headers.get("Authorization"))
            body: Any = request.get_json(silent=True)
            added = add_target(_reader().store(), body)
        except ControlError as exc:
            return _error(exc.status, str(exc))
        response = jsonify(added)
        response.status_code = 201
        return response

    @app.errorhandler(Exception)
    def database_trouble(exc: Exception) -> Response:
        # Anything else here is the store failing (server gone, file removed): one line,
        # 503, and a new connection on the next request.
        if isinstance(exc, HTTPException):
            return exc  # type: ignore[return-value]
        _reader().close()
        line = (str(exc).splitlines() or [type(exc).__name__])[0]
        return _error(503, f"simulation database: {line}")

    @app.errorhandler(404)
    def not_found(_: Exception) -> Response:
        return _error(404, f"not found: {request.path}")

    return app
