"""Read-only mode: writes answered 503 (with ``Retry-After``) while reads are served.

Frozen when ``READ_ONLY`` is set at start, or while the file named by ``MAINTENANCE_FILE``
exists: ``touch`` it to freeze every worker of every process at once, remove it to thaw,
without a restart. Operators freeze writes for the last catch-up of a database move; the
simulator sees a refused write (a 503 it logs), never a write acknowledged and then lost.
"""

from __future__ import annotations

import os

from flask import Flask, Response, current_app, request

from reference_app.errors import error_response

#: Seconds a client is told to wait before writing again.
RETRY_AFTER_S = 5
MESSAGE = "The service is read-only for maintenance; writes are paused. Retry later."
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _flag(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "off", "")
    return bool(value)


def frozen() -> bool:
    """Whether writes are refused right now (one ``stat`` per write when a file is set)."""
    if _flag(current_app.config.get("READ_ONLY")):
        return True
    path = current_app.config.get("MAINTENANCE_FILE")
    return bool(path) and os.path.exists(str(path))


def _refuse_writes() -> Response | None:
    if request.method not in WRITE_METHODS or not frozen():
        return None
    response = error_response(503, MESSAGE)
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


def init_app(app: Flask) -> None:
    """Refuse writes while frozen (before any view runs, so ``latest`` does not move).

    Neither setting given at start: nothing can freeze the app, so no hook (one request
    hook less on every request).
    """
    if _flag(app.config.get("READ_ONLY")) or app.config.get("MAINTENANCE_FILE"):
        app.before_request(_refuse_writes)
