"""Verdicts of the course simulator (``simulator`` profile), exactly as it judges.

The ``strict`` profile adds normative statuses and schema checks on top of this one
(one engine, two profiles of checks).
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.scenario.api import operation_named, spec

#: Error classes the simulator logs instead of a status code.
CONNECTION_ERROR = "ConnectionError"
READ_TIMEOUT = "ReadTimeout"


@dataclass(frozen=True)
class Verdict:
    """Whether one outcome is an error, and which check said so."""

    ok: bool
    check: str | None = None


OK = Verdict(True)


def simulator_accepted(command: str) -> frozenset[int] | None:
    """Statuses the course simulator accepts for ``command``; None for a read (it sends none).

    ValueError for a name that is no operation of the API: never judged as if it were fine.
    """
    return spec(operation_named(command)).simulator_accepted


def simulator_verdict(command: str, status: int | None, error: str | None) -> Verdict:
    """Judge one request the way the course simulator does (a read: its transport only)."""
    accepted = simulator_accepted(command)
    if error is not None:
        return Verdict(False, f"simulator.{error}")
    if accepted is None or status in accepted:
        return OK
    return Verdict(False, f"simulator.{command}-status")
