"""Auth: /msgs* and /fllws/* demand the simulator credentials; /register and /latest do not."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from harness.checks.contract.context import CheckContext, describe
from harness.checks.contract.expect import grade
from harness.checks.contract.fllws import listed_names
from harness.checks.contract.model import Check
from harness.checks.contract.msgs import read_messages
from harness.findings import Finding, Severity

#: Authorization headers that must be refused: (label, header or None for no header).
BAD_AUTH: tuple[tuple[str, str | None], ...] = (
    ("no Authorization header", None),
    ("wrong credentials", "Basic c2ltdWxhdG9yOndyb25n"),  # simulator:wrong
    ("another scheme", "Bearer c2ltdWxhdG9yOnN1cGVyX3NhZmUh"),
)


def required(ctx: CheckContext) -> Iterator[Finding]:
    """Every protected endpoint answers 403 to missing, wrong or foreign credentials."""
    user = ctx.register("auth")
    other = ctx.register("auth")
    probes: tuple[tuple[str, str, dict[str, Any]], ...] = (
        ("GET", "/msgs", {}),
        ("GET", "/msgs/<user>", {}),
        ("POST", "/msgs/<user>", {"json_body": {"content": "must not be stored"}}),
        ("GET", "/fllws/<user>", {}),
        ("POST", "/fllws/<user>", {"json_body": {"follow": other}}),
    )
    for method, route, kwargs in probes:
        for label, header in BAD_AUTH:
            reply = ctx.call(method, route, user=user, auth=header, **kwargs)
            found = grade(ctx, reply, 403, f"{method} {route} with {label}", accepted_is_error=True)
            if found is not None:
                yield found
                break  # one finding per endpoint is enough evidence


def writes_refused(ctx: CheckContext) -> Iterator[Finding]:
    """A refused write changes nothing: no message stored, no follow edge created."""
    user = ctx.register("auth")
    other = ctx.register("auth")
    marker = f"unauthorised {ctx.prefix} {ctx.unique()}"
    tweet = ctx.call("POST", "/msgs/<user>", user=user, auth=None, json_body={"content": marker})
    follow = ctx.call("POST", "/fllws/<user>", user=user, auth=None, json_body={"follow": other})
    stored, msgs = read_messages(ctx, user=user)
    if any(m.get("content") == marker for m in stored):
        yield ctx.finding(Severity.ERROR, "a tweet without credentials was stored", tweet, msgs)
    follows, fllws = listed_names(ctx, user)
    if other in follows:
        yield ctx.finding(Severity.ERROR, "a follow without credentials was stored", follow, fllws)


def register_open(ctx: CheckContext) -> Iterator[Finding]:
    """POST /register needs no credentials."""
    reply = ctx.call("POST", "/register", auth=None, json_body=ctx.user_body("open"))
    if reply.status in (401, 403):
        yield ctx.finding(
            Severity.WARNING,
            f"POST /register demands credentials: {describe(reply)}",
            reply,
        )
        return
    found = grade(ctx, reply, 204, "POST /register without credentials")
    if found is not None:
        yield found


def latest_open(ctx: CheckContext) -> Iterator[Finding]:
    """GET /latest needs no credentials (a 500 here is judged by latest.initial)."""
    reply = ctx.call("GET", "/latest", auth=None, latest=None)
    if reply.status in (401, 403):
        yield ctx.finding(
            Severity.WARNING, f"GET /latest demands credentials: {describe(reply)}", reply
        )


CHECKS: tuple[Check, ...] = (
    Check("auth.required-403", required, "protected endpoints refuse bad credentials with 403"),
    Check("auth.refused-writes-ignored", writes_refused, "refused writes change nothing"),
    Check("auth.register-open", register_open, "/register needs no credentials"),
    Check("auth.latest-open", latest_open, "/latest needs no credentials"),
)
