"""Grading one answer against the normative status: error, warning or a known quirk."""

from __future__ import annotations

from harness.checks.contract.client import Reply
from harness.checks.contract.context import CheckContext, describe
from harness.checks.contract.quirks import quirk_message
from harness.checks.policy import Behaviour, severity
from harness.checks.verdicts import simulator_verdict
from harness.findings import Finding


def grade(
    ctx: CheckContext,
    reply: Reply,
    expected: int | tuple[int, ...],
    what: str,
    *,
    quirks: dict[int, str] | None = None,
    command: str | None = None,
    accepted_is_error: bool = False,
) -> Finding | None:
    """None when ``reply`` has an expected status; else a finding graded by the policy.

    The severity is :mod:`harness.checks.policy`'s for what was seen.

    ``quirks`` maps statuses to the quirk they match; ``command`` (register, tweet, follow,
    unfollow) says the course simulator judges this write, so a status it rejects is an
    error of profile ``simulator``; ``accepted_is_error`` grades a 2xx as an error (data
    altered) instead of a warning.
    """
    allowed = (expected,) if isinstance(expected, int) else expected
    status = reply.status
    if status in allowed:
        return None
    shown = "/".join(str(s) for s in allowed)
    observed = f"{what}: expected {shown}, got {describe(reply)}"
    if status is not None and quirks and status in quirks:
        return ctx.finding(
            severity(Behaviour.QUIRK), quirk_message(quirks[status], observed), reply
        )
    logged = command is not None and not simulator_verdict(command, status, reply.exchange.error).ok
    if status is None or status >= 500 or logged:
        seen = Behaviour.SIMULATOR_LOGGED if logged else Behaviour.SERVER_ERROR
        return ctx.finding(severity(seen), observed, reply, simulator=logged or status is None)
    if accepted_is_error and 200 <= status < 300:
        return ctx.finding(severity(Behaviour.DATA_CHANGED), observed, reply)
    return ctx.finding(severity(Behaviour.NORMATIVE), observed, reply)
