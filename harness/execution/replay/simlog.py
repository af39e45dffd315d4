"""The course simulator's error log, line for line (spec section 2).

One line per error, fields joined by commas, UTC timestamp ``YYYY-MM-DD HH:MM:SS``:
``ts,base_url,action_id,status_code,command`` for a status the simulator does not accept,
``ts,base_url,action_id,<ErrorClass>`` for ``ConnectionError``, ``ReadTimeout`` and any
other exception. Fields are written as they are, without quoting, like the simulator.
"""

from __future__ import annotations

from datetime import UTC, datetime

from harness.checks.verdicts import SIMULATOR_ACCEPTED
from harness.results import Outcome


def simulator_timestamp(epoch: float) -> str:
    """The simulator's timestamp format, in UTC."""
    return datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")


def simulator_log_line(base_url: str, outcome: Outcome) -> str | None:
    """The line the course simulator prints for ``outcome`` (without newline), or None.

    Only simulator-visible errors produce a line: strict-only findings do not, and
    neither does a register answered 400 (the simulator reads it as "user exists").
    """
    ts = simulator_timestamp(outcome.finished)
    if outcome.error is not None:
        return ",".join([ts, base_url, str(outcome.action_id), outcome.error])
    accepted = SIMULATOR_ACCEPTED.get(outcome.command)
    if accepted is None or outcome.status in accepted:
        return None
    return ",".join([ts, base_url, str(outcome.action_id), str(outcome.status), outcome.command])
