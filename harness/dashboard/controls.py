"""The dashboard's controls: pause, resume and add targets, behind a bearer token.

The store is the control channel: a paused flag or a new ``sim_targets`` row is picked up
by the engine (which also sets a new target's ``total_actions``).
"""

from __future__ import annotations

import hmac
import time
from typing import Any

from harness.errors import UsageError
from harness.simulation import record
from harness.simulation.store import Store
from harness.simulation.teams import parse_target


class ControlError(Exception):
    """A refused control request: HTTP status and one line saying why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def authorise(configured: str | None, header: str | None) -> None:
    """403 when no token is configured (controls disabled), 401 on a missing or wrong one."""
    if not configured:
        raise ControlError(403, "controls are disabled: the dashboard has no token")
    scheme, _, given = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        given.strip().encode(), configured.encode()
    ):
        raise ControlError(401, "wrong or missing token (Authorization: Bearer TOKEN)")


def set_paused(store: Store, name: str, paused: bool) -> None:
    """Pause or resume ``name``; 404 when there is no such target."""
    if not record.set_paused(store, name, paused):
        raise ControlError(404, f"no target {name!r}")


def add_target(store: Store, body: Any, now: float | None = None) -> dict[str, Any]:
    """Insert the target described by the JSON ``body``; 400 on a bad field, 409 if it exists.

    The fields and rules of a teams file's ``[[target]]`` table: ``{"name": "team-x",
    "url": "http://...", "source_address": "127.0.0.2", "start_offset": "30s"}``, the last
    two optional.
    """
    if not isinstance(body, dict):
        raise ControlError(400, "expected a JSON object with name and url")
    try:
        target = parse_target("target", body)
    except UsageError as exc:
        raise ControlError(400, str(exc)) from None
    name = target.name
    # total_actions 0 until the engine sets the scenario's count for the new target.
    now = time.time() if now is None else now
    if not record.upsert_target(store, target, 0, now, update=False):
        raise ControlError(409, f"target {name!r} exists")
    return {
        "name": name,
        "url": target.url,
        "source_address": target.source_address,
        "start_offset": target.start_offset,
    }
