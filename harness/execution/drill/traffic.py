"""The drill's sender process: steady, paced, causally ordered simulator writes until told to stop.

Run as ``python -m harness.execution.drill.traffic JOB`` (its own process: the transport's
response parser imports gevent, which stays out of the harness process). Plain threads
send; a :class:`~harness.execution.replay.scheduler.Scheduler` hands them actions at the
job's rate in causal order. Every outcome is appended to the results file as it
completes, and so are the ``/latest`` readings: one per second, and one before each write
while the target is failing, so that the first answer of a target that comes back is a
``/latest`` reading (a target that keeps ``latest`` in memory shows ``-1`` there, before the
next write hides it). A line ``stop`` (or the end) of standard input stops the sending;
the writes in flight complete and are recorded, then the process ends.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
import time
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from harness.constants import SIMULATOR_TIMEOUT_S
from harness.execution.replay.job import action_from_wire
from harness.execution.replay.outcome import judged_outcome, tool_error_outcome
from harness.execution.replay.scheduler import Scheduler
from harness.execution.replay.transport import Endpoint, WireClient, WireReply
from harness.planning.requests import PlannedRequest, request_for
from harness.results import ResultsWriter

LATEST = PlannedRequest("GET", "/latest", None, "GET /latest")
POLL_INTERVAL_S = 1.0


@dataclass
class TrafficJob:
    """What the sender process needs: where to send, how fast, and what."""

    target: str
    results: str
    rate: float
    timeout: float = SIMULATOR_TIMEOUT_S
    concurrency: int = 8
    deadline: float = 0.0  # epoch seconds: the process stops by itself then (a bound)
    actions: list[list[Any]] = field(default_factory=list)

    def write(self, path: Path) -> None:
        """Write the job as JSON."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def read(cls, path: str | Path) -> TrafficJob:
        """Read a job written by :meth:`write`."""
        return cls(**json.loads(Path(path).read_text(encoding="utf-8")))


def latest_record(reply: WireReply, why: str) -> dict[str, Any]:
    """A ``latest`` record: when it was read, what it said (None: no usable answer)."""
    value: int | None = None
    if reply.status == 200:
        try:
            parsed = json.loads(reply.body)["latest"]
            value = parsed if isinstance(parsed, int) and not isinstance(parsed, bool) else None
        except (ValueError, KeyError, TypeError):
            value = None
    return {
        "type": "latest",
        "why": why,
        "value": value,
        "status": reply.status,
        "error": reply.error,
        "started": reply.started,
        "finished": reply.finished,
    }


class Traffic:
    """The senders, the poller and the one writer of the results file."""

    def __init__(self, job: TrafficJob) -> None:
        self.job = job
        self.target = Endpoint(job.target)
        self.actions = [action_from_wire(a) for a in job.actions]
        self.scheduler = Scheduler()
        self.stopping = threading.Event()
        self.failing = threading.Event()  # the last request failed: probe /latest first
        self._lock = threading.Lock()
        self.writer = ResultsWriter(job.results, append=True)

    def record(self, record: dict[str, Any]) -> None:
        """Append one record (threads share the writer)."""
        with self._lock:
            self.writer.write(record)

    def stop(self) -> None:
        """Hand out no more actions; the senders finish what they hold."""
        self.stopping.set()
        self.scheduler.close()

    def send(self, index: int) -> None:
        """One sender: take, (probe), send, judge, record, complete; until stopped."""
        client = WireClient(self.target, self.job.timeout)
        worker = f"drill-{index}"
        try:
            while not self.stopping.is_set():
                action = self.scheduler.take(timeout=0.2)
                if action is None:
                    continue
                if self.failing.is_set():
                    self.probe(client, "recovery")
                planned = request_for(action)
                try:
                    reply = client.send(planned)
                    outcome, _ = judged_outcome(
                        action,
                        planned,
                        reply,
                        profile="simulator",
                        expected_status=None,
                        worker=worker,
                    )
                except Exception as exc:  # never stall the run on the harness's own bug
                    outcome = tool_error_outcome(action, exc, worker)
                if outcome.error is not None or (outcome.status or 0) >= 500:
                    self.failing.set()
                self.record(outcome.to_record())
                self.scheduler.complete([action.id])
        finally:
            client.close()

    def probe(self, client: WireClient, why: str) -> None:
        """Read ``/latest`` and record the reading."""
        reply = client.send(LATEST)
        record = latest_record(reply, why)
        if record["value"] is not None:
            self.failing.clear()
        self.record(record)

    def poll(self) -> None:
        """One ``/latest`` reading per second while the traffic runs."""
        client = WireClient(self.target, max(self.job.timeout, 1.0))
        try:
            while not self.stopping.wait(POLL_INTERVAL_S):
                self.probe(client, "poll")
        finally:
            client.close()

    def run(self) -> None:
        """Send until ``stop`` arrives on stdin, the deadline passes or the actions run out."""
        self.scheduler.load(self.actions, speed=1.0, register_limit=1)
        # No final barrier: a drill stops mid-stream, and judges /latest from the timings.
        self.scheduler.release_final()
        self.record({"type": "traffic", "event": "started", "time": time.time()})
        threads = [
            threading.Thread(target=self.send, args=(i,), daemon=True)
            for i in range(self.job.concurrency)
        ]
        threads.append(threading.Thread(target=self.poll, daemon=True))
        for thread in threads:
            thread.start()
        threading.Thread(target=self._watch_stdin, daemon=True).start()
        while not self.stopping.is_set():
            if time.time() >= self.job.deadline or self.scheduler.remaining == 0:
                reason = "deadline" if time.time() >= self.job.deadline else "exhausted"
                self.record({"type": "traffic", "event": reason, "time": time.time()})
                self.stop()
            self.stopping.wait(0.1)
        for thread in threads:
            thread.join(timeout=10)
        self.record({"type": "traffic", "event": "stopped", "time": time.time()})
        self.writer.close()

    def _watch_stdin(self) -> None:
        for line in sys.stdin:
            if line.strip() == "stop":
                break
        self.stop()


def main(argv: list[str]) -> int:
    """Entry point of the sender process."""
    # Ctrl-C reaches the whole process group: the drill stops the senders itself ("stop" on
    # stdin), after recording what they sent, so they must not die of it first.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    Traffic(TrafficJob.read(argv[0])).run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
