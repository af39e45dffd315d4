"""Small past-tense events emitted by the engines and consumed by reporters.

Engines never print; they hand events to a sink (any callable taking an ``Event``).
Console progress, JSON lines and the bundle writer are sinks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from harness.findings import Finding
from harness.results import Outcome


@dataclass(frozen=True)
class RunStarted:
    """A stage started: ``kind`` is replay, load, contract, verify, allowlist."""

    kind: str
    target: str | None
    total: int | None = None


@dataclass(frozen=True)
class ActionChecked:
    """One request completed and was judged."""

    outcome: Outcome


@dataclass(frozen=True)
class FindingReported:
    """A check found a deviation."""

    finding: Finding


@dataclass(frozen=True)
class CheckFinished:
    """A named check ran to its end (``passed`` False means it produced findings)."""

    name: str
    passed: bool
    skipped_reason: str | None = None


@dataclass(frozen=True)
class RunFinished:
    """A stage finished; ``ok`` is its pass/fail verdict."""

    kind: str
    ok: bool
    summary: str = ""


@dataclass(frozen=True)
class DrillTicked:
    """One more second of a drill: its phase and that second's counts (live progress)."""

    second: int
    phase: str  # warm-up, operation, cool-down
    sent: int
    acknowledged: int
    failed: int
    latest: int | None  # the last /latest reading


@dataclass(frozen=True)
class OperationMarked:
    """The drilled operation started or ended (``exit_code`` of a command that ended)."""

    what: str  # started, ended
    second: float
    exit_code: int | None = None


Event = (
    RunStarted
    | ActionChecked
    | FindingReported
    | CheckFinished
    | RunFinished
    | DrillTicked
    | OperationMarked
)
EventSink = Callable[[Event], None]


def null_sink(event: Event) -> None:
    """A sink that ignores everything."""
