"""The drill seen from the harness process: traffic, the operation on the same clock, proof.

Phases: ``warm-up`` (traffic only), ``operation`` (the command runs, or the operator's
marks), ``cool-down`` (traffic only), then the senders stop, the writes in flight
complete, and every user of the drill is read back.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from harness.checks.drill import (
    LatestReading,
    drill_verdict,
    stale_latest,
)
from harness.checks.drill_timeline import Timeline, consequences, outages
from harness.config import Config
from harness.errors import HarnessError, TargetUnreachable, UsageError
from harness.events import (
    ActionChecked,
    DrillTicked,
    EventSink,
    FindingReported,
    OperationMarked,
    RunFinished,
    RunStarted,
)
from harness.execution.drill.document import DrillRun, drill_document
from harness.execution.drill.operation import ManualOperation, OperationRecord, ShellOperation
from harness.execution.drill.proof import Proof, prove
from harness.execution.drill.result import DrillResult, named_by_lost_writes
from harness.execution.drill.settings import DrillSettings, drill_settings
from harness.execution.drill.traffic import TrafficJob
from harness.execution.replay.job import action_to_wire
from harness.planning.drill import generated_traffic, namespace, paced
from harness.results import LineTail, Outcome, ResultsWriter, header_record
from harness.scenario.model import Action
from harness.scenario.parse import read_scenario
from harness.verify.client import Reader

TRAFFIC_MODULE = "harness.execution.drill.traffic"
START_WAIT_S = 30.0  # the sender process imports its transport first


def _check_writable(path: Path) -> None:
    existed = path.exists()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError as exc:
        raise UsageError(f"--results: cannot write {path}: {exc.strerror or exc}") from None
    if not existed:
        path.unlink()


def _traffic_actions(s: DrillSettings, tag: str) -> list[Action]:
    """The drill's actions: the scenario's or generated ones, namespaced and paced."""
    if s.scenario is not None:
        actions = list(read_scenario(s.scenario).actions)
    else:
        # Enough for every phase at its longest; the senders stop long before the end.
        longest = s.warm_up + s.cool_down + s.operation_timeout * (2 if s.manual else 1) + 5
        actions = generated_traffic(s.rate, longest, s.seed)
    if not actions:
        raise UsageError(f"--scenario: no actions in {s.scenario}")
    return paced(namespace(actions, tag), s.rate)


def _read_latest(reader: Reader, why: str) -> LatestReading:
    read = reader.get("/latest")
    value = read.body.get("latest") if isinstance(read.body, dict) else None
    usable = read.status == 200 and isinstance(value, int) and not isinstance(value, bool)
    return LatestReading(why, value if usable else None, read.started, read.finished)


class _Drill:
    """One run: the sender process, the tail of its results, the phases, the ticks."""

    def __init__(self, s: DrillSettings, sink: EventSink, prompt: Callable[[str], None]) -> None:
        self.s = s
        self.sink = sink
        self.prompt = prompt
        self.tag = "d" + secrets.token_hex(3)
        self.actions = _traffic_actions(s, self.tag)
        self.traffic_path = s.work_dir / "traffic.jsonl"
        self.outcomes: list[Outcome] = []
        self.readings: list[LatestReading] = []
        self.traffic_events: dict[str, float] = {}
        self.timeline: Timeline | None = None
        self.consequences: set[int] = set()
        self.reader = Reader(s.target, max(2.0, s.timeout))
        self.ticked = 0
        self.phase = "warm-up"
        self.interrupted: str | None = None  # where Ctrl-C stopped it

    def start_traffic(self) -> subprocess.Popen[bytes]:
        s = self.s
        with ResultsWriter(self.traffic_path) as writer:
            writer.write(header_record("drill", s.target, tag=self.tag, rate=s.rate))
        bound = s.warm_up + s.cool_down + s.operation_timeout * 2 + 60
        job = TrafficJob(
            target=s.target,
            results=str(self.traffic_path),
            rate=s.rate,
            timeout=s.timeout,
            concurrency=s.concurrency,
            deadline=time.time() + bound,
            actions=[action_to_wire(a) for a in self.actions],
        )
        job_path = s.work_dir / "traffic-job.json"
        job.write(job_path)
        with open(s.work_dir / "traffic.log", "ab") as log:
            return subprocess.Popen(
                [sys.executable, "-m", TRAFFIC_MODULE, str(job_path)],
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def drain(self, tail: LineTail) -> None:
        """Take in what the senders recorded since the last call."""
        for line in tail.new_lines():
            if not line.strip():
                continue
            record = json.loads(line)
            kind = record.get("type")
            if kind == "outcome":
                outcome = Outcome.from_record(record)
                self.outcomes.append(outcome)
                if self.timeline is not None:
                    self.timeline.add(outcome)
                self.sink(ActionChecked(outcome))
            elif kind == "latest":
                self.readings.append(
                    LatestReading(
                        record["why"], record["value"], record["started"], record["finished"]
                    )
                )
            elif kind == "traffic":
                self.traffic_events.setdefault(record["event"], record["time"])
                if record["event"] == "started":
                    self.timeline = Timeline(record["time"])

    def tick(self, now: float | None) -> None:
        """One DrillTicked per second that can no longer change (answers take <= timeout).

        ``now`` None: every second with data (the traffic has stopped).
        """
        if self.timeline is None:
            return
        last = max(self.timeline.seconds, default=-1)
        while (
            self.ticked <= last
            if now is None
            else now - self.timeline.start >= self.ticked + 1 + self.s.timeout + 0.2
        ):
            row = self.timeline.seconds.get(self.ticked)
            latest = next((r.value for r in reversed(self.readings) if r.value is not None), None)
            self.sink(
                DrillTicked(
                    second=self.ticked,
                    phase=self.phase,
                    sent=row.sent if row else 0,
                    acknowledged=row.acknowledged if row else 0,
                    failed=sum(row.failed.values()) if row else 0,
                    latest=latest,
                )
            )
            self.ticked += 1

    def run(self) -> tuple[OperationRecord, Path]:
        """Traffic and the operation; returns the operation's record and its log."""
        s = self.s
        op_log = s.work_dir / "operation.log"
        tail = LineTail(self.traffic_path)
        proc = self.start_traffic()
        manual = ManualOperation(self.prompt) if s.manual else None
        shell = (
            None
            if s.manual
            else ShellOperation(s.during or "", op_log, s.operation_timeout, s.target)
        )
        record = manual.record if manual else shell.record  # type: ignore[union-attr]
        stopped = False
        try:
            tail = LineTail(self.traffic_path, tail.offset)
            deadline = time.time() + START_WAIT_S
            while self.timeline is None:
                self.drain(tail)
                if proc.poll() is not None or time.time() > deadline:
                    raise HarnessError(
                        f"drill: the sender process did not start "
                        f"(see {s.work_dir / 'traffic.log'})"
                    )
                time.sleep(0.05)
            t0 = self.timeline.start
            try:
                self._phases(proc, tail, t0, manual, shell, record)
            except KeyboardInterrupt:
                self.interrupted = f"at +{time.time() - t0:.0f}s, during the {self.phase}"
                self.prompt(f"drill: interrupted {self.interrupted}; proving what was sent")
            self._stop(proc)
            stopped = True
            self.drain(tail)
            self.tick(None)
            self.readings.append(_read_latest(self.reader, "final"))
        finally:
            if not stopped:
                proc.kill()
                proc.wait()
            if shell is not None:
                shell.kill()
            if manual is not None:
                manual.close()
        return record, op_log

    def _phases(
        self,
        proc: subprocess.Popen[bytes],
        tail: LineTail,
        t0: float,
        manual: ManualOperation | None,
        shell: ShellOperation | None,
        record: OperationRecord,
    ) -> None:
        """Warm-up, the operation and cool-down, until the cool-down has ended."""
        s = self.s
        cool_end: float | None = None
        asked = False
        while True:
            now = time.time()
            self.drain(tail)
            self.tick(now)
            if proc.poll() is not None and not self._ran_dry(tail):
                raise HarnessError(
                    f"drill: the sender process ended early "
                    f"(exit {proc.returncode}; see {s.work_dir / 'traffic.log'})"
                )
            if self.phase == "warm-up" and now - t0 >= s.warm_up:
                if manual is not None and not asked:
                    manual.ask_start()
                    asked = True
                if manual is None or manual.started():
                    self.readings.append(_read_latest(self.reader, "before"))
                    if shell is not None:
                        shell.start()
                    self.phase = "operation"
                    self.sink(OperationMarked("started", record.start - t0))
                elif now - t0 > s.warm_up + s.operation_timeout:
                    raise HarnessError("drill: the operation's start was never marked")
            elif self.phase == "operation":
                done = shell.poll() if shell is not None else manual.poll()  # type: ignore[union-attr]
                if not done and manual is not None and now - record.start > s.operation_timeout:
                    record.timed_out, record.end = True, now
                    done = True
                if done:
                    assert record.end is not None
                    self.readings.append(_read_latest(self.reader, "after"))
                    self.phase = "cool-down"
                    cool_end = record.end + s.cool_down
                    self.sink(OperationMarked("ended", record.end - t0, record.exit_code))
            elif self.phase == "cool-down" and cool_end is not None and now >= cool_end:
                return
            time.sleep(0.1)

    def _ran_dry(self, tail: LineTail) -> bool:
        """Whether the sender process ended by itself: the scenario (or its bound) ran out."""
        self.drain(tail)  # the process may have recorded why just before it ended
        return "exhausted" in self.traffic_events or "deadline" in self.traffic_events

    def _stop(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdin is not None
        try:
            proc.stdin.write(b"stop\n")
            proc.stdin.close()
        except BrokenPipeError:
            pass
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_drill(
    config: Config, sink: EventSink, *, prompt: Callable[[str], None] = print
) -> DrillResult:
    """Rehearse ``--during`` (or a manual operation) under simulator traffic; prove the data."""
    s = drill_settings(config)
    _check_writable(s.results)
    s.work_dir.mkdir(parents=True, exist_ok=True)
    drill = _Drill(s, sink, prompt)
    first = _read_latest(drill.reader, "initial")
    if first.value is None:
        read = drill.reader.get("/latest")
        if read.status is None:
            raise TargetUnreachable(f"target {s.target} is unreachable: {read.problem}")
        raise TargetUnreachable(
            f"target {s.target}: GET /latest answered {read.status} "
            'without {"latest": <integer>} (is --target the API\'s base URL?)'
        )
    drill.readings.append(first)
    sink(RunStarted(kind="drill", target=s.target, total=None))
    try:
        record, op_log = drill.run()
        proof = prove(s.target, drill.actions, drill.outcomes)
    finally:
        drill.reader.close()
    assert drill.timeline is not None
    drill.consequences = consequences(
        drill.actions, drill.outcomes, (w.action_id for w in proof.lost)
    )
    timeline = Timeline(drill.timeline.start, drill.consequences)
    for outcome in drill.outcomes:
        timeline.add(outcome)
    result = _judge(drill, record, proof)
    result.document = drill_document(
        DrillRun(
            settings=s,
            tag=drill.tag,
            timeline=timeline,
            consequences=drill.consequences,
            outcomes=drill.outcomes,
            readings=drill.readings,
            operation=record,
            operation_log=op_log,
            traffic_results=drill.traffic_path,
            traffic_events=drill.traffic_events,
        ),
        proof,
        result.verdict,
        result.stale,
        result.outages,
    )
    s.results.write_text(
        json.dumps(result.document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    result.findings = [
        *result.verdict.findings(s.target),
        *(dataclasses.replace(f, stage="drill") for f in proof.findings),
    ]
    for finding in result.findings:
        sink(FindingReported(finding))
    summary = "\n".join(result.document["summary"])
    sink(RunFinished(kind="drill", ok=result.ok, summary=summary))
    return result


def _judge(drill: _Drill, record: OperationRecord, proof: Proof) -> DrillResult:
    s = drill.s
    windows = outages(drill.outcomes)
    stale = stale_latest(drill.readings, drill.outcomes)
    end = record.end if record.end is not None else float("inf")
    differences = [
        (f.check, f"{f.check}: {f.message}") for f in proof.findings if not named_by_lost_writes(f)
    ]
    verdict = drill_verdict(
        lost=proof.lost,
        differences=differences,
        stale=stale,
        acknowledged_after_operation=sum(
            1 for o in drill.outcomes if o.verdict == "ok" and o.started >= end
        ),
        acknowledged_total=sum(1 for o in drill.outcomes if o.verdict == "ok"),
        operation_exit=record.exit_code,
        operation_timed_out=record.timed_out,
        longest_outage=max((w.seconds for w in windows), default=0.0),
        max_outage=s.max_outage,
        unreadable=proof.unreadable,
        ran_out_before_end=_ran_out(drill, end),
        interrupted=drill.interrupted,
    )
    return DrillResult(verdict, s.results, proof.lost, stale, windows)


def _ran_out(drill: _Drill, operation_end: float) -> float | None:
    """Seconds into the drill at which a ``--scenario`` ran out, if before the operation ended."""
    exhausted = drill.traffic_events.get("exhausted")
    if exhausted is None or exhausted >= operation_end or drill.timeline is None:
        return None
    return exhausted - drill.timeline.start
