"""A drill's timeline (pure): per-second counts and latencies, and the outage windows."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.results import Outcome
from harness.scenario.model import Action, Command

#: The failure class of a write refused only because an earlier write it needs had failed.
CONSEQUENCE = "consequence"


def consequences(
    actions: Iterable[Action], outcomes: Iterable[Outcome], lost: Iterable[int] = ()
) -> set[int]:
    """Ids of writes refused (answered) because a register they need failed or was lost.

    A tweet by, or a follow of, a user whose register failed during the outage (or was
    acknowledged and then lost) answers 404 later on: a consequence, not a new failure.
    """
    by_id = {o.action_id: o for o in outcomes}
    gone = set(lost)
    registered: dict[str, bool] = {}
    out: set[int] = set()
    for action in actions:
        outcome = by_id.get(action.id)
        if outcome is None:
            continue
        if action.command is Command.REGISTER:
            registered[action.user] = registered.get(action.user, False) or (
                outcome.verdict == "ok" and action.id not in gone
            )
            continue
        needs = [action.user] + ([action.target] if action.target else [])
        client_error = refused(outcome) and (outcome.status or 0) < 500
        if client_error and not all(registered.get(name, False) for name in needs):
            out.add(action.id)
    return out


def failure_class(outcome: Outcome, consequence: bool = False) -> str | None:
    """None for an acknowledged write; else what went wrong (error class or ``HTTP 503``)."""
    if outcome.verdict == "ok":
        return None
    if consequence:
        return CONSEQUENCE
    if outcome.error is not None:
        return outcome.error
    return f"HTTP {outcome.status}"


def unavailable(outcome: Outcome) -> bool:
    """A failure that says the target was not serving: no answer, a timeout or a 5xx."""
    if outcome.verdict == "ok":
        return False
    return outcome.error is not None or (outcome.status or 0) >= 500


def refused(outcome: Outcome) -> bool:
    """A write the target answered but did not accept (it knows it did not store it)."""
    return outcome.verdict != "ok" and outcome.error is None and outcome.status is not None


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q`` percentile (0..100) by nearest rank; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100.0 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass
class Second:
    """One second of the drill: what was sent, acknowledged, failed (by class), latencies."""

    second: int
    sent: int = 0
    acknowledged: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)

    def to_record(self) -> dict[str, Any]:
        """The JSON form (latency percentiles instead of the raw list)."""
        return {
            "second": self.second,
            "sent": self.sent,
            "acknowledged": self.acknowledged,
            "failed": dict(sorted(self.failed.items())),
            "p50_ms": round(percentile(self.latencies, 50), 3),
            "p99_ms": round(percentile(self.latencies, 99), 3),
        }


class Timeline:
    """Per-second buckets on the drill's clock (seconds since ``start``), filled as they come."""

    def __init__(self, start: float, consequences: set[int] | None = None) -> None:
        self.start = start
        self.consequences = consequences or set()
        self.seconds: dict[int, Second] = {}

    def _bucket(self, when: float) -> Second:
        index = max(0, int(when - self.start))
        found = self.seconds.get(index)
        if found is None:
            found = self.seconds[index] = Second(index)
        return found

    def add(self, outcome: Outcome) -> None:
        """Count one outcome: sent in the second it started, answered in the one it ended."""
        self._bucket(outcome.started).sent += 1
        done = self._bucket(outcome.finished)
        kind = failure_class(outcome, outcome.action_id in self.consequences)
        if kind is None:
            done.acknowledged += 1
        else:
            done.failed[kind] += 1
        done.latencies.append(outcome.latency_ms)

    def rows(self) -> list[Second]:
        """Every second from 0 to the last one with data, gaps included."""
        last = max(self.seconds, default=-1)
        return [self.seconds.get(i) or Second(i) for i in range(last + 1)]


@dataclass(frozen=True)
class Outage:
    """A run of writes the target did not serve, with no acknowledged write between them."""

    start: float  # the first failure's start (epoch seconds)
    end: float  # the last failure's end
    failures: int

    @property
    def seconds(self) -> float:
        """Length of the window."""
        return max(0.0, self.end - self.start)

    def to_record(self) -> dict[str, Any]:
        """The JSON form."""
        return {
            "start": self.start,
            "end": self.end,
            "seconds": round(self.seconds, 3),
            "failures": self.failures,
        }


def outages(outcomes: Iterable[Outcome]) -> list[Outage]:
    """The outage windows, in time order: unavailability grouped until an acknowledgement.

    Outcomes are ordered by when they were sent. Only failures that show the target not
    serving (no answer, timeout, 5xx: :func:`unavailable`) open or extend a window; an
    acknowledged write ends it; a 4xx refusal does neither.
    """
    windows: list[Outage] = []
    run: list[Outcome] = []
    for outcome in sorted(outcomes, key=lambda o: (o.started, o.action_id)):
        if outcome.verdict == "ok":
            if run:
                windows.append(_window(run))
                run = []
        elif unavailable(outcome):
            run.append(outcome)
    if run:
        windows.append(_window(run))
    return windows


def _window(run: list[Outcome]) -> Outage:
    return Outage(min(o.started for o in run), max(o.finished for o in run), len(run))
