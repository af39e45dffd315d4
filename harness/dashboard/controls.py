"""The dashboard's controls: pause, resume and add targets, behind a bearer token.

The store is the control channel: a paused flag or a new ``sim_targets`` row is picked up
by the engine (which also sets a new target's ``total_actions``).
"""

from __future__ import annotations

import hmac
import ipaddress
import re
import time
from typing import Any

from harness.simulation.store import Store
from harness.target import Target

#: The teams file's rule: a name fits a file name and a URL path segment.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


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
    if not store.query("SELECT 1 FROM sim_targets WHERE name = ?", (name,)):
        raise ControlError(404, f"no target {name!r}")
    store.execute("UPDATE sim_targets SET paused = ? WHERE name = ?", (int(paused), name))


def _field(body: dict[str, Any], key: str, required: bool = False) -> Any:
    value = body.get(key)
    if value is None and required:
        raise ControlError(400, f"{key}: required")
    return value


def add_target(store: Store, body: Any, now: float | None = None) -> dict[str, Any]:
    """Insert the target described by the JSON ``body``; 400 on a bad field, 409 if it exists.

    ``{"name": "team-x", "url": "http://...", "source_address": "127.0.0.2",
    "start_offset": 30}``: ``source_address`` and ``start_offset`` (seconds after the
    simulation's start) are optional.
    """
    if not isinstance(body, dict):
        raise ControlError(400, "expected a JSON object with name and url")
    unknown = sorted(set(body) - {"name", "url", "source_address", "start_offset"})
    if unknown:
        raise ControlError(400, f"unknown field {unknown[0]!r}")
    name = _field(body, "name", required=True)
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise ControlError(400, f"name: letters, digits, '.', '_', '-' (1-64), got {name!r}")
    url = _field(body, "url", required=True)
    try:
        target = Target.parse(str(url))
    except ValueError as exc:
        raise ControlError(400, f"url: {exc}") from None
    source = _field(body, "source_address")
    if source is not None:
        try:
            source = str(ipaddress.ip_address(str(source)))
        except ValueError:
            raise ControlError(400, f"source_address: not an IP address: {source!r}") from None
    offset = _field(body, "start_offset") or 0
    if isinstance(offset, bool) or not isinstance(offset, int | float) or offset < 0:
        raise ControlError(400, f"start_offset: seconds >= 0, got {offset!r}")
    if store.query("SELECT 1 FROM sim_targets WHERE name = ?", (name,)):
        raise ControlError(409, f"target {name!r} exists")
    # total_actions 0 until the engine sets the scenario's count for the new target.
    store.execute(
        "INSERT INTO sim_targets (name, base_url, source_address, start_offset, paused,"
        " added_at, total_actions) VALUES (?, ?, ?, ?, 0, ?, 0)",
        (name, target.base_url, source, float(offset), time.time() if now is None else now),
    )
    return {
        "name": name,
        "url": target.base_url,
        "source_address": source,
        "start_offset": float(offset),
    }
