"""Values stored intact: long content and usernames, numeric-looking strings, empty content.

The spec limits none of these: content is "returned byte-for-byte as stored", usernames
match exactly. Real apps cut content at 280 characters, usernames at 50, or turn "007"
into 7. The simulator never sends such values (so a refusal is a warning), but a 5xx or
data lost or altered is an error.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

from harness.checks.contract.context import CheckContext
from harness.checks.contract.expect import grade
from harness.checks.contract.fllws import listed_names
from harness.checks.contract.model import Check
from harness.checks.contract.msgs import read_messages
from harness.findings import Finding, Severity

#: Content lengths past the usual limits of real apps (140, 255, 280, 1000, 4096 ...).
LONG_CONTENT = (300, 10_000)
#: A username length past the usual VARCHAR(50)/(64) columns.
LONG_USERNAME = 100
#: Strings a loose JSON or SQL layer turns into numbers or booleans.
NUMERIC_CONTENT = ("007", "1e3", "0123", "true")


def difference(sent: str, got: Any) -> str:
    """How ``got`` differs from ``sent``: its type, or its length and the first differing index."""
    if not isinstance(got, str):
        return f"came back as {type(got).__name__} {got!r}"
    at = next((i for i, (a, b) in enumerate(zip(sent, got, strict=False)) if a != b), None)
    if at is None:
        at = min(len(sent), len(got))
    return (
        f"came back with {len(got)} characters instead of {len(sent)}, first difference at "
        f"index {at}: sent {sent[at : at + 20]!r}, got {got[at : at + 20]!r}"
    )


def _text(ctx: CheckContext, length: int) -> str:
    """``length`` characters (code points), unique to the run, some of them non-ASCII."""
    head = f"{length} chars {ctx.prefix} {ctx.unique()} "
    body = "lorem ipsum ünï “quoted” – "
    return (head + body * (length // len(body) + 1))[:length]


def long_content(ctx: CheckContext) -> Iterator[Finding]:
    """Content of 300 and 10 000 characters is stored and comes back intact."""
    user = ctx.register("long")
    sent: list[str] = []
    for length in LONG_CONTENT:
        content = _text(ctx, length)
        reply = ctx.call("POST", "/msgs/<user>", user=user, json_body={"content": content})
        found = grade(ctx, reply, 204, f"a tweet of {length} characters")
        if found is not None:
            yield found
        else:
            sent.append(content)
    if not sent:
        return
    msgs, listed = read_messages(ctx, user=user)
    got = [m.get("content") for m in msgs]
    for content in sent:
        if content in got:
            continue
        same = [g for g in got if isinstance(g, str) and g[:40] == content[:40]]
        how = difference(content, same[0]) if same else "is not listed"
        yield ctx.finding(Severity.ERROR, f"a message of {len(content)} characters {how}", listed)


def long_username(ctx: CheckContext) -> Iterator[Finding]:
    """A username of 100 characters registers, tweets and comes back intact."""
    base = ctx.name("long")
    name = (base + "x" * LONG_USERNAME)[:LONG_USERNAME]
    reply = ctx.call("POST", "/register", json_body=ctx.user_body(username=name))
    found = grade(ctx, reply, 204, f"a register of a {LONG_USERNAME}-character name")
    if found is not None:
        yield found
        return
    tweet = ctx.call("POST", "/msgs/<user>", user=name, json_body={"content": "long name"})
    found = grade(ctx, tweet, 204, f"a tweet by a {LONG_USERNAME}-character user")
    if found is not None:
        yield found
        return
    msgs, listed = read_messages(ctx, user=name)
    users = [m.get("user") for m in msgs]
    if users != [name]:
        how = difference(name, users[0]) if users else "has no message listed"
        yield ctx.finding(
            Severity.ERROR, f"the {LONG_USERNAME}-character username {how}", tweet, listed
        )


def numeric_content(ctx: CheckContext) -> Iterator[Finding]:
    """Content such as "007", "1e3", "0123", "true" comes back as the same strings."""
    user = ctx.register("num")
    for content in NUMERIC_CONTENT:
        reply = ctx.call("POST", "/msgs/<user>", user=user, json_body={"content": content})
        found = grade(ctx, reply, 204, f"a tweet with content {content!r}")
        if found is not None:
            yield found
    msgs, listed = read_messages(ctx, user=user)
    got = [m.get("content") for m in msgs]
    altered = [c for c in NUMERIC_CONTENT if c not in got]
    others = [g for g in got if g not in NUMERIC_CONTENT]
    if altered:
        yield ctx.finding(
            Severity.ERROR,
            f"content {', '.join(map(repr, altered))} did not come back as strings: "
            f"the messages hold {', '.join(map(repr, others)) or 'nothing else'}",
            listed,
        )


def _numeric_names() -> list[str]:
    """Usernames unique to the run that look like numbers ("007..." and "...e3")."""
    digits = 10**8 + secrets.randbelow(9 * 10**8)
    return [f"00{digits}", f"{digits}e3"]


def numeric_username(ctx: CheckContext) -> Iterator[Finding]:
    """Usernames that look like numbers come back as the same strings in messages."""
    for name in _numeric_names():
        reply = ctx.call("POST", "/register", json_body=ctx.user_body(username=name))
        found = grade(ctx, reply, 204, f"a register of the name {name!r}")
        if found is None:
            ctx.tweet(name, "numeric name")
            msgs, listed = read_messages(ctx, user=name)
            users = [m.get("user") for m in msgs]
            if users != [name]:
                found = ctx.finding(
                    Severity.ERROR,
                    f"the username {name!r} came back as {users[0] if users else 'nothing'!r}",
                    listed,
                )
        if found is not None:
            yield found


def numeric_target(ctx: CheckContext) -> Iterator[Finding]:
    """A followed user whose name looks like a number is listed as the same string."""
    alice = ctx.register("num")
    name = _numeric_names()[0]
    ctx.require(
        ctx.call("POST", "/register", json_body=ctx.user_body(username=name)),
        204,
        f"register the user {name!r}",
        "register.numeric-username",
    )
    ctx.followed(alice, name)
    names, listed = listed_names(ctx, alice)
    if names != [name]:
        yield ctx.finding(
            Severity.ERROR, f"the followed name {name!r} is listed as {names!r}", listed
        )


def empty_content(ctx: CheckContext) -> Iterator[Finding]:
    """Empty content is accepted and stored (a 204 that stores nothing loses data)."""
    user = ctx.register("msg")
    reply = ctx.call("POST", "/msgs/<user>", user=user, json_body={"content": ""})
    found = grade(ctx, reply, 204, "POST /msgs/<user> with empty content")
    if found is not None:
        yield found
        return
    msgs, listed = read_messages(ctx, user=user)
    got = [m.get("content") for m in msgs]
    if got != [""]:
        yield ctx.finding(
            Severity.ERROR,
            f"a tweet with empty content was acknowledged (204) but the messages are {got!r}",
            reply,
            listed,
        )


CHECKS: tuple[Check, ...] = (
    Check("msgs.empty-content", empty_content, "empty content is stored and read back"),
    Check("msgs.long-content", long_content, "content of 300 and 10 000 characters intact"),
    Check("register.long-username", long_username, "a 100-character username works intact"),
)

#: Stored numbers where strings belong would show in every later read: run after the others.
PLANTING: tuple[Check, ...] = (
    Check("msgs.numeric-strings", numeric_content, "numeric-looking content stays a string"),
    Check("register.numeric-username", numeric_username, "numeric-looking names stay strings"),
    Check("fllws.numeric-target", numeric_target, "numeric-looking follow targets stay strings"),
)
