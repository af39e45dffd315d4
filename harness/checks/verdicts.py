"""Verdicts of the course simulator (``simulator`` profile), exactly as it judges.

The ``strict`` profile adds normative statuses and schema checks on top of this one
(one engine, two profiles of checks).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Statuses the course simulator accepts per command; anything else is logged as an error.
SIMULATOR_ACCEPTED: dict[str, frozenset[int]] = {
    "register": frozenset({204, 400}),
    "tweet": frozenset({204}),
    "follow": frozenset({204}),
    "unfollow": frozenset({204}),
}

#: Error classes the simulator logs instead of a status code.
CONNECTION_ERROR = "ConnectionError"
READ_TIMEOUT = "ReadTimeout"


@dataclass(frozen=True)
class Verdict:
    """Whether one outcome is an error, and which check said so."""

    ok: bool
    check: str | None = None


OK = Verdict(True)


def simulator_verdict(command: str, status: int | None, error: str | None) -> Verdict:
    """Judge one write the way the course simulator does."""
    if error is not None:
        return Verdict(False, f"simulator.{error}")
    accepted = SIMULATOR_ACCEPTED.get(command)
    if accepted is None:  # reads are not judged by the simulator beyond transport
        return OK
    if status in accepted:
        return OK
    return Verdict(False, f"simulator.{command}-status")
