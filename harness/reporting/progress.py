"""Console progress for long runs: one line per stage start/end, throttled counters between."""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import TextIO

from harness.events import (
    ActionChecked,
    CheckFinished,
    Event,
    FindingReported,
    RunFinished,
    RunStarted,
)

#: What one step of a stage is; a stage not listed counts requests.
UNITS = {"contract": "checks", "verify": "reads", "allowlist": "probes"}


class ProgressPrinter:
    """An event sink printing progress lines (done/total, rate, errors, ETA) to a stream."""

    def __init__(
        self,
        stream: TextIO | None = None,
        every_s: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream or sys.stderr
        self.every_s = every_s
        self.clock = clock
        self._kind = ""
        self._total: int | None = None
        self._done = 0
        self._errors: Counter[str] = Counter()
        self._findings = 0
        self._started = 0.0
        self._first: float | None = None  # the stage's first request (after its start-up)
        self._last = 0.0

    def _print(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def line(self) -> str:
        """The current progress line of the running stage."""
        # Measured from the first request, so that the stage's start-up (importing and
        # starting Locust, say) does not dilute the rate and stretch the ETA.
        since = self._started if self._first is None else self._first
        elapsed = max(self.clock() - since, 1e-9)
        rate = self._done / elapsed
        total = f"/{self._total}" if self._total else ""
        unit = UNITS.get(self._kind, "requests")
        text = f"  {self._kind}: {self._done}{total} {unit}, {rate:.0f}/s"
        if self._errors:
            text += ", errors " + ", ".join(f"{k} {v}" for k, v in self._errors.most_common())
        if self._findings:
            text += f", {self._findings} findings"
        if self._total and rate > 0 and self._done < self._total:
            text += f", ETA {(self._total - self._done) / rate:.0f}s"
        return text

    def _step(self, now: float, error: str | None) -> None:
        """One request, action or check done; a throttled progress line."""
        if self._first is None:  # the first line comes every_s after the first step
            self._first = self._last = now
        self._done += 1
        if error is not None:
            self._errors[error] += 1
        if now - self._last >= self.every_s:
            self._last = now
            self._print(self.line())

    def __call__(self, event: Event) -> None:
        """Consume one event."""
        now = self.clock()
        if isinstance(event, RunStarted):
            self._kind, self._total, self._done = event.kind, event.total, 0
            self._errors.clear()
            self._findings = 0
            self._started = self._last = now
            self._first = None
            size = f" ({event.total} {UNITS.get(event.kind, 'requests')})" if event.total else ""
            self._print(f"▶ {event.kind}{size}")
        elif isinstance(event, ActionChecked):
            error = event.outcome.error or f"HTTP {event.outcome.status}"
            self._step(now, None if event.outcome.verdict == "ok" else error)
        elif isinstance(event, CheckFinished):
            failed = not event.passed and event.skipped_reason is None
            self._step(now, "failed" if failed else None)
        elif isinstance(event, FindingReported):
            self._findings += 1
        elif isinstance(event, RunFinished):
            mark = "✔" if event.ok else "✘"
            self._print(
                f"{mark} {event.kind}: {'passed' if event.ok else 'failed'} {event.summary}"
            )
