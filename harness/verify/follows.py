"""Compare follow lists and ``/latest`` read back with the expectation (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from harness.findings import Finding
from harness.planning.expected import ExpectedState, UserExpectation
from harness.verify.alteration import Stored, pair_alterations
from harness.verify.evidence import Context, examples, preview


def compare_follows(ctx: Context, user: UserExpectation, names: Sequence[Stored]) -> list[Finding]:
    """Findings for one user's ``GET /fllws/<user>``: duplicates, lost and unexpected edges.

    Names must come back as the strings written: a number or boolean is at best coerced.
    """
    findings: list[Finding] = []
    name = user.name
    counts = Counter(names)
    doubled = {n: c for n, c in counts.items() if c > 1}
    if doubled:
        shown = (f"{preview(n)} x{c}" for n, c in doubled.items())
        findings.append(
            ctx.finding(
                "verify.duplicated-follow",
                f"{name!r} lists {len(doubled)} followed user(s) more than once: "
                + examples(shown, len(doubled)),
            )
        )
    present = set(counts)
    lost = sorted(user.follows - present)
    allowed: set[Stored] = {*user.follows, *user.maybe_follows}
    unexpected = sorted(present - allowed, key=lambda v: (not isinstance(v, str), str(v)))
    for before, after, kind in pair_alterations(lost, unexpected):
        lost.remove(before)
        unexpected.remove(after)
        findings.append(
            ctx.finding(
                f"verify.altered-content.{kind}",
                f"{name!r} follows {preview(after)} instead of {preview(before)} ({kind})",
            )
        )
    if lost:
        findings.append(
            ctx.finding(
                "verify.lost-follow",
                f"{name!r} does not follow {len(lost)} acknowledged user(s): "
                + examples(map(preview, lost), len(lost)),
            )
        )
    if unexpected:
        findings.append(
            ctx.finding(
                "verify.unexpected-follow",
                f"{name!r} follows {len(unexpected)} user(s) it should not (lost unfollow or "
                f"never followed): " + examples(map(preview, unexpected), len(unexpected)),
            )
        )
    return findings


def compare_latest(ctx: Context, state: ExpectedState, value: int) -> list[Finding]:
    """A finding when ``/latest`` is not a value the acknowledged actions allow."""
    if value in state.latest_allowed:
        return []
    if len(state.latest_allowed) == 1:
        wanted = f"{state.latest} (the id of the last action)"
    else:
        wanted = (
            f"{state.latest} (the last acknowledged action) or the id of an "
            "unacknowledged action that may have landed later"
        )
    stale = " (stale)" if value < state.latest else ""
    return [ctx.finding("verify.wrong-latest", f"GET /latest is {value}{stale}, expected {wanted}")]
