"""Follows: follow/unfollow get 204 and are idempotent; GET lists whom a user follows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from harness.checks.contract.client import Reply
from harness.checks.contract.context import CheckContext, Precondition, describe, json_of
from harness.checks.contract.expect import grade
from harness.checks.contract.model import Check
from harness.checks.contract.quirks import quirk_message
from harness.checks.policy import Behaviour, severity
from harness.findings import Finding, Severity


def follows_of(
    ctx: CheckContext, user: str, no: str | None = "100"
) -> tuple[list[Any] | None, Reply]:
    """GET /fllws/<user>: the listed names (None when the body has no list)."""
    reply = ctx.call("GET", "/fllws/<user>", user=user, no=no)
    data = json_of(reply)
    names = data.get("follows") if isinstance(data, dict) else None
    return (names if isinstance(names, list) else None), reply


def listed_names(ctx: CheckContext, user: str) -> tuple[list[Any], Reply]:
    """The names ``user`` follows; Precondition when the list cannot be read."""
    names, reply = follows_of(ctx, user)
    data = json_of(reply)
    if reply.status == 200 and isinstance(data, dict) and data.get("follows", []) is None:
        return [], reply  # null for an empty list: fllws.empty-list reports it
    if names is None:
        raise Precondition(
            "read the follow list (200 {follows: [...]})", reply, ("schema.follows",)
        )
    return names, reply


def follow(ctx: CheckContext) -> Iterator[Finding]:
    """A follow gets 204 and the target is listed; the other side lists nothing."""
    alice, bob = ctx.register("fl"), ctx.register("fl")
    reply = ctx.follow(alice, bob)
    found = grade(ctx, reply, 204, "POST /fllws/<user> follow", command="follow")
    if found is not None:
        yield found
        return
    names, listed = listed_names(ctx, alice)
    if bob not in names:
        yield ctx.finding(Severity.ERROR, "the followed user is not listed", reply, listed)
    names, listed = listed_names(ctx, bob)
    if alice in names:
        yield ctx.finding(
            Severity.WARNING, "GET /fllws/<user> lists followers, not followees", listed
        )


def unfollow(ctx: CheckContext) -> Iterator[Finding]:
    """An unfollow gets 204 and removes the edge."""
    alice, bob = ctx.register("fl"), ctx.register("fl")
    ctx.followed(alice, bob)
    reply = ctx.follow(alice, bob, "unfollow")
    found = grade(ctx, reply, 204, "POST /fllws/<user> unfollow", command="unfollow")
    if found is not None:
        yield found
        return
    names, listed = listed_names(ctx, alice)
    if bob in names:
        yield ctx.finding(Severity.ERROR, "the unfollowed user is still listed", reply, listed)


def unfollow_not_followed(ctx: CheckContext) -> Iterator[Finding]:
    """Unfollowing a user not followed gets 204 (the course scenario does it often)."""
    alice, bob = ctx.register("fl"), ctx.register("fl")
    reply = ctx.follow(alice, bob, "unfollow")
    found = grade(ctx, reply, 204, "unfollow of a user not followed", command="unfollow")
    if found is not None:
        yield found


def follow_twice(ctx: CheckContext) -> Iterator[Finding]:
    """Following twice gets 204 both times and lists the name once."""
    alice, bob = ctx.register("fl"), ctx.register("fl")
    ctx.followed(alice, bob)
    again = ctx.follow(alice, bob)
    found = grade(ctx, again, 204, "a second follow of the same user", command="follow")
    if found is not None:
        yield found
        return
    names, listed = listed_names(ctx, alice)
    if names.count(bob) > 1:
        observed = f"the name is listed {names.count(bob)} times"
        yield ctx.finding(
            Severity.QUIRK, quirk_message("following-twice-duplicates", observed), again, listed
        )


def self_follow(ctx: CheckContext) -> Iterator[Finding]:
    """Following oneself is refused with 400 (the course reference allows it)."""
    alice = ctx.register("fl")
    reply = ctx.follow(alice, alice)
    if reply.status == 204:
        observed = "a user could follow itself"
        yield ctx.finding(Severity.QUIRK, quirk_message("self-follow-allowed", observed), reply)
        return
    found = grade(ctx, reply, 400, "self-follow-allowed")
    if found is not None:
        yield found


def unknown_user(ctx: CheckContext) -> Iterator[Finding]:
    """An unknown user gets 404 on GET and POST /fllws/<user>."""
    bob = ctx.register("fl")
    ghost = ctx.name("ghost")
    for reply, what in (
        (ctx.follow(ghost, bob), "follow by an unknown user"),
        (ctx.call("GET", "/fllws/<user>", user=ghost), "GET /fllws/<user> of an unknown user"),
    ):
        found = grade(ctx, reply, 404, what)
        if found is not None:
            yield found


def unknown_target(ctx: CheckContext) -> Iterator[Finding]:
    """Following or unfollowing an unknown user gets 404."""
    alice = ctx.register("fl")
    for key in ("follow", "unfollow"):
        reply = ctx.follow(alice, ctx.name("ghost"), key)
        found = grade(ctx, reply, 404, f"{key} of an unknown user")
        if found is not None:
            yield found


def bad_body(ctx: CheckContext) -> Iterator[Finding]:
    """Neither key, both keys, a non-string value, a null or array body: 400."""
    alice, bob, carol = ctx.register("fl"), ctx.register("fl"), ctx.register("fl")
    cases: list[tuple[str, Any, dict[int, str] | None]] = [
        ("neither key", {}, {500: "follow-neither-key-500"}),
        ("a non-string value", {"follow": 5}, None),
        ("a null body", None, {500: "missing-keys-or-null-body-500"}),
        ("an array body", [], {500: "missing-keys-or-null-body-500"}),
    ]
    for label, body, quirks in cases:
        reply = ctx.call("POST", "/fllws/<user>", user=alice, json_body=body)
        found = grade(ctx, reply, 400, f"follow body with {label}", quirks=quirks)
        if found is not None:
            yield found
    both = ctx.call(
        "POST", "/fllws/<user>", user=alice, json_body={"follow": bob, "unfollow": carol}
    )
    if both.status == 204:
        names, listed = listed_names(ctx, alice)
        if bob in names:
            observed = "a body with both keys followed"
            yield ctx.finding(
                Severity.QUIRK,
                quirk_message("follow-both-keys-follow-wins", observed),
                both,
                listed,
            )
            return
    found = grade(ctx, both, 400, "follow body with both keys")
    if found is not None:
        yield found


def empty_list(ctx: CheckContext) -> Iterator[Finding]:
    """A user following nobody gets {"follows": []}."""
    names, listed = follows_of(ctx, ctx.register("fl"))
    found = grade(ctx, listed, 200, "GET /fllws/<user> of a user following nobody")
    if found is not None:
        yield found
    elif names != []:
        yield ctx.finding(
            severity(Behaviour.BODY_SHAPE), f"following nobody answered {describe(listed)}", listed
        )


def no_limit(ctx: CheckContext) -> Iterator[Finding]:
    """`no=N` limits the list; without `no` all (up to 100) are listed."""
    alice = ctx.register("fl")
    targets = [ctx.register("fl") for _ in range(3)]
    for target in targets:
        ctx.followed(alice, target)
    names, listed = follows_of(ctx, alice, no="2")
    found = grade(ctx, listed, 200, "GET /fllws/<user>?no=2")
    if found is not None:
        yield found
    elif names is None or len(names) != 2:
        yield ctx.finding(Severity.WARNING, f"no=2 gave {describe(listed)}", listed)
    names, listed = follows_of(ctx, alice, no=None)
    found = grade(ctx, listed, 200, "GET /fllws/<user> without no")
    if found is not None:
        yield found
    elif names is None or sorted(names) != sorted(targets):
        yield ctx.finding(Severity.ERROR, f"follows lost: {describe(listed)}", listed)


CHECKS: tuple[Check, ...] = (
    Check("fllws.follow-204", follow, "a follow gets 204 and is listed"),
    Check("fllws.unfollow-204", unfollow, "an unfollow gets 204 and removes the edge"),
    Check("fllws.unfollow-not-followed", unfollow_not_followed, "unfollow of a stranger: 204"),
    Check("fllws.follow-twice", follow_twice, "following twice is idempotent"),
    Check("fllws.self-follow", self_follow, "self-follow is refused"),
    Check("fllws.unknown-user-404", unknown_user, "unknown user gets 404"),
    Check("fllws.unknown-target-404", unknown_target, "unknown target gets 404"),
    Check("fllws.bad-body-400", bad_body, "bad follow bodies get 400"),
    Check("fllws.empty-list", empty_list, "following nobody is []"),
    Check("fllws.no-limit", no_limit, "no=N limits the list"),
)
