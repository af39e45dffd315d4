"""HTTP details: HEAD, 405 for other methods, malformed JSON, a missing Content-Type."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from harness.checks.contract.context import CheckContext, describe
from harness.checks.contract.expect import grade
from harness.checks.contract.model import Check
from harness.checks.contract.quirks import quirk_message
from harness.findings import Finding, Severity

#: Routes whose HEAD the course reference answers with 500.
HEAD_QUIRK_ROUTES = ("/msgs", "/msgs/<user>", "/fllws/<user>")


def head(ctx: CheckContext) -> Iterator[Finding]:
    """HEAD works wherever GET does: same status, no body."""
    user = ctx.register("http")
    for route in ("/latest", *HEAD_QUIRK_ROUTES):
        reply = ctx.call("HEAD", route, user=user, latest=None if route == "/latest" else "-1")
        quirks = {500: "head-on-lists-500"} if route in HEAD_QUIRK_ROUTES else None
        found = grade(ctx, reply, 200, f"HEAD {route}", quirks=quirks)
        if found is not None:
            yield found
        elif reply.exchange.response_body:
            yield ctx.finding(Severity.WARNING, f"HEAD {route} answered with a body", reply)


def method_not_allowed(ctx: CheckContext) -> Iterator[Finding]:
    """Methods an endpoint does not offer get 405 (DELETE only on this run's own user)."""
    user = ctx.register("http")
    for method, route in (
        ("PUT", "/latest"),
        ("GET", "/register"),
        ("PUT", "/msgs/<user>"),
        ("PATCH", "/msgs/<user>"),
        ("DELETE", "/msgs/<user>"),
        ("PUT", "/fllws/<user>"),
        ("PATCH", "/fllws/<user>"),
        ("DELETE", "/fllws/<user>"),
    ):
        body = {"content": "x"} if method in ("PUT", "PATCH") else None
        kwargs: dict[str, Any] = {"json_body": body} if body is not None else {}
        reply = ctx.call(method, route, user=user, **kwargs)
        found = grade(ctx, reply, 405, f"{method} {route}")
        if found is not None:
            yield found


def malformed_json(ctx: CheckContext) -> Iterator[Finding]:
    """An empty or malformed JSON body gets 400."""
    user = ctx.register("http")
    for route in ("/register", "/msgs/<user>", "/fllws/<user>"):
        for raw in ("{not json", ""):
            reply = ctx.call("POST", route, user=user, raw_body=raw)
            found = grade(ctx, reply, 400, f"POST {route} with body {raw!r}")
            if found is not None:
                yield found


def missing_content_type(ctx: CheckContext) -> Iterator[Finding]:
    """A JSON body without Content-Type is read as JSON (204) or refused with 400."""
    body = ctx.user_body("ctype")
    reply = ctx.call("POST", "/register", json_body=body, content_type=None)
    if reply.status == 415:
        observed = f"a register without Content-Type answered {describe(reply)}"
        yield ctx.finding(
            Severity.QUIRK, quirk_message("missing-content-type-415", observed), reply
        )
        return
    found = grade(ctx, reply, (204, 400), "POST /register without Content-Type", command="register")
    if found is not None:
        yield found


CHECKS: tuple[Check, ...] = (
    Check("http.head", head, "HEAD works wherever GET does"),
    Check("http.method-not-allowed-405", method_not_allowed, "PUT, PATCH, DELETE get 405"),
    Check("http.malformed-json-400", malformed_json, "malformed JSON bodies get 400"),
    Check("http.missing-content-type", missing_content_type, "no Content-Type: 204 or 400"),
)
