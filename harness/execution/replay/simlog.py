"""The course simulator's error log, line for line (spec section 2).

One line per error, fields joined by commas, UTC timestamp ``YYYY-MM-DD HH:MM:SS``:
``ts,base_url,action_id,status_code,command`` for a status the simulator does not accept,
``ts,base_url,action_id,<ErrorClass>`` for ``ConnectionError``, ``ReadTimeout`` and any
other exception. Fields are written as they are, without quoting, like the simulator.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import IO

from harness.checks.verdicts import simulator_accepted
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
    accepted = simulator_accepted(outcome.command)
    if accepted is None or outcome.status in accepted:
        return None
    return ",".join([ts, base_url, str(outcome.action_id), str(outcome.status), outcome.command])


class OrderedSimulatorLog:
    """Writes the simulator's lines in action-id order, as the sequential simulator does.

    Outcomes arrive in completion order (concurrent senders); a line is held until every
    smaller id of this run has its outcome. :meth:`close` writes what is still held (a run
    stopped early), in id order.
    """

    def __init__(self, stream: IO[str], base_url: str, ids: Iterable[int]) -> None:
        self._stream = stream
        self._base_url = base_url
        self._order = sorted(ids)
        self._next = 0  # index in _order of the next id to write
        self._held: dict[int, str | None] = {}

    def passed(self, action_id: int) -> None:
        """An outcome without a simulator line (the common case: no Outcome is built)."""
        self._held[action_id] = None
        self._write_ready()

    def failed(self, outcome: Outcome) -> None:
        """A failed outcome: its line, if the simulator would print one."""
        self._held[outcome.action_id] = simulator_log_line(self._base_url, outcome)
        self._write_ready()

    def _write_ready(self) -> None:
        order, held = self._order, self._held
        lines = []
        while self._next < len(order) and order[self._next] in held:
            line = held.pop(order[self._next])
            self._next += 1
            if line is not None:
                lines.append(line + "\n")
        if lines:
            self._stream.write("".join(lines))
            self._stream.flush()

    def close(self) -> None:
        """Write the lines still held, in id order, and close the stream."""
        lines = [line + "\n" for _, line in sorted(self._held.items()) if line is not None]
        self._held.clear()
        self._stream.write("".join(lines))
        self._stream.close()
