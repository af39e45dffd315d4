"""The simulator API blueprint: every endpoint and rule of the normative API (spec section 3)."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.routing import PathConverter

from reference_app.auth import simulator_required
from reference_app.db import IntegrityError, Row
from reference_app.errors import ApiError
from reference_app.params import (
    body_object,
    latest_param,
    limit_param,
    text_field,
)
from reference_app.request_db import defer_latest, execute, flush_latest, query, query_one

bp = Blueprint("api", __name__)


class UsernameConverter(PathConverter):
    """The rest of the path, any characters: a percent-encoded ``/`` arrives decoded."""

    regex = ".+"
    part_isolating = False  # may span "/"-separated parts (werkzeug infers it from the regex)


P = ParamSpec("P")
R = TypeVar("R")

USER_NOT_FOUND = "User not found"


def records_latest(view: Callable[P, R]) -> Callable[P, R]:
    """Record the request's ``latest`` value, whatever the view's outcome.

    The value is written in the same transaction as the view's write, when it makes one
    (one commit per request instead of two), else on its own when the view ends.
    Applied below ``simulator_required``, so only authorised requests move ``latest``.
    """

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        value = latest_param(request.args.get("latest"))
        if value is None:
            return view(*args, **kwargs)
        defer_latest(str(value))
        try:
            return view(*args, **kwargs)
        finally:
            flush_latest()

    return wrapped


def _route(rule: str, method: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    # No automatic OPTIONS: every method but the route's own (and HEAD for GET) is a 405.
    return bp.route(rule, methods=[method], provide_automatic_options=False)


def _no_content() -> Response:
    return Response(status=204)


def _user_id(username: str) -> int:
    row = query_one("SELECT user_id FROM users WHERE username = ?", (username,))
    if row is None:
        raise ApiError(404, USER_NOT_FOUND)
    return int(row[0])


@_route("/latest", "GET")
@records_latest
def get_latest() -> Response:
    """The most recently recorded ``latest`` value, -1 before any (this request's included)."""
    flush_latest()
    row = query_one("SELECT value FROM latest WHERE id = 1")
    return jsonify({"latest": int(row[0]) if row else -1})


@_route("/register", "POST")
@records_latest
def register() -> Response:
    """Create a user; 400 for an invalid body or a taken username."""
    body = body_object()
    username = text_field(body, "username", "You have to enter a username", allow_empty=False)
    email = text_field(body, "email", "You have to enter a valid email address", allow_empty=False)
    if "@" not in email:
        raise ApiError(400, "You have to enter a valid email address")
    pwd = text_field(body, "pwd", "You have to enter a password", allow_empty=False)
    taken = ApiError(400, "The username is already taken")
    if query_one("SELECT 1 FROM users WHERE username = ?", (username,)) is not None:
        raise taken  # cheap early answer; the unique constraint below is the real guard
    pw_hash = current_app.extensions["minitwit_hasher"].hash(pwd)
    try:
        execute(
            "INSERT INTO users (username, email, pw_hash) VALUES (?, ?, ?)",
            (username, email, pw_hash),
        )
    except IntegrityError:
        raise taken from None
    return _no_content()


def _messages(rows: list[Row]) -> Response:
    return jsonify([{"content": r[0], "pub_date": int(r[1]), "user": r[2]} for r in rows])


@_route("/msgs", "GET")
@simulator_required
@records_latest
def all_messages() -> Response:
    """The newest ``no`` messages of everyone, newest first."""
    limit = limit_param(request.args.get("no"))
    # The subquery walks the message primary key backwards and stops after `limit` rows,
    # on both backends, however large the table is.
    rows = query(
        "SELECT m.text, m.pub_date, u.username FROM "
        "(SELECT message_id, author_id, text, pub_date FROM message "
        "ORDER BY message_id DESC LIMIT ?) m "
        "JOIN users u ON u.user_id = m.author_id ORDER BY m.message_id DESC",
        (limit,),
    )
    return _messages(rows)


@_route("/msgs/<username:username>", "GET")
@simulator_required
@records_latest
def user_messages(username: str) -> Response:
    """The newest ``no`` messages of one user, newest first; 404 for an unknown user."""
    user_id = _user_id(username)
    limit = limit_param(request.args.get("no"))
    rows = query(
        "SELECT text, pub_date FROM message WHERE author_id = ? ORDER BY message_id DESC LIMIT ?",
        (user_id, limit),
    )
    return _messages([(text, pub_date, username) for text, pub_date in rows])


@_route("/msgs/<username:username>", "POST")
@simulator_required
@records_latest
def post_message(username: str) -> Response:
    """Store a message by ``username``; 404 unknown author, 400 missing or non-string content."""
    try:
        content = text_field(body_object(), "content", "content must be a string", allow_empty=True)
    except ApiError:
        _user_id(username)  # an unknown author is a 404 before any 400 of the body
        raise
    # The author's id is looked up by the insert itself: one statement (one round trip on
    # PostgreSQL) instead of two; no row inserted means no such user.
    inserted = execute(
        "INSERT INTO message (author_id, text, pub_date) "
        "SELECT user_id, ?, ? FROM users WHERE username = ?",
        (content, int(time.time()), username),
    )
    if not inserted:
        raise ApiError(404, USER_NOT_FOUND)
    return _no_content()


@_route("/fllws/<username:username>", "GET")
@simulator_required
@records_latest
def follows(username: str) -> Response:
    """The users ``username`` follows (in the order followed), at most ``no``."""
    user_id = _user_id(username)
    limit = limit_param(request.args.get("no"))
    rows = query(
        "SELECT u.username FROM follower f JOIN users u ON u.user_id = f.whom_id "
        "WHERE f.who_id = ? ORDER BY f.follow_id LIMIT ?",
        (user_id, limit),
    )
    return jsonify({"follows": [r[0] for r in rows]})


@_route("/fllws/<username:username>", "POST")
@simulator_required
@records_latest
def follow_or_unfollow(username: str) -> Response:
    """Follow (idempotent) or unfollow (204 even when not followed) another user."""
    try:
        body = body_object()
        keys = [k for k in ("follow", "unfollow") if k in body]
        if len(keys) != 1:
            raise ApiError(400, "The body must have exactly one of 'follow' and 'unfollow'")
        key = keys[0]
        target = text_field(body, key, f"'{key}' must be a username", allow_empty=True)
    except ApiError:
        _user_id(username)  # an unknown user is a 404 before any 400 of the body
        raise
    # Both ids in one read (one round trip on PostgreSQL) instead of one each.
    rows = query("SELECT username, user_id FROM users WHERE username IN (?, ?)", (username, target))
    ids = {str(row[0]): int(row[1]) for row in rows}
    user_id, target_id = ids.get(username), ids.get(target)
    if user_id is None or target_id is None:
        raise ApiError(404, USER_NOT_FOUND)
    if key == "follow" and target_id == user_id:
        # Spec section 4 lists "self-follow is allowed" as a quirk of the course reference.
        raise ApiError(400, "A user cannot follow itself")
    if key == "follow":
        execute(
            "INSERT INTO follower (who_id, whom_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (user_id, target_id),
        )
    else:
        execute("DELETE FROM follower WHERE who_id = ? AND whom_id = ?", (user_id, target_id))
    return _no_content()
