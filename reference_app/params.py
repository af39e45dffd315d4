"""Parsing of the API's inputs: the ``latest`` and ``no`` query values and JSON bodies."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import request

from reference_app.errors import ApiError

DEFAULT_LIMIT = 100
#: Large enough to mean "everything", small enough for a 64-bit SQL LIMIT.
MAX_LIMIT = 2**62

_DECIMAL = re.compile(r"[+-]?[0-9]+")


def latest_param(raw: str | None) -> int | None:
    """The ``latest`` value to record, or None (absent, not a decimal integer, or -1)."""
    if raw is None or not _DECIMAL.fullmatch(raw):
        return None
    try:
        value = int(raw)
    except ValueError:  # more digits than Python converts
        return None
    return None if value == -1 else value


def limit_param(raw: str | None) -> int:
    """The ``no`` value: default 100; non-integers and negative values fall back to 100."""
    if raw is None or not _DECIMAL.fullmatch(raw):
        return DEFAULT_LIMIT
    try:
        value = int(raw)
    except ValueError:
        return MAX_LIMIT if not raw.startswith("-") else DEFAULT_LIMIT
    if value < 0:
        return DEFAULT_LIMIT
    return min(value, MAX_LIMIT)


def body_object() -> dict[str, Any]:
    """The request body as a JSON object, whatever its Content-Type; else 400."""
    data = request.get_data(cache=True)
    try:
        body = json.loads(data)
    except ValueError:  # includes undecodable bytes
        raise ApiError(400, "The request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object")
    return body


def storable(text: str) -> bool:
    """Whether both backends store ``text`` byte for byte (no NUL, no lone surrogate)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text_field(body: dict[str, Any], name: str, message: str, *, allow_empty: bool) -> str:
    """A string field of the body; 400 with ``message`` when missing, not a string or empty."""
    value = body.get(name)
    if not isinstance(value, str) or (not allow_empty and value == ""):
        raise ApiError(400, message)
    if not storable(value):
        raise ApiError(400, f"{name} must not contain NUL characters or lone surrogates")
    return value
