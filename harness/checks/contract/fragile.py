"""Probes that crash fragile servers (run last): every endpoint without `latest`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from harness.checks.contract.context import CheckContext
from harness.checks.contract.expect import grade
from harness.checks.contract.model import Check
from harness.findings import Finding


def no_latest(ctx: CheckContext) -> Iterator[Finding]:
    """`latest` is optional: every endpoint answers normally without it."""
    alice, bob = ctx.register("frag"), ctx.register("frag")
    body = ctx.user_body("frag")
    probes: tuple[tuple[str, str, dict[str, Any], int, str | None], ...] = (
        ("POST", "/register", {"json_body": body}, 204, "register"),
        ("POST", "/msgs/<user>", {"json_body": {"content": "no latest"}}, 204, "tweet"),
        ("POST", "/fllws/<user>", {"json_body": {"follow": bob}}, 204, "follow"),
        ("GET", "/msgs", {}, 200, None),
        ("GET", "/msgs/<user>", {}, 200, None),
        ("GET", "/fllws/<user>", {}, 200, None),
    )
    for method, route, kwargs, expected, command in probes:
        reply = ctx.call(method, route, user=alice, latest=None, **kwargs)
        found = grade(ctx, reply, expected, f"{method} {route} without latest", command=command)
        if found is not None:
            yield found


FRAGILE: tuple[Check, ...] = (
    Check("fragile.no-latest", no_latest, "every endpoint works without latest", True),
)
