"""How a scenario action becomes an HTTP request of the simulator API (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote

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
    query = f"?latest={action.id}" if latest else ""
    if action.command is Command.REGISTER:
        body = {"username": action.user, "email": action.email, "pwd": action.pwd}
        return PlannedRequest("POST", f"/register{query}", body, "POST /register")
    if action.command is Command.TWEET:
        return PlannedRequest(
            "POST",
            f"/msgs/{segment or user_path(action.user)}{query}",
            {"content": action.content},
            "POST /msgs/<user>",
        )
    key = "follow" if action.command is Command.FOLLOW else "unfollow"
    return PlannedRequest(
        "POST",
        f"/fllws/{segment or user_path(action.user)}{query}",
        {key: action.target},
        f"POST /fllws/<user> ({key})",
    )
