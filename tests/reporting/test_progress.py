"""Long runs show progress: stage start, throttled counters with rate/errors/ETA, stage end."""

from __future__ import annotations

import io

from harness.events import ActionChecked, CheckFinished, RunFinished, RunStarted
from harness.reporting.progress import ProgressPrinter
from harness.results import Outcome


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _outcome(ok: bool) -> Outcome:
    return Outcome(
        1,
        "tweet",
        "u",
        204 if ok else None,
        None if ok else "ReadTimeout",
        "ok" if ok else "error",
        None,
        1.0,
        0.0,
        0.0,
    )


def test_progress_lines_are_throttled_and_carry_rate_errors_and_eta() -> None:
    out, clock = io.StringIO(), _Clock()
    printer = ProgressPrinter(out, every_s=2.0, clock=clock)

    printer(RunStarted("replay", "http://t", total=100))
    for i in range(50):
        clock.now = i * 0.1  # 10 requests per second
        printer(ActionChecked(_outcome(ok=i != 7)))
    printer(RunFinished("replay", ok=False, summary="1 error"))

    lines = out.getvalue().splitlines()
    assert lines[0] == "▶ replay (100 requests)"
    progress = [line for line in lines if line.startswith("  replay:")]
    assert len(progress) == 2  # at 2 s and 4 s of a 4.9 s run, not one per request
    assert "21/100 requests, 10/s, errors ReadTimeout 1, ETA 8s" in progress[0]
    assert lines[-1] == "✘ replay: failed 1 error"


def test_the_rate_is_measured_from_the_first_request_not_the_stage_start() -> None:
    """A stage's start-up (Locust starting, say) does not dilute the rate or stretch the ETA."""
    out, clock = io.StringIO(), _Clock()
    printer = ProgressPrinter(out, every_s=2.0, clock=clock)

    printer(RunStarted("load", "http://t", total=100))
    for i in range(30):
        clock.now = 3.0 + i * 0.1  # 3 s of start-up, then 10 requests per second
        printer(ActionChecked(_outcome(ok=True)))

    progress = [line for line in out.getvalue().splitlines() if line.startswith("  load:")]
    # one line, 2 s after the first request: 10/s (not 21 requests / 5 s = 4/s), ETA 8 s
    assert progress == ["  load: 21/100 requests, 10/s, ETA 8s"], progress


def test_contract_progress_counts_checks_as_checks() -> None:
    out, clock = io.StringIO(), _Clock()
    printer = ProgressPrinter(out, every_s=2.0, clock=clock)

    printer(RunStarted("contract", "http://t", total=40))
    for i in range(25):
        clock.now = i * 0.1  # 10 checks per second
        printer(CheckFinished(f"check{i}", passed=i != 3))

    lines = out.getvalue().splitlines()
    assert lines[0] == "▶ contract (40 checks)"
    assert lines[1] == "  contract: 21/40 checks, 10/s, errors failed 1, ETA 2s"
