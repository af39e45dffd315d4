"""JSON error bodies ``{"status": int, "error_msg": str}`` for every 4xx and 5xx."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error answer of the API: its status and its message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error_response(status: int, message: str) -> Response:
    """The JSON error body with ``status`` as HTTP status."""
    response = jsonify({"status": status, "error_msg": message})
    response.status_code = status
    return response


def _api_error(exc: ApiError) -> Response:
    return error_response(exc.status, exc.message)


def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    response = error_response(status, exc.description or exc.name)
    if status == 405:
        # Keep the Allow header werkzeug computed for the route.
        for name, value in exc.get_headers():
            if name.lower() == "allow":
                response.headers["Allow"] = value
    return response


def _unexpected(exc: Exception) -> Response:
    log.exception("unhandled error", exc_info=exc)
    return error_response(500, InternalServerError.description)


def init_app(app: Flask) -> None:
    """Register the JSON error handlers on ``app``."""
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
