"""Messages: tweets get 204, lists are newest first, content comes back byte for byte."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from harness.checks.contract.client import Reply
from harness.checks.contract.context import CheckContext, Precondition, describe, json_of
from harness.checks.contract.expect import grade
from harness.checks.contract.model import Check
from harness.checks.contract.quirks import quirk_message
from harness.checks.policy import Behaviour, severity
from harness.findings import Finding, Severity

#: Content with the hazards of the course scenario: BOM, curly quotes, markup, ampersands.
HAZARDOUS = "\ufeff“Curly” ‘quotes’ – <b>bold</b> & &amp; \"x\" 'y' \\ ünï 😀"


def _messages(reply: Reply) -> list[dict[str, Any]]:
    data = json_of(reply)
    return [m for m in data if isinstance(m, dict)] if isinstance(data, list) else []


def _contents(reply: Reply) -> list[Any]:
    return [m.get("content") for m in _messages(reply)]


def read_messages(
    ctx: CheckContext, route: str = "/msgs/<user>", user: str | None = None, no: str = "100"
) -> tuple[list[dict[str, Any]], Reply]:
    """A message list this check relies on; Precondition when it cannot be read."""
    reply = ctx.call("GET", route, user=user, no=no)
    data = json_of(reply)
    # null for an empty list is reported by msgs.empty-list; here it reads as no messages.
    if reply.status != 200 or not (data is None or isinstance(data, list)):
        raise Precondition(f"read GET {route} as a JSON list", reply, ("schema.messages",))
    return _messages(reply), reply


def tweet(ctx: CheckContext) -> Iterator[Finding]:
    """A tweet gets 204 with an empty body and is listed for its author."""
    user = ctx.register("msg")
    content = f"hello {ctx.prefix} {ctx.unique()}"
    reply = ctx.call("POST", "/msgs/<user>", user=user, json_body={"content": content})
    found = grade(ctx, reply, 204, "POST /msgs/<user>", command="tweet")
    if found is not None:
        yield found
        return
    msgs, listed = read_messages(ctx, user=user)
    if content not in [m.get("content") for m in msgs]:
        yield ctx.finding(Severity.ERROR, "the posted message is not listed", reply, listed)


def content_preserved(ctx: CheckContext) -> Iterator[Finding]:
    """Content comes back byte for byte: BOM, curly quotes, markup not escaped."""
    user = ctx.register("msg")
    ctx.tweet(user, HAZARDOUS)
    msgs, listed = read_messages(ctx, user=user)
    got = [m.get("content") for m in msgs]
    if got != [HAZARDOUS]:
        yield ctx.finding(
            Severity.ERROR,
            f"content altered: sent {HAZARDOUS!r}, got {got[0] if got else got!r}",
            listed,
        )


def newest_first(ctx: CheckContext) -> Iterator[Finding]:
    """Newest first; among equal pub_date any order passes (oldest first is the quirk)."""
    user = ctx.register("msg")
    sent = [f"order {i}" for i in range(4)]
    for content in sent:
        ctx.tweet(user, content)
    msgs, listed = read_messages(ctx, user=user)
    index: dict[Any, int] = {c: i for i, c in enumerate(sent)}
    got = [(index.get(m.get("content"), -1), m.get("pub_date")) for m in msgs]
    if sorted(i for i, _ in got) != list(range(4)):
        yield ctx.finding(Severity.ERROR, f"messages lost or added: {describe(listed)}", listed)
        return
    pairs = list(itertools.pairwise(got))
    wrong = [(a, b) for a, b in pairs if a[0] < b[0]]
    if not wrong:
        return
    if all(a[1] == b[1] for a, b in wrong):
        if all(a[0] < b[0] for a, b in pairs if a[1] == b[1]):
            observed = "messages with the same pub_date came out oldest first"
            yield ctx.finding(Severity.QUIRK, quirk_message("ties-oldest-first", observed), listed)
        return
    yield ctx.finding(Severity.WARNING, "messages are not newest first", listed)


def user_filter(ctx: CheckContext) -> Iterator[Finding]:
    """GET /msgs/<user> lists only that user's messages; GET /msgs lists everyone's."""
    alice, bob = ctx.register("msg"), ctx.register("msg")
    ctx.tweet(alice, "from alice")
    ctx.tweet(bob, "from bob")
    msgs, listed = read_messages(ctx, user=alice)
    if {m.get("user") for m in msgs} != {alice}:
        yield ctx.finding(Severity.WARNING, "GET /msgs/<user> mixes users", listed)
    public_msgs, public = read_messages(ctx, "/msgs", no="1000")
    users = {m.get("user") for m in public_msgs}
    if not {alice, bob} <= users:
        yield ctx.finding(Severity.WARNING, "GET /msgs misses fresh messages", public)


def empty_list(ctx: CheckContext) -> Iterator[Finding]:
    """An empty list is [] (not null): a user without messages, and `no=0` on GET /msgs."""
    user = ctx.register("msg")
    for route, no in (("/msgs/<user>", "100"), ("/msgs", "0")):
        listed = ctx.call("GET", route, user=user, no=no)
        found = grade(ctx, listed, 200, f"GET {route}?no={no} of no messages")
        if found is not None:
            yield found
        elif json_of(listed) != []:
            yield ctx.finding(
                severity(Behaviour.BODY_SHAPE),
                f"no messages answered {describe(listed)} instead of []",
                listed,
            )


def no_limit(ctx: CheckContext) -> Iterator[Finding]:
    """`no=N` returns the N newest; `no=0` an empty list."""
    user = ctx.register("msg")
    for i in range(3):
        ctx.tweet(user, f"limit {i}")
    # Only lengths: which of equal-second messages come first is judged by newest-first.
    for no, expect in (("2", 2), ("0", 0)):
        for route in ("/msgs/<user>", "/msgs"):
            listed = ctx.call("GET", route, user=user, no=no)
            got = _contents(listed)
            found = grade(ctx, listed, 200, f"GET {route}?no={no}")
            if found is not None:
                yield found
            elif len(got) != expect:
                yield ctx.finding(Severity.WARNING, f"no={no} gave {len(got)} messages", listed)


def no_optional(ctx: CheckContext) -> Iterator[Finding]:
    """Without `no` the lists default to 100 messages."""
    user = ctx.register("msg")
    ctx.tweet(user, "default")
    for route in ("/msgs/<user>", "/msgs"):
        listed = ctx.call("GET", route, user=user, no=None)
        found = grade(ctx, listed, 200, f"GET {route} without no")
        if found is not None:
            yield found


def no_default(ctx: CheckContext) -> Iterator[Finding]:
    """Without `no`, GET /msgs answers 100 messages when more exist (tops them up if needed)."""
    have = len(read_messages(ctx, "/msgs", no="101")[0])
    if have <= 100:
        user = ctx.register("msg")
        for i in range(101 - have):
            ctx.tweet(user, f"default limit {i}")
    listed = ctx.require(
        ctx.call("GET", "/msgs", no=None), 200, "read GET /msgs without no", "msgs.no-optional"
    )
    got = len(_messages(listed))
    if got != 100:
        yield ctx.finding(
            Severity.WARNING, f"GET /msgs without no gave {got} messages, not 100", listed
        )


def no_invalid(ctx: CheckContext) -> Iterator[Finding]:
    """A non-integer `no` falls back to 100."""
    user = ctx.register("msg")
    ctx.tweet(user, "fallback")
    listed = ctx.call("GET", "/msgs/<user>", user=user, no="many")
    found = grade(ctx, listed, 200, "GET /msgs/<user>?no=many")
    if found is None and _contents(listed) != ["fallback"]:
        found = ctx.finding(Severity.WARNING, "no=many did not fall back to 100", listed)
    if found is not None:
        yield found


def tweet_unknown_user(ctx: CheckContext) -> Iterator[Finding]:
    """A tweet by an unknown user gets 404."""
    reply = ctx.call("POST", "/msgs/<user>", user=ctx.name("ghost"), json_body={"content": "ghost"})
    found = grade(
        ctx, reply, 404, "tweet by an unknown user", quirks={500: "tweet-by-unknown-user-500"}
    )
    if found is not None:
        yield found


def get_unknown_user(ctx: CheckContext) -> Iterator[Finding]:
    """GET /msgs/<unknown> gets 404."""
    reply = ctx.call("GET", "/msgs/<user>", user=ctx.name("ghost"))
    found = grade(ctx, reply, 404, "GET /msgs/<user> of an unknown user")
    if found is not None:
        yield found


def bad_body(ctx: CheckContext) -> Iterator[Finding]:
    """Missing, null or non-string content gets 400 and stores nothing (500s: quirks)."""
    user = ctx.register("msg")
    cases: list[tuple[str, Any, bool]] = [
        ("no content key", {}, True),
        ("a null body", None, True),
        ("an array body", [], True),
        ("null content", {"content": None}, True),
        ("a list as content", {"content": ["x"]}, False),
    ]
    stored = 0
    for label, body, shape in cases:
        reply = ctx.call("POST", "/msgs/<user>", user=user, json_body=body)
        if reply.status is not None and 200 <= reply.status < 300:
            msgs, listed = read_messages(ctx, user=user)
            if len(msgs) > stored:
                stored = len(msgs)
                yield ctx.finding(
                    Severity.ERROR,
                    f"a tweet with {label} was accepted ({reply.status}) and stored "
                    f"{msgs[0].get('content')!r}",
                    reply,
                    listed,
                )
                continue
        quirks = {500: "missing-keys-or-null-body-500"} if shape else None
        found = grade(ctx, reply, 400, f"tweet with {label}", quirks=quirks)
        if found is not None:
            yield found


def no_overflow(ctx: CheckContext) -> Iterator[Finding]:
    """`no` above 2^63 gives no 5xx (the course reference's 500 is a quirk)."""
    user = ctx.register("msg")
    for route in ("/msgs", "/msgs/<user>"):
        reply = ctx.call("GET", route, user=user, no=str(2**64))
        found = grade(
            ctx, reply, 200, f"GET {route}?no=2^64", quirks={500: "no-beyond-64-bits-500"}
        )
        if found is not None:
            yield found


def integer_content(ctx: CheckContext) -> Iterator[Finding]:
    """Integer content gets 400 (the course reference stores it as a number)."""
    user = ctx.register("msg")
    reply = ctx.call("POST", "/msgs/<user>", user=user, json_body={"content": 42})
    if reply.status == 204:
        observed = "a tweet with integer content was accepted"
        yield ctx.finding(
            Severity.QUIRK, quirk_message("integer-stored-as-number", observed), reply
        )
        return
    found = grade(ctx, reply, 400, "tweet with integer content")
    if found is not None:
        yield found


CHECKS: tuple[Check, ...] = (
    Check("msgs.tweet-204", tweet, "a tweet gets 204 and is listed"),
    Check("msgs.content-preserved", content_preserved, "content comes back byte for byte"),
    Check("msgs.newest-first", newest_first, "messages are newest first"),
    Check("msgs.user-filter", user_filter, "per-user and public lists"),
    Check("msgs.empty-list", empty_list, "no messages is []"),
    Check("msgs.no-limit", no_limit, "no=N limits the list, no=0 is empty"),
    Check("msgs.no-optional", no_optional, "no is optional"),
    Check("msgs.no-default-100", no_default, "no defaults to 100"),
    Check("msgs.no-overflow", no_overflow, "no above 2^63 gives no 5xx"),
    Check("msgs.get-unknown-user-404", get_unknown_user, "unknown user gets 404"),
    Check("msgs.bad-body-400", bad_body, "missing, null or non-string content: 400, not stored"),
)

FRAGILE: tuple[Check, ...] = (
    Check("msgs.no-invalid", no_invalid, "a non-integer no falls back to 100", True),
)

#: An integer stored as content would show in every later read.
PLANTING: tuple[Check, ...] = (
    Check("msgs.integer-content", integer_content, "integer content gets 400"),
)

#: The course reference's SQLite can stay locked after this probe: sent last of all.
BREAKING: tuple[Check, ...] = (
    Check("msgs.tweet-unknown-user-404", tweet_unknown_user, "unknown author gets 404"),
)
