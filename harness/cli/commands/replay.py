"""``minitwit-harness replay``: replay a scenario on Locust with the simulator's verdicts."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from typing import IO, Any

from harness.cli.options import add_command, add_option, add_target
from harness.config import Config
from harness.constants import ExitCode
from harness.events import ActionChecked, Event, FindingReported, RunFinished, RunStarted


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
    add_option(p, "replay.scenario", "--scenario", help="scenario file (course format)")
    add_option(p, "replay.speed", "--speed", help="'max' or a factor on recorded delays")
    add_option(p, "replay.profile", "--profile", choices=["simulator", "strict"], help="checks")
    add_option(p, "replay.timeout", "--timeout", type=float, help="connect/read timeout (s)")
    add_option(p, "replay.keep_alive", "--keep-alive", action="store_true", help="reuse conns")
    add_option(p, "replay.concurrency", "--concurrency", type=int, help="concurrent senders")
    add_option(
        p,
        "replay.register_concurrency",
        "--register-concurrency",
        type=int,
        help="registers in flight per worker (default 1; 0 = no limit)",
    )
    add_option(p, "replay.simulator_log", "--simulator-log", metavar="FILE", help="error log")
    add_option(p, "replay.results", "--results", metavar="FILE", help="results file (JSONL)")
    add_option(p, "replay.resume", "--resume", action="store_true", help="continue a run")
    add_option(
        p,
        "replay.resume_from_latest",
        "--resume-from-latest",
        action="store_true",
        help="skip actions up to the target's /latest",
    )
    add_option(p, "replay.workers", "--workers", type=int, help="Locust workers")
    add_option(p, "replay.max_errors", "--max-errors", type=int, help="stop after N errors")
    add_option(p, "replay.verify", "--verify", action="store_true", help="verify afterwards")
    add_option(p, "replay.master", "--master", action="store_true", help="wait for --workers")
    add_option(p, "replay.worker", "--worker", action="store_true", help="join a master")
    add_option(p, "replay.master_host", "--master-host", help="master address (--worker)")
    add_option(p, "replay.master_port", "--master-port", type=int, help="master port")
    add_option(p, "replay.master_bind", "--master-bind", help="master bind address")
    add_option(
        p, "scenario.skip_bad_lines", "--skip-bad-lines", action="store_true", help="skip bad"
    )
    add_option(p, "output_dir", "--output-dir", metavar="DIR", help="where outputs go")


def run(config: Config, args: argparse.Namespace) -> int:
    """Run the replay; exit 1 when the target produced errors or findings."""
    reporter = ProgressReporter(sys.stderr, sys.stdout)
    from harness.execution.replay import run_replay  # heavy: imported only to run

    result = run_replay(config, reporter)
    if config.replay.worker:
        return int(ExitCode.OK if result.ok else ExitCode.TOOL_ERROR)
    for line in result.skipped_lines:
        print(line, file=sys.stderr)
    if result.stopped_early:
        print(f"replay: stopped early; continue with --resume ({result.results_path})")
    return int(ExitCode.OK if result.ok else ExitCode.FINDINGS)
