"""The master side of a replay: records outcomes, relays registers, holds the final barrier.

Every outcome of every worker arrives here (a Locust message in a distributed run, a
direct call in a local one). The coordinator appends it to the results file (flushed per
record) and the simulator log, tells all workers about completed registers (the only
cross-user dependency), opens the final barrier once every other action completed, and
stops the run when it is complete or ``--max-errors`` is reached.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from harness.execution.replay.simlog import OrderedSimulatorLog
from harness.results import Outcome, ResultsWriter
from harness.scenario.model import Action, Command

#: Message names between workers and master (Locust custom messages).
MSG_PLAN = "replay_plan"
MSG_OUTCOME = "replay_outcome"
MSG_COMPLETED = "replay_completed"
MSG_RELEASE_FINAL = "replay_release_final"

#: Evidence records kept per failed check (the outcomes themselves are all kept).
EVIDENCE_PER_CHECK = 5

Send = Callable[[str, Any], None]


@dataclass
class ReplayProgress:
    """Counters of the run so far (this invocation only)."""

    done: int = 0
    errors: int = 0
    stopped_early: bool = False
    evidence: dict[str, int] = field(default_factory=dict)


class Coordinator:
    """Receives outcomes from senders and decides what the senders may do next."""

    def __init__(
        self,
        actions: Sequence[Action],
        done: set[int],
        writer: ResultsWriter,
        *,
        base_url: str,
        broadcast: Send,
        simulator_log: IO[str] | None = None,
        max_errors: int | None = None,
    ) -> None:
        self._pending = {a.id for a in actions if a.id not in done}
        self._registers = {a.id for a in actions if a.command is Command.REGISTER}
        self.final_id = max((a.id for a in actions), default=None)
        self._writer = writer
        self._broadcast = broadcast
        self._simlog = (
            None
            if simulator_log is None
            else OrderedSimulatorLog(simulator_log, base_url, self._pending)
        )
        self._max_errors = max_errors
        self._lock = threading.Lock()
        self._released = False
        self.progress = ReplayProgress()
        self.finished = threading.Event()

    @property
    def total(self) -> int:
        """Actions this invocation has to send."""
        return len(self._pending) + self.progress.done

    def start(self) -> None:
        """Open the barrier or finish right away when there is nothing (else) to do."""
        with self._lock:
            self._check_barrier()
            if not self._pending:
                self.finished.set()

    def on_outcome(self, record: dict[str, Any]) -> None:
        """Handle one sender report: ``{"outcome": {...}, "evidence": {...} | None}``."""
        rec = record["outcome"]
        action_id = rec["action_id"]
        failed = rec["verdict"] != "ok"
        with self._lock:
            if action_id not in self._pending:
                return  # a duplicate report (should not happen); never record twice
            self._pending.discard(action_id)
            self._writer.write(rec)  # already the record: no second asdict
            if failed:  # only errors can make a simulator log line or carry a check
                outcome = Outcome.from_record(rec)
                if self._simlog is not None:
                    self._simlog.failed(outcome)
                self._evidence(outcome, record.get("evidence"))
            elif self._simlog is not None:
                self._simlog.passed(action_id)
            self.progress.done += 1
            if failed:
                self.progress.errors += 1
            if action_id in self._registers:
                self._broadcast(MSG_COMPLETED, [action_id])
            self._check_barrier()
            if not self._pending:
                self.finished.set()
            elif self._max_errors is not None and self.progress.errors >= self._max_errors:
                self.progress.stopped_early = True
                self.finished.set()

    def close(self) -> None:
        """Write the simulator log lines still held (a run stopped early) and close it."""
        if self._simlog is not None:
            self._simlog.close()

    def _evidence(self, outcome: Outcome, evidence: dict[str, Any] | None) -> None:
        if evidence is None or outcome.check is None:
            return
        seen = self.progress.evidence.get(outcome.check, 0)
        if seen < EVIDENCE_PER_CHECK:
            self.progress.evidence[outcome.check] = seen + 1
            self._writer.write({"type": "evidence", "check": outcome.check, **evidence})

    def _check_barrier(self) -> None:
        """Release the final action once it is the only one left."""
        if self._released or self.final_id is None:
            return
        if self._pending == {self.final_id}:
            self._released = True
            self._broadcast(MSG_RELEASE_FINAL, None)
