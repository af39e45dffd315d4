"""How a scenario action becomes an HTTP request of the simulator API (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, assert_never
from urllib.parse import quote

from harness.scenario.api import spec
from harness.scenario.model import Action, Command


@dataclass(frozen=True, slots=True)
class PlannedRequest:
    """Method, path (relative to the base URL, query included) and JSON body."""

    method: str
    path: str
    body: dict[str, Any] | None
    name: str  # stable endpoint name for statistics, e.g. "POST /msgs/<user>"


@lru_cache(maxsize=65536)
def user_path(user: str) -> str:
    """A username percent-encoded as one path segment (spaces, non-ASCII, slashes).

    Cached: a scenario names the same few hundred users over and over.
    """
    return quote(user, safe="")


def request_for(
    action: Action, *, latest: bool = True, segment: str | None = None
) -> PlannedRequest:
    """The request the course simulator sends for ``action`` (with ``latest=<id>``).

    ``segment``, when given, is ``user_path(action.user)`` already computed by the caller
    (a load generator encodes each account once, not once per request).
    """
    entry = spec(action.command)
    path = entry.path.format(user=segment or user_path(action.user))
    body: dict[str, Any]
    match action.command:
        case Command.REGISTER:
            body = {"username": action.user, "email": action.email, "pwd": action.pwd}
        case Command.TWEET:
            body = {"content": action.content}
        case Command.FOLLOW | Command.UNFOLLOW:
            body = {str(entry.body_key): action.target}
        case _:
            assert_never(action.command)
    query = f"?latest={action.id}" if latest else ""
    return PlannedRequest(entry.method, f"{path}{query}", body, entry.label)
