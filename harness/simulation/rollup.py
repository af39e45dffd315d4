"""Outcomes of the store folded into per-target counters, by SQL, without re-reading history.

One grouped query per window of ``finished`` times (the index ``sim_attempts_finished``)
returns at most one row per target, minute, command, error class and latency bucket, never
one per request. Windows that ended more than an hour (plus :data:`GRACE_S`) ago are folded
once into :class:`Totals` and never read again; the open window (the last one to two hours)
is read on every refresh. Latencies are kept rounded as Locust rounds them (1 ms below
100 ms, 10 ms below 1 s, 100 ms above), so p50/p95 are exact to that resolution.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from harness.simulation.store import Store

#: Outcomes are written within seconds of finishing; a window closes this long after its end.
GRACE_S = 300.0
HOUR = 3600


@dataclass
class Totals:
    """What one target's finished attempts add up to (one window, or the whole run)."""

    requests: int = 0
    errors: int = 0
    resent: int = 0  # attempts after the first (sent again after a restart)
    #: failed attempts by (command, error class)
    failures: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_command: Counter[str] = field(default_factory=Counter)  # attempts per command
    latency: Counter[float] = field(default_factory=Counter)  # rounded ms -> attempts
    #: hour start -> command -> [requests, errors]
    hours: dict[int, dict[str, list[int]]] = field(default_factory=dict)
    minutes: dict[int, list[int]] = field(default_factory=dict)  # minute start -> [req, err]

    def add(self, other: Totals, *, minutes: bool) -> None:
        """Fold ``other`` into this (its per-minute buckets only when ``minutes``)."""
        self.requests += other.requests
        self.errors += other.errors
        self.resent += other.resent
        self.failures.update(other.failures)
        self.by_command.update(other.by_command)
        self.latency.update(other.latency)
        for hour, commands in other.hours.items():
            mine = self.hours.setdefault(hour, {})
            for command, (n, e) in commands.items():
                cell = mine.setdefault(command, [0, 0])
                cell[0] += n
                cell[1] += e
        if minutes:
            for minute, (n, e) in other.minutes.items():
                cell = self.minutes.setdefault(minute, [0, 0])
                cell[0] += n
                cell[1] += e

    def copy(self) -> Totals:
        """A deep copy (the closed part stays untouched when the open part is added)."""
        out = Totals()
        out.add(self, minutes=True)
        return out

    def percentile(self, fraction: float) -> float | None:
        """Nearest-rank percentile of the rounded latencies (None: no latency yet)."""
        count = sum(self.latency.values())
        if not count:
            return None
        rank = max(1, math.ceil(fraction * count))
        seen = 0
        for value in sorted(self.latency):
            seen += self.latency[value]
            if seen >= rank:
                return value
        return None  # not reached: the ranks add up to count


def _floor_div(store: Store, column: str, seconds: int) -> str:
    """``floor(column / seconds) * seconds`` on either backend (times are positive)."""
    if store.postgres:
        return f"CAST(FLOOR({column} / {seconds}) AS BIGINT) * {seconds}"
    return f"CAST({column} / {seconds} AS INTEGER) * {seconds}"


#: The simulator's name of an error: its exception class, else the status code.
ERROR_CLASS = (
    "CASE WHEN failed = 1 THEN CASE WHEN error IS NOT NULL THEN error"
    " WHEN status IS NULL THEN 'no response' ELSE 'HTTP ' || CAST(status AS TEXT) END END"
)
LATENCY_BUCKET = (
    "CASE WHEN latency_ms IS NULL THEN NULL WHEN latency_ms < 100 THEN ROUND(latency_ms)"
    " WHEN latency_ms < 1000 THEN ROUND(latency_ms / 10) * 10"
    " ELSE ROUND(latency_ms / 100) * 100 END"
)


def read_window(store: Store, start: float, end: float | None) -> dict[str, Totals]:
    """Finished attempts with ``start <= finished < end`` (no end: up to now), per target."""
    sql = (
        f"SELECT target, {_floor_div(store, 'finished', 60)} AS m, command, {ERROR_CLASS} AS k,"
        f" {LATENCY_BUCKET} AS b, COUNT(*), COALESCE(SUM(failed), 0),"
        " SUM(CASE WHEN attempt > 1 THEN 1 ELSE 0 END)"
        " FROM sim_attempts WHERE finished >= ?"
        + ("" if end is None else " AND finished < ?")
        + " GROUP BY target, m, command, k, b"
    )
    params: tuple[float, ...] = (start,) if end is None else (start, end)
    return fold(store.query(sql, params))


def fold(rows: Iterable[tuple[Any, ...]]) -> dict[str, Totals]:
    """Grouped rows (target, minute, command, class, bucket, n, failed, resent) -> Totals."""
    out: dict[str, Totals] = {}
    for target, minute, command, klass, bucket, n_, failed_, resent_ in rows:
        t = out.setdefault(str(target), Totals())
        n, failed, resent = int(n_), int(failed_), int(resent_ or 0)
        cmd = str(command)
        t.requests += n
        t.errors += failed
        t.resent += resent
        t.by_command[cmd] += n
        if klass is not None and failed:
            t.failures[(cmd, str(klass))] += failed
        if bucket is not None:
            t.latency[float(bucket)] += n
        m = int(minute)
        hour = t.hours.setdefault(m - m % HOUR, {}).setdefault(cmd, [0, 0])
        hour[0] += n
        hour[1] += failed
        cell = t.minutes.setdefault(m, [0, 0])
        cell[0] += n
        cell[1] += failed
    return out


class Rollup:
    """Closed windows folded once; :meth:`current` adds the open window read now."""

    def __init__(self) -> None:
        self.closed_until: float | None = None  # everything finished before is in _closed
        self._closed: dict[str, Totals] = {}

    def current(self, store: Store, now: float) -> dict[str, Totals]:
        """Every target's totals as of ``now`` (per-minute buckets of the open window only)."""
        boundary = float(math.floor((now - HOUR - GRACE_S) / HOUR) * HOUR)
        if self.closed_until is None or boundary > self.closed_until:
            start = 0.0 if self.closed_until is None else self.closed_until
            for target, totals in read_window(store, start, boundary).items():
                self._closed.setdefault(target, Totals()).add(totals, minutes=False)
            self.closed_until = boundary
        out = {target: totals.copy() for target, totals in self._closed.items()}
        for target, totals in read_window(store, self.closed_until, None).items():
            out.setdefault(target, Totals()).add(totals, minutes=True)
        return out
