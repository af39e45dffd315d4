"""``minitwit-harness replay``: replay a scenario on Locust with the simulator's verdicts."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import IO, Any

from harness.cli.options import add_command, add_option, add_target
from harness.config import Config
from harness.constants import ExitCode
from harness.events import ActionChecked, Event, FindingReported, RunFinished, RunStarted
from harness.output_paths import writable_dir, writable_file


class ProgressReporter:
    """Live progress on stderr (done/total, actions/s, errors by class, ETA) and a summary."""

    def __init__(self, stream: IO[str], out: IO[str], interval: float = 1.0) -> None:
        self.stream = stream
        self.out = out
        self.interval = interval
        self.total = 0
        self.done = 0
        self.errors: Counter[str] = Counter()
        self.started = time.monotonic()
        self.stage = ""
        self._last = 0.0

    def __call__(self, event: Event) -> None:
        """Consume one engine event."""
        if isinstance(event, RunStarted):
            self.stage = event.kind
            if event.kind == "replay":
                self.total = event.total or 0
                self.started = time.monotonic()
        elif isinstance(event, ActionChecked) and self.stage == "replay":
            if self.done == 0:  # rate and ETA count from the first answer, not process start
                self.started = self._last = time.monotonic()
            self.done += 1
            outcome = event.outcome
            if outcome.verdict != "ok":
                self.errors[outcome.error or outcome.check or "error"] += 1
            now = time.monotonic()
            if now - self._last >= self.interval:
                self._last = now
                self.stream.write(self.line(now) + "\n")
                self.stream.flush()
        elif isinstance(event, FindingReported):
            self.out.write(f"finding [{event.finding.profile}] {event.finding.check}: ")
            self.out.write(event.finding.message + "\n")
        elif isinstance(event, RunFinished):
            if event.kind == "replay":
                self.stream.write(self.line(time.monotonic()) + "\n")
            if event.summary:
                self.out.write(event.summary + "\n")
            self.out.write(f"{event.kind}: {'passed' if event.ok else 'FAILED'}\n")
            self.out.flush()

    def line(self, now: float) -> str:
        """One progress line."""
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        left = max(self.total - self.done, 0)
        eta = f"{left / rate:.0f}s" if rate > 0 else "?"
        errors = sum(self.errors.values())
        classes = ", ".join(f"{k} {v}" for k, v in self.errors.most_common())
        detail = f" ({classes})" if classes else ""
        return (
            f"replay: {self.done}/{self.total} {rate:.1f} actions/s "
            f"errors {errors}{detail} ETA {eta}"
        )


def register(subparsers: Any) -> None:
    """Add the ``replay`` subcommand."""
    p = add_command(
        subparsers,
        "replay",
        run,
        "replay a scenario on Locust, causally ordered, with the course simulator's verdicts",
    )
    add_target(p, required=True)
    opt = add_option
    opt(
        p,
        "replay.scenario",
        "--scenario",
        metavar="FILE",
        help="scenario file in the course format",
    )
    opt(
        p,
        "replay.speed",
        "--speed",
        help="'max', or a factor on the recorded delays (1 = real time)",
    )
    opt(
        p,
        "replay.profile",
        "--profile",
        help="verdicts: the simulator's, or those plus the normative API",
    )
    opt(
        p,
        "replay.timeout",
        "--timeout",
        help="connect and read timeout per request, like the simulator's",
    )
    opt(
        p,
        "replay.keep_alive",
        "--keep-alive",
        action="store_true",
        help="reuse connections (the simulator opens one per request)",
    )
    opt(
        p,
        "replay.concurrency",
        "--concurrency",
        help="requests in flight; more than the target's cores + 2 only queues past the timeout",
    )
    opt(
        p,
        "replay.register_concurrency",
        "--register-concurrency",
        help="registers in flight per worker (0 = no limit): password hashing is the costly write",
    )
    opt(
        p,
        "replay.namespace",
        "--namespace",
        metavar="auto|none|TAG",
        help="rename users 'NAME ~TAG' so the run's data is its own on a target that holds "
        "data (auto: a fresh tag, kept by --resume; default none)",
    )
    opt(
        p,
        "replay.simulator_log",
        "--simulator-log",
        metavar="FILE",
        help="write the simulator's error log here",
    )
    opt(
        p,
        "replay.results",
        "--results",
        metavar="FILE",
        help="results file (JSONL); default under --output-dir",
    )
    opt(
        p,
        "replay.resume",
        "--resume",
        action="store_true",
        help="continue the run recorded in --results",
    )
    opt(
        p,
        "replay.retry_failed",
        "--retry-failed",
        action="store_true",
        help="with --resume: send again the actions that failed (never those acknowledged)",
    )
    opt(
        p,
        "replay.resume_from_latest",
        "--resume-from-latest",
        action="store_true",
        help="skip the actions up to the target's /latest",
    )
    opt(p, "replay.workers", "--workers", help="locust worker processes (0 = one local process)")
    opt(p, "replay.max_errors", "--max-errors", help="stop after this many errors")
    opt(
        p,
        "replay.verify",
        "--verify",
        action="store_true",
        help="read the target back afterwards and diff it with the scenario",
    )
    opt(
        p,
        "replay.master",
        "--master",
        action="store_true",
        help="coordinate --workers N workers started elsewhere",
    )
    opt(
        p,
        "replay.worker",
        "--worker",
        action="store_true",
        help="be one worker of the master at --master-host",
    )
    opt(
        p,
        "replay.master_host",
        "--master-host",
        metavar="HOST",
        help="address of the master (with --worker)",
    )
    opt(p, "replay.master_port", "--master-port", metavar="PORT", help="port of the master")
    opt(
        p,
        "replay.master_bind",
        "--master-bind",
        metavar="ADDR",
        help="address the master listens on",
    )
    opt(
        p,
        "replay.worker_wait",
        "--worker-wait",
        help="how long the master waits for its workers to connect",
    )
    opt(
        p,
        "scenario.skip_bad_lines",
        "--skip-bad-lines",
        action="store_true",
        help="skip malformed scenario lines (each reported) instead of stopping",
    )
    opt(p, "output_dir", "--output-dir", metavar="DIR", help="where results and logs go")


def run(config: Config, args: argparse.Namespace) -> int:
    """Run the replay; exit 1 when the target produced errors or findings."""
    work_dir = writable_dir(Path(config.output_dir) / "replay", config.where("output_dir"))
    writable_file(
        config.replay.results or work_dir / "results.jsonl", config.where("replay.results")
    )
    if config.replay.simulator_log:
        writable_file(config.replay.simulator_log, config.where("replay.simulator_log"))
    reporter = ProgressReporter(sys.stderr, sys.stdout)
    from harness.execution.replay import run_replay  # heavy: imported only to run

    result = run_replay(config, reporter)
    if config.replay.worker:
        return int(ExitCode.OK if result.ok else ExitCode.TOOL_ERROR)
    for line in result.skipped_lines:
        print(line, file=sys.stderr)
    if result.namespace:
        print(
            f"replay: namespace {result.namespace} (users renamed 'NAME ~{result.namespace}'; "
            f"verify with --results {result.results_path})"
        )
    if result.stopped_early:
        print(f"replay: stopped early; continue with --resume ({result.results_path})")
    return int(ExitCode.OK if result.ok else ExitCode.FINDINGS)
