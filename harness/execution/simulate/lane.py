"""One target's lane: the whole scenario, in id order, at the recorded pace, alone.

A lane is one thread that waits only on its own requests, so a slow or dead target never
holds another back. Per action: the attempt's row is committed ("sending"), the request goes
out with replay's :class:`~harness.execution.replay.transport.WireClient` (the simulator's
bytes, timeout and error classes), the reply is judged with the simulator's verdicts, the
outcome is committed, and the simulator's log line (if any) is appended to the target's
log. Between actions it polls ``GET /latest`` every ``latest_interval``.

Pacing: action ``k`` is due at ``base + offset(k)`` (:func:`~harness.planning.causal.due_offsets`
with the speed factor, as replay scales delays). An action more than :data:`REBASE_S` late
is sent at once and recorded with the time it was due; the rest of the lane shifts by the
delay, so a lane that fell behind (a slow target, a pause, a restart) never bursts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from harness.checks.verdicts import CONNECTION_ERROR, READ_TIMEOUT
from harness.execution.drill.traffic import LATEST, latest_record
from harness.execution.replay.outcome import judged_outcome, tool_error_outcome
from harness.execution.replay.simlog import simulator_log_line
from harness.execution.replay.transport import Endpoint, WireClient, WireReply
from harness.execution.simulate.writer import StoreLost, Writer
from harness.planning.requests import PlannedRequest, request_for
from harness.scenario.model import Action
from harness.simulation.record import (
    CLOSE_OUTAGE,
    FINISH_ATTEMPT,
    INSERT_ATTEMPT,
    INSERT_LATEST,
    OPEN_OUTAGE,
    TargetProgress,
)

#: Lateness (seconds) after which the rest of a lane's schedule shifts instead of bursting.
REBASE_S = 1.0
#: The request and the answer kept for a failed action are cut at this many characters.
EXCHANGE_CHARS = 2000
#: Error classes that say the target is not there (an outage), not that it answered badly.
DOWN_ERRORS = frozenset({CONNECTION_ERROR, READ_TIMEOUT})


class WorkerLease:
    """A worker's claims, renewed by its control loop: a lane sends only inside them."""

    def __init__(self) -> None:
        self.valid_until = 0.0  # time.monotonic() until which the claims surely hold


@dataclass(frozen=True)
class LaneSettings:
    """What every lane shares."""

    timeout: float
    latest_interval: float
    latest_timeout: float
    worker: str  # recorded with each attempt (host:pid)
    lease: WorkerLease | None = None  # None: one process drives every target


class Lane:
    """The sender of one target (run :meth:`run` in its own thread)."""

    def __init__(
        self,
        name: str,
        base_url: str,
        source_address: str | None,
        actions: Sequence[Action],
        offsets: dict[int, float],
        base: float,
        progress: TargetProgress,
        writer: Writer,
        log: IO[str],
        settings: LaneSettings,
        stop: threading.Event,
        say: Any,
    ) -> None:
        self.name = name
        self.base_url = base_url
        self.source_address = source_address
        self.actions = actions
        self.offsets = offsets
        self.base = base
        self.writer = writer
        self.log = log
        self.settings = settings
        self.stop = stop
        self.say = say  # one console line
        self.paused = threading.Event()
        self.finished = threading.Event()
        self.lost = threading.Event()  # another worker owns the target now: stop
        last = progress.last_done
        self.next_index = next(
            (i for i, a in enumerate(actions) if last is None or a.id > last), len(actions)
        )
        self.in_flight = progress.in_flight
        self.acknowledged = progress.last_acknowledged
        self.answered = progress.answered
        self.down_since = progress.down_since
        self.sent = 0  # outcomes recorded by this process (progress lines)
        self.errors = 0
        self._next_poll = 0.0
        self._endpoint = Endpoint(base_url)
        self._moved: tuple[str, str | None] | None = None  # a new URL, from the control loop
        self.crashed: Exception | None = None

    def move(self, base_url: str, source_address: str | None) -> None:
        """Send to ``base_url`` (from ``source_address``) from the next request on."""
        self._moved = (base_url, source_address)

    @property
    def done(self) -> bool:
        """Whether every action of the scenario has an outcome."""
        return self.next_index >= len(self.actions)

    def run(self) -> None:
        """Send until done or stopped; the request in flight always gets its outcome."""
        client, poller = self._clients()
        try:
            self._resync()
            while not self.stop.is_set() and not self.done and not self.lost.is_set():
                if not self._leased():
                    self.stop.wait(0.1)
                    continue
                if self._moved is not None:
                    client.close()
                    poller.close()
                    (self.base_url, self.source_address), self._moved = self._moved, None
                    self._endpoint = Endpoint(self.base_url)
                    client, poller = self._clients()
                    continue
                if self.paused.is_set():
                    self.stop.wait(0.2)
                    if not self.paused.is_set():
                        self._resync()
                    continue
                action = self.actions[self.next_index]
                due = self.base + self.offsets[action.id]
                now = time.time()
                if self._next_poll <= now:
                    self._poll(poller)
                    continue
                if now < due:
                    self.stop.wait(min(due, self._next_poll) - now)
                    continue
                if now - due > REBASE_S:
                    self.base += now - due
                self._send(client, action, due)
        except StoreLost:
            return  # the engine reports the store's failure, once
        except Exception as exc:  # a bug of the harness: the engine stops the run on it
            self.crashed = exc
        finally:
            client.close()
            poller.close()
            if self.done:
                self.finished.set()

    def _leased(self) -> bool:
        """Whether a request sent now ends inside the worker's claims (always, alone)."""
        lease = self.settings.lease
        if lease is None:
            return True
        return time.monotonic() + self.settings.latest_timeout < lease.valid_until

    def _clients(self) -> tuple[WireClient, WireClient]:
        """The action sender and the ``/latest`` poller for the current URL."""
        source = self.source_address
        return (
            WireClient(self._endpoint, self.settings.timeout, source_address=source),
            WireClient(self._endpoint, self.settings.latest_timeout, source_address=source),
        )

    def _resync(self) -> None:
        """After a start, restart or pause: the next action is due now at the latest."""
        if self.done:
            return
        due = self.base + self.offsets[self.actions[self.next_index].id]
        now = time.time()
        if due < now:
            self.base += now - due

    def _send(self, client: WireClient, action: Action, scheduled: float) -> None:
        attempt = self.in_flight.pop(action.id, 0) + 1
        if attempt > 1:
            self.say(
                f"{self.name}: action {action.id} was in flight when simulate stopped; "
                f"sent again (attempt {attempt})"
            )
        planned = request_for(action)
        self.writer.write(
            INSERT_ATTEMPT,
            (
                self.name,
                action.id,
                attempt,
                str(action.command),
                scheduled,
                time.time(),
                self.settings.worker,
            ),
        )
        reply = client.send(planned)
        try:
            outcome, evidence = judged_outcome(
                action, planned, reply, profile="simulator", expected_status=None, worker=self.name
            )
        except Exception as exc:  # the harness's own bug never stalls a lane
            outcome, evidence = tool_error_outcome(action, exc, self.name), None
        failed = outcome.verdict != "ok"
        exchange = None
        if failed:
            exchange = self._exchange(planned, reply, evidence)
        self.writer.write(
            FINISH_ATTEMPT,
            (
                outcome.started,
                outcome.finished,
                outcome.status,
                outcome.error,
                int(failed),
                outcome.latency_ms,
                exchange,
                self.name,
                action.id,
                attempt,
            ),
        )
        self._availability(reply)
        line = simulator_log_line(self.base_url, outcome) if failed else None
        if line is not None:
            self.log.write(line + "\n")
            self.log.flush()
        if not failed:
            self.acknowledged = action.id
        self.sent += 1
        self.errors += int(failed)
        self.next_index += 1

    def _exchange(
        self, planned: PlannedRequest, reply: WireReply, evidence: dict[str, Any] | None
    ) -> str:
        """The request as sent and what came back, as text (each part cut)."""
        request = self._endpoint.encode(planned, keep_alive=False).decode("utf-8", "replace")
        if reply.error is not None:
            answer = f"no answer: {reply.error}"
        else:
            body = reply.body[:EXCHANGE_CHARS].decode("utf-8", "replace")
            answer = f"HTTP {reply.status}\n\n{body}"
        detail = (evidence or {}).get("detail")
        note = f"\n\n({detail})" if detail else ""
        return f"{request[:EXCHANGE_CHARS]}\n\n--- answer ---\n{answer}{note}"

    def _poll(self, poller: WireClient) -> None:
        reply = poller.send(LATEST)
        record = latest_record(reply, "poll")
        error = reply.error
        if error is None and record["value"] is None:
            error = f"status {reply.status}" if reply.status != 200 else "malformed body"
        self.writer.submit(
            INSERT_LATEST, (self.name, reply.started, record["value"], self.acknowledged, error)
        )
        self._availability(reply)
        self._next_poll = time.time() + self.settings.latest_interval

    def _availability(self, reply: WireReply) -> None:
        """Open an outage on a connection-class error after an answer; close it on one."""
        if reply.error in DOWN_ERRORS:
            if self.answered and self.down_since is None:
                self.down_since = reply.started
                self.writer.submit(OPEN_OUTAGE, (self.name, reply.started))
        elif reply.error is None:
            self.answered = True
            if self.down_since is not None:
                self.down_since = None
                self.writer.submit(CLOSE_OUTAGE, (reply.finished, self.name))
