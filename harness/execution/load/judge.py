"""Judging load responses: one engine, two profiles (simulator, strict), and error classes.

Locust-free. The simulator profile is exactly ``harness.checks.verdicts``; the strict
profile adds the normative success status of every endpoint (reads included) and the
schema of every body.
"""

from __future__ import annotations

import socket

from harness.checks.strict import body_problem
from harness.checks.verdicts import (
    CONNECTION_ERROR,
    READ_TIMEOUT,
    Verdict,
    simulator_verdict,
)
from harness.scenario.api import operation_named, spec

PROFILES: tuple[str, ...] = ("simulator", "strict")


def judge_response(
    profile: str, command: str, status: int | None, error: str | None, body: bytes = b""
) -> Verdict:
    """The verdict on one response under ``profile``; the check name says which rule failed.

    ``strict`` adds the normative status and the JSON-Schema validation of the body (the
    same body checks as replay's strict profile, :mod:`harness.checks.strict`).
    """
    verdict = simulator_verdict(command, status, error)
    if profile != "strict" or not verdict.ok:
        return verdict
    # The normative success status; names of the fresh load accounts never clash.
    if status != spec(operation_named(command)).success:
        return Verdict(False, f"strict.{command}-status")
    assert status is not None  # a normative status was matched
    problem = body_problem(command, status, body)
    return verdict if problem is None else problem.verdict


def error_class(exc: BaseException) -> str:
    """The simulator's name for a transport error (ConnectionError, ReadTimeout, or the class).

    Named as ``requests`` would name the same failure: a timeout while connecting is a
    ``ConnectionError`` (``ConnectTimeout``), a timeout waiting for the answer a
    ``ReadTimeout``; a reset, a close or bytes that are not HTTP before the headers are a
    ``ConnectionError`` (geventhttpclient raises ``HTTPConnectionClosed`` or
    ``HTTPParseError`` there). geventhttpclient may wrap the cause
    (``RetriesExceeded(original=...)``) and has its own ``ConnectionError`` family.
    """
    while getattr(exc, "original", None) is not None:
        exc = exc.original  # type: ignore[attr-defined]
    names = {c.__name__ for c in type(exc).__mro__}
    if isinstance(exc, TimeoutError | socket.timeout) or "Timeout" in names:
        return CONNECTION_ERROR if _while_connecting(exc) else READ_TIMEOUT
    if isinstance(exc, OSError) or names & {"ConnectionError", "HTTPParseError"}:
        return CONNECTION_ERROR
    return type(exc).__name__


def _while_connecting(exc: BaseException) -> bool:
    """Whether ``exc`` came out of geventhttpclient's connect (its connection pool)."""
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_globals.get("__name__") == "geventhttpclient.connectionpool":
            return True
        tb = tb.tb_next
    return False


def failure_message(check: str, status: int | None, error: str | None) -> str:
    """What Locust shows for a failed check, e.g. ``simulator.tweet-status: got 200``."""
    return f"{check}: got {status}" if error is None else f"{check}: {error}"
