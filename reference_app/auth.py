"""Simulator authentication: the ``simulator_required`` decorator (flaskr's login_required)."""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from flask import current_app, request

from reference_app.errors import ApiError

#: ``Basic`` + base64 of ``simulator:super_safe!``: the course simulator's credentials.
SIMULATOR_AUTHORIZATION = "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh"

NOT_AUTHORIZED = "You are not authorized to use this resource!"

P = ParamSpec("P")
R = TypeVar("R")


def is_simulator() -> bool:
    """Whether the request carries the simulator credentials (constant-time compare)."""
    expected = str(current_app.config["SIMULATOR_AUTHORIZATION"]).encode("latin-1")
    # The header straight from the WSGI environ (no headers object built for it). WSGI
    # header values are latin-1 decoded text, so this encoding never fails.
    given = request.environ.get("HTTP_AUTHORIZATION", "").encode("latin-1", errors="replace")
    return hmac.compare_digest(given, expected)


def simulator_required(view: Callable[P, R]) -> Callable[P, R]:
    """Answer 403 unless the request carries the simulator credentials."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        if not is_simulator():
            raise ApiError(403, NOT_AUTHORIZED)
        return view(*args, **kwargs)

    return wrapped
