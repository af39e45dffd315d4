"""POST /register: 204 for a new user, 400 with a JSON error for a taken name or a bad body."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

from harness.checks.contract.context import CheckContext, Precondition, describe
from harness.checks.contract.expect import grade
from harness.checks.contract.model import Check
from harness.checks.contract.quirks import quirk_message
from harness.findings import Finding, Severity

SHAPE_QUIRK = {500: "missing-keys-or-null-body-500"}


def _body(ctx: CheckContext, **over: Any) -> dict[str, Any]:
    return ctx.user_body("reg", **over)


def created(ctx: CheckContext) -> Iterator[Finding]:
    """A new user gets 204 with an empty body and exists afterwards."""
    body = _body(ctx)
    reply = ctx.call("POST", "/register", json_body=body)
    found = grade(ctx, reply, 204, "POST /register of a new user", command="register")
    if found is None and reply.status == 400:
        found = ctx.finding(Severity.ERROR, f"a new user was refused: {describe(reply)}", reply)
    if found is not None:
        yield found
        return
    msgs = ctx.call("GET", "/msgs/<user>", user=body["username"])
    if msgs.status != 200:
        yield ctx.finding(
            Severity.ERROR, f"the registered user is unknown: {describe(msgs)}", reply, msgs
        )


def duplicate(ctx: CheckContext) -> Iterator[Finding]:
    """A taken username is refused with 400 (the simulator reads 400 as "user exists")."""
    user = ctx.register("reg")
    again = ctx.call("POST", "/register", json_body=_body(ctx, username=user))
    if again.status is not None and 200 <= again.status < 300:
        yield ctx.finding(
            Severity.ERROR,
            f"a taken username was registered again ({again.status}): duplicate users",
            again,
        )
        return
    found = grade(ctx, again, 400, "POST /register of a taken name", command="register")
    if found is not None:
        yield found


def _bad_bodies(
    ctx: CheckContext, cases: list[tuple[str, Any, bool]], *, integer_username: bool = False
) -> Iterator[Finding]:
    """Each bad body gets 400; ``shape`` cases may get the reference's 500 (a quirk)."""
    for label, body, shape in cases:
        reply = ctx.call("POST", "/register", json_body=body)
        if integer_username and reply.status == 204:
            observed = f"POST /register with {label} was accepted"
            yield ctx.finding(
                Severity.QUIRK, quirk_message("integer-stored-as-number", observed), reply
            )
            continue
        found = grade(
            ctx, reply, 400, f"POST /register with {label}", quirks=SHAPE_QUIRK if shape else None
        )
        if found is not None:
            yield found


def not_object(ctx: CheckContext) -> Iterator[Finding]:
    """A body that is not a JSON object gets 400."""
    cases: list[tuple[str, Any, bool]] = [
        ("a null body", None, True),
        ("an array body", [], True),
        ("a string body", "x", True),
    ]
    yield from _bad_bodies(ctx, cases)


def missing_field(ctx: CheckContext) -> Iterator[Finding]:
    """A missing username, email or pwd gets 400."""
    cases: list[tuple[str, Any, bool]] = []
    for key in ("username", "email", "pwd"):
        body = _body(ctx)
        del body[key]
        cases.append((f"no {key}", body, True))
    yield from _bad_bodies(ctx, cases)


def empty_field(ctx: CheckContext) -> Iterator[Finding]:
    """An empty username, email or pwd gets 400."""
    cases = [(f"an empty {key}", _body(ctx, **{key: ""}), False) for key in ("username", "pwd")]
    cases.append(("an empty email", _body(ctx, email=""), False))
    yield from _bad_bodies(ctx, cases)


def non_string(ctx: CheckContext) -> Iterator[Finding]:
    """A non-string email, pwd or null username gets 400."""
    cases = [
        ("a numeric email", _body(ctx, email=5), True),  # the reference's 500: a quirk
        ("a numeric pwd", _body(ctx, pwd=5), True),
        ("a null username", _body(ctx, username=None), False),
    ]
    yield from _bad_bodies(ctx, cases)


def integer_username(ctx: CheckContext) -> Iterator[Finding]:
    """An integer username gets 400 (the course reference stores it as a number)."""
    number = 10**9 + secrets.randbelow(10**9)  # unique on a shared server, inside 32 bits
    cases = [("an integer username", _body(ctx, username=number), False)]
    yield from _bad_bodies(ctx, cases, integer_username=True)


def email_without_at(ctx: CheckContext) -> Iterator[Finding]:
    """An email without @ gets 400."""
    yield from _bad_bodies(ctx, [("an email without @", _body(ctx, email="nobody"), False)])


def email_not_unique(ctx: CheckContext) -> Iterator[Finding]:
    """Two users may share an email."""
    email = ctx.email("shared")
    first = ctx.call("POST", "/register", json_body=_body(ctx, email=email))
    if first.status != 204:
        raise Precondition("register a fresh user", first, ("register.created-204",))
    second = ctx.call("POST", "/register", json_body=_body(ctx, email=email))
    found = grade(ctx, second, 204, "a second user with the same email", command="register")
    if found is None and second.status == 400:
        found = ctx.finding(
            Severity.WARNING,
            f"a second user with the same email was refused: {describe(second)}",
            second,
        )
    if found is not None:
        yield found


def case_sensitive(ctx: CheckContext) -> Iterator[Finding]:
    """Usernames match exactly: names differing only in case are different users."""
    name = ctx.register("Case")
    other = ctx.call("POST", "/register", json_body=_body(ctx, username=name.swapcase()))
    if other.status != 204:
        yield ctx.finding(
            Severity.WARNING,
            f"{name.swapcase()!r} was refused after {name!r} registered: {describe(other)}",
            other,
        )


CHECKS: tuple[Check, ...] = (
    Check("register.created-204", created, "a new user gets 204 and exists"),
    Check("register.duplicate-400", duplicate, "a taken username gets 400"),
    Check("register.body-not-object", not_object, "a non-object body gets 400"),
    Check("register.missing-field", missing_field, "a missing field gets 400"),
    Check("register.empty-field", empty_field, "an empty field gets 400"),
    Check("register.non-string-field", non_string, "a non-string field gets 400"),
    Check("register.email-without-at", email_without_at, "an email without @ gets 400"),
    Check("register.email-not-unique", email_not_unique, "emails need not be unique"),
    Check("register.case-sensitive", case_sensitive, "usernames are case-sensitive"),
)

#: An integer stored as a username would show in every later read.
PLANTING: tuple[Check, ...] = (
    Check("register.integer-username", integer_username, "an integer username gets 400"),
)
