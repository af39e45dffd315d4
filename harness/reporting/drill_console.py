"""Live progress of a drill on the console: one line per second, the operation's marks."""

from __future__ import annotations

from typing import IO

from harness.events import DrillTicked, Event, OperationMarked, RunFinished


class DrillProgress:
    """A sink: per-second lines on ``stream``; the summary and verdict on ``out``."""

    def __init__(self, stream: IO[str], out: IO[str]) -> None:
        self.stream = stream
        self.out = out

    def __call__(self, event: Event) -> None:
        """Consume one event of the drill."""
        if isinstance(event, DrillTicked):
            latest = "?" if event.latest is None else str(event.latest)
            self.stream.write(
                f"drill +{event.second:>4}s {event.phase:<9} sent {event.sent:>3} "
                f"ack {event.acknowledged:>3} failed {event.failed:>3} latest {latest}\n"
            )
            self.stream.flush()
        elif isinstance(event, OperationMarked):
            code = "" if event.exit_code is None else f" (exit {event.exit_code})"
            self.stream.write(f"drill +{event.second:.1f}s operation {event.what}{code}\n")
            self.stream.flush()
        elif isinstance(event, RunFinished) and event.kind == "drill":
            if event.summary:
                self.out.write(event.summary + "\n")
            self.out.write(f"drill: {'passed' if event.ok else 'FAILED'}\n")
            self.out.flush()
