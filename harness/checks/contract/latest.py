"""`latest`: recorded from every authorised request, shared, read back by GET /latest.

On a shared server every value set here is unique to the run and read back at once; the
runner restores the value it found at the start (see ``runner.restore_latest``). Values
stay inside a signed 32-bit integer (many apps store `latest` in such a column) except in
``latest.out-of-range``, the one check about range.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator

from harness.checks.contract.client import Reply
from harness.checks.contract.context import (
    CheckContext,
    Inconclusive,
    NotRun,
    Precondition,
    describe,
    json_of,
)
from harness.checks.contract.expect import grade
from harness.checks.contract.model import Check
from harness.checks.contract.quirks import quirk_message
from harness.findings import Finding, Severity

#: How often a read-back is retried with a new value when someone else moved `latest`.
ATTEMPTS = 2
#: The largest signed 32-bit integer: values above it overflow an INTEGER column.
INT32_MAX = 2**31 - 1


def fresh_value() -> int:
    """A value no simulator run reaches (ids stay below 10^6), inside 32 bits, unique-ish."""
    return 10**9 + secrets.randbelow(INT32_MAX - 10**9)


def read_latest(ctx: CheckContext) -> tuple[int | None, Reply]:
    """GET /latest (no credentials, no `latest` parameter, like the course dashboard)."""
    reply = ctx.call("GET", "/latest", auth=None, latest=None)
    data = json_of(reply)
    value = data.get("latest") if isinstance(data, dict) else None
    ok = reply.status == 200 and isinstance(value, int) and not isinstance(value, bool)
    return (value if ok else None), reply


def set_and_read(
    ctx: CheckContext, send: Callable[[str], Reply], raw: Callable[[int], str] = str
) -> tuple[bool, int, list[Reply]]:
    """Send a request carrying a fresh value, read it back; retry once if it did not stick."""
    replies: list[Reply] = []
    value = 0
    for _ in range(ATTEMPTS):
        value = fresh_value()
        replies.append(send(raw(value)))
        got, reply = read_latest(ctx)
        replies.append(reply)
        ctx.state["latest_set"] = value
        if got == value:
            return True, value, replies
    return False, value, replies


def _latest_user(ctx: CheckContext) -> str:
    """The run's user whose writes carry `latest` values (registered once)."""
    user = ctx.state.get("latest_user")
    if user is None:
        user = ctx.state["latest_user"] = ctx.register("latest")
    return str(user)


def _tweet(ctx: CheckContext, value: str) -> Reply:
    """A tweet by the run's own user carrying `latest`: the request the simulator sends most."""
    user = _latest_user(ctx)
    return ctx.call(
        "POST", "/msgs/<user>", user=user, latest=value, json_body={"content": "latest"}
    )


def plant(ctx: CheckContext) -> int:
    """Record a fresh value with a tweet and read it back; Precondition when that fails."""
    ok, value, replies = set_and_read(ctx, lambda v: _tweet(ctx, v))
    if not ok:
        what = f"record latest={value} with a tweet and read it back"
        raise Precondition(what, replies[-1], ("latest.recorded",))
    return value


def initial(ctx: CheckContext) -> Iterator[Finding]:
    """GET /latest answers 200 {"latest": int} (-1 before any request carried a value)."""
    value, reply = read_latest(ctx)
    ctx.state["latest0_reply"] = reply
    if value is not None:
        ctx.state["latest0"] = value
        return
    if reply.status == 200:
        # An answer without an integer `latest`: schema.latest says what is wrong with it.
        yield ctx.finding(Severity.WARNING, f"GET /latest: {describe(reply)}", reply)
        return
    if reply.status not in (500, None):
        # The course dashboard polls GET /latest: without it a group's progress is lost.
        yield ctx.finding(Severity.ERROR, f"GET /latest: {describe(reply)}", reply)
        return
    # The course reference answers 500 (gunicorn: drops the connection) until a request
    # carried `latest`: give it one.
    ok, _, replies = set_and_read(ctx, lambda v: _tweet(ctx, v))
    if not ok:
        yield ctx.finding(Severity.ERROR, f"GET /latest: {describe(reply)}", reply, *replies)
        return
    if reply.status is None:
        # Not a crash: the target answered all along, the reference drops this one request.
        forgive_crash(ctx, reply)
        observed = "GET /latest got no answer (the connection was closed)"
        yield ctx.finding(
            Severity.QUIRK,
            quirk_message("fresh-latest-connection-closed", observed),
            reply,
            *replies,
        )
        return
    observed = "GET /latest answered 500"
    yield ctx.finding(
        Severity.QUIRK, quirk_message("latest-500-until-first-latest", observed), reply, *replies
    )


def forgive_crash(ctx: CheckContext, reply: Reply) -> None:
    """Forget the crash the client recorded for ``reply``: it was the documented quirk."""
    ctx.client.crashes = [c for c in ctx.client.crashes if c.failed is not reply.exchange]


def fresh(ctx: CheckContext) -> Iterator[Finding]:
    """On a target declared fresh (--fresh-target), GET /latest answers {"latest": -1}."""
    if not ctx.fresh_target:
        raise NotRun("the target was not declared fresh (--fresh-target)")
    reply: Reply | None = ctx.first_latest or ctx.state.get("latest0_reply")
    if reply is None:
        raise Inconclusive("GET /latest was not read at the start of the run")
    if reply is ctx.first_latest and reply.status in (500, None):
        # The gate's first request: latest.initial runs too late to see the quirk.
        now, read = read_latest(ctx)
        if now is not None:
            quirk = (
                "fresh-latest-connection-closed"
                if reply.status is None
                else "latest-500-until-first-latest"
            )
            observed = f"the fresh target's GET /latest answered {describe(reply)}"
            yield ctx.finding(Severity.QUIRK, quirk_message(quirk, observed), reply, read)
            return
    data = json_of(reply)
    value = data.get("latest") if isinstance(data, dict) else None
    if reply.status != 200 or not isinstance(value, int) or isinstance(value, bool):
        raise Inconclusive(
            f"GET /latest on the fresh target answered {describe(reply)}, not a value",
            reply,
            ("latest.initial",),
        )
    if value != -1:
        yield ctx.finding(
            Severity.WARNING,
            f"a fresh target answered GET /latest with {value}, expected -1 "
            "(the course dashboard reads -1 as: the simulator has not started)",
            reply,
        )


def recorded(ctx: CheckContext) -> Iterator[Finding]:
    """Each simulator request kind records its `latest` value."""
    user = ctx.register("latest")
    other = ctx.register("latest")
    senders: dict[str, Callable[[str], Reply]] = {
        "POST /register": lambda v: ctx.call(
            "POST", "/register", latest=v, json_body=ctx.user_body("latest")
        ),
        "POST /msgs/<user>": lambda v: ctx.call(
            "POST", "/msgs/<user>", user=user, latest=v, json_body={"content": "latest"}
        ),
        "POST /fllws/<user>": lambda v: ctx.call(
            "POST", "/fllws/<user>", user=user, latest=v, json_body={"follow": other}
        ),
        "GET /msgs": lambda v: ctx.call("GET", "/msgs", latest=v, no="1"),
    }
    for where, send in senders.items():
        ok, value, replies = set_and_read(ctx, send)
        if not ok:
            yield ctx.finding(
                Severity.ERROR,
                f"latest={value} sent with {where} was not recorded: "
                f"GET /latest gave {describe(replies[-1])}",
                *replies,
                where=where,
            )


def _taken_register(ctx: CheckContext, value: str) -> Reply:
    """A register refused because the username is taken (fresh email): changes nothing."""
    body = ctx.user_body(username=_latest_user(ctx))
    return ctx.call("POST", "/register", latest=value, json_body=body)


def recorded_on_error(ctx: CheckContext) -> Iterator[Finding]:
    """A refused but authorised request (400: username taken) still records `latest`."""
    ok, value, replies = set_and_read(ctx, lambda v: _taken_register(ctx, v))
    if not ok:
        yield ctx.finding(
            Severity.WARNING,
            f"latest={value} sent with a refused register was not recorded",
            *replies,
        )


def signed(ctx: CheckContext) -> Iterator[Finding]:
    """A value with an explicit sign (+N) parses as a decimal integer and is recorded."""
    plant(ctx)
    ok, value, replies = set_and_read(ctx, lambda v: _tweet(ctx, v), lambda v: f"+{v}")
    if not ok:
        yield ctx.finding(
            Severity.WARNING, f"latest=+{value} was not recorded as {value}", *replies
        )


def out_of_range(ctx: CheckContext) -> Iterator[Finding]:
    """A value above 2^31-1 never gives a 5xx, and is recorded as sent."""
    plant(ctx)
    value = INT32_MAX + 1
    sent = _tweet(ctx, str(value))
    found = grade(ctx, sent, 204, f"a tweet with latest={value}", command="tweet")
    if found is not None:
        yield found
        return
    ctx.state["latest_set"] = value
    got, reply = read_latest(ctx)
    if got != value:
        yield ctx.finding(
            Severity.WARNING,
            f"latest={value} (above 2^31-1) was not recorded: GET /latest gave {describe(reply)}",
            sent,
            reply,
        )


def ignores_invalid(ctx: CheckContext) -> Iterator[Finding]:
    """Values that do not parse as integers, and -1, leave `latest` alone."""
    value = plant(ctx)
    for raw in ("abc", "-1", "1.5", ""):
        sent = ctx.call("GET", "/msgs", latest=raw, no="1")
        got, reply = read_latest(ctx)
        if got != value:
            yield ctx.finding(
                Severity.WARNING,
                f"latest={raw!r} changed GET /latest from {value} to {describe(reply)}",
                sent,
                reply,
            )
            return


def unauthorised_ignored(ctx: CheckContext) -> Iterator[Finding]:
    """A request refused with 403 does not record its `latest` value."""
    plant(ctx)
    moved = fresh_value()
    sent = ctx.call("GET", "/msgs", auth=None, latest=str(moved))
    got, reply = read_latest(ctx)
    if got == moved:
        ctx.state["latest_set"] = moved
        observed = f"latest={moved} of a request refused with {sent.status} was recorded"
        yield ctx.finding(
            Severity.QUIRK, quirk_message("latest-recorded-before-auth", observed), sent, reply
        )


def shared(ctx: CheckContext) -> Iterator[Finding]:
    """Every worker answers the same value (stored in the database, not per process)."""
    value = plant(ctx)
    for _ in range(8):
        got, reply = read_latest(ctx)
        if got != value:
            yield ctx.finding(
                Severity.ERROR,
                f"GET /latest answered {describe(reply)} right after {value} was recorded "
                "(not shared between workers?)",
                reply,
            )
            return


CHECKS: tuple[Check, ...] = (
    Check("latest.initial", initial, "GET /latest answers 200 {latest: int}"),
    Check("latest.fresh", fresh, "a fresh target answers -1 (with --fresh-target)"),
    Check("latest.recorded", recorded, "every request kind records latest"),
    Check("latest.recorded-on-error", recorded_on_error, "refused requests record latest"),
    Check("latest.signed", signed, "a signed decimal value is recorded"),
    Check("latest.out-of-range", out_of_range, "a value above 2^31-1 gives no 5xx"),
    Check("latest.unauthorised-ignored", unauthorised_ignored, "403s do not record latest"),
    Check("latest.shared", shared, "every worker answers the same latest"),
)

#: Run last: a non-integer `latest` crashes fragile servers.
FRAGILE: tuple[Check, ...] = (
    Check("latest.ignores-invalid", ignores_invalid, "unparsable values and -1 are ignored", True),
)
