"""From one reply to one recorded outcome (and its evidence when a check failed)."""

from __future__ import annotations

import time
from typing import Any

from harness.checks.strict import judge_action
from harness.execution.replay.transport import WireReply
from harness.planning.requests import PlannedRequest
from harness.results import Outcome
from harness.scenario.model import Action

#: Check name of an outcome the harness could not produce because of its own failure.
TOOL_ERROR_CHECK = "replay.tool-error"


def judged_outcome(
    action: Action,
    planned: PlannedRequest,
    reply: WireReply,
    *,
    profile: str,
    expected_status: int | None,
    worker: str,
) -> tuple[Outcome, dict[str, Any] | None]:
    """Judge ``reply`` under ``profile``; the outcome and, when it failed, its evidence."""
    judgement = judge_action(
        profile, action, reply.status, reply.error, reply.body, expected_status
    )
    ok = judgement.verdict.ok
    outcome = Outcome(
        action_id=action.id,
        command=str(action.command),
        user=action.user,
        status=reply.status,
        error=reply.error,
        verdict="ok" if ok else "error",
        check=judgement.verdict.check,
        latency_ms=round(reply.latency_ms, 3),
        started=reply.started,
        finished=reply.finished,
        worker=worker,
        redirects=reply.redirects,
    )
    if ok:
        return outcome, None
    return outcome, {
        "action_id": action.id,
        "method": planned.method,
        "path": planned.path,
        "status": reply.status,
        "error": reply.error,
        "detail": judgement.detail,
        "body": reply.body[:2000].decode("utf-8", "replace"),
    }


def tool_error_outcome(action: Action, exc: BaseException, worker: str) -> Outcome:
    """An outcome for an action the harness failed to handle (so the run never stalls)."""
    now = time.time()
    return Outcome(
        action_id=action.id,
        command=str(action.command),
        user=action.user,
        status=None,
        error=type(exc).__name__,
        verdict="error",
        check=TOOL_ERROR_CHECK,
        latency_ms=0.0,
        started=now,
        finished=now,
        worker=worker,
    )
