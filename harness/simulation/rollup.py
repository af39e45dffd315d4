"""Outcomes of the store folded into per-target counters, by SQL, without re-reading history.

Grouped queries over a window of ``finished`` times (the index ``sim_attempts_finished``)
return one row per target, time bucket, command and error class, and one per target and
latency bucket, never one per request. Outcomes that finished more than :data:`GRACE_S` ago
are folded once into the closed part and never read again (in hour buckets, minute buckets
for the chart's last hour); only the open window (the last two minutes or so) is read on
every refresh. Latencies are kept rounded as Locust rounds them (1 ms below 100 ms, 10 ms
below 1 s, 100 ms above), so p50/p95 are exact to that resolution.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from harness.simulation.store import Store

#: Outcomes are committed within seconds of finishing; a minute is closed this long after.
GRACE_S = 120.0
HOUR = 3600
MINUTE = 60
#: Per-minute buckets are kept this long (the overview's chart).
CHART_S = 3600

#: hour start -> command -> [requests, errors]
Hours = dict[int, dict[str, list[int]]]


@dataclass
class Totals:
    """What one target's finished attempts add up to."""

    requests: int = 0
    errors: int = 0
    resent: int = 0  # attempts after the first (sent again after a restart)
    #: failed attempts by (command, error class)
    failures: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_command: Counter[str] = field(default_factory=Counter)  # attempts per command
    latency: Counter[float] = field(default_factory=Counter)  # rounded ms -> attempts

    def add(self, other: Totals) -> None:
        """Fold ``other`` into this."""
        self.requests += other.requests
        self.errors += other.errors
        self.resent += other.resent
        self.failures.update(other.failures)
        self.by_command.update(other.by_command)
        self.latency.update(other.latency)

    def copy(self) -> Totals:
        """A copy (a few small counters: cheap for hundreds of targets)."""
        out = Totals()
        out.add(self)
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


@dataclass
class Window:
    """The outcomes of one window of ``finished`` times, per target."""

    totals: dict[str, Totals] = field(default_factory=dict)
    hours: dict[str, Hours] = field(default_factory=dict)
    minutes: dict[str, dict[int, list[int]]] = field(default_factory=dict)  # [req, err]

    def total(self, target: str) -> Totals:
        """The target's totals (created empty)."""
        return self.totals.setdefault(target, Totals())


def _floor(store: Store, column: str, seconds: int) -> str:
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
    "CASE WHEN latency_ms < 100 THEN ROUND(latency_ms)"
    " WHEN latency_ms < 1000 THEN ROUND(latency_ms / 10) * 10"
    " ELSE ROUND(latency_ms / 100) * 100 END"
)


def _table(store: Store, unit: int) -> str:
    """The attempts, for SQLite read through the index on ``finished`` in a minute-grained
    (recent, short) window: its planner would rather scan the whole ``(target, finished)``
    index to save the GROUP BY's sort (1 s on 5 million rows); in an hour-grained one (the
    history, at the first refresh) as a plain table scan (index order costs a random read
    per row: 52 s instead of 10 on the same rows)."""
    if store.postgres:
        return "sim_attempts"
    if unit == MINUTE:
        return "sim_attempts INDEXED BY sim_attempts_finished"
    return "sim_attempts NOT INDEXED"


def _range(end: float | None) -> tuple[str, tuple[float, ...]]:
    return ("finished >= ?", ()) if end is None else ("finished >= ? AND finished < ?", (end,))


def read_window(store: Store, start: float, end: float | None, unit: int) -> Window:
    """Finished attempts with ``start <= finished < end`` (no end: up to now), per target,
    in buckets of ``unit`` seconds (``MINUTE`` also fills the per-minute buckets)."""
    where, more = _range(end)
    params = (start, *more)
    out = Window()
    rows: list[tuple[Any, ...]] = store.query(
        f"SELECT target, {_floor(store, 'finished', unit)} AS t, command, {ERROR_CLASS} AS k,"
        " COUNT(*), COALESCE(SUM(failed), 0), SUM(CASE WHEN attempt > 1 THEN 1 ELSE 0 END)"
        f" FROM {_table(store, unit)} WHERE {where} GROUP BY target, t, command, k",
        params,
    )
    for target, t_, command, klass, n_, failed_, resent_ in rows:
        name, cmd, t = str(target), str(command), int(t_)
        n, failed, resent = int(n_), int(failed_), int(resent_ or 0)
        totals = out.total(name)
        totals.requests += n
        totals.errors += failed
        totals.resent += resent
        totals.by_command[cmd] += n
        if klass is not None and failed:
            totals.failures[(cmd, str(klass))] += failed
        cell = out.hours.setdefault(name, {}).setdefault(t - t % HOUR, {}).setdefault(cmd, [0, 0])
        cell[0] += n
        cell[1] += failed
        if unit == MINUTE:
            minute = out.minutes.setdefault(name, {}).setdefault(t, [0, 0])
            minute[0] += n
            minute[1] += failed
    for target, bucket, n_ in store.query(
        f"SELECT target, {LATENCY_BUCKET} AS b, COUNT(*) FROM {_table(store, unit)}"
        f" WHERE {where} AND latency_ms IS NOT NULL GROUP BY target, b",
        params,
    ):
        out.total(str(target)).latency[float(bucket)] += int(n_)
    return out


def _merge_hours(into: Hours, other: Hours) -> None:
    for hour, commands in other.items():
        mine = into.setdefault(hour, {})
        for command, (n, e) in commands.items():
            cell = mine.setdefault(command, [0, 0])
            cell[0] += n
            cell[1] += e


class Rollup:
    """The closed part, folded once; :meth:`refresh` reads the open window anew."""

    def __init__(self) -> None:
        self.closed_until: float | None = None  # everything finished before is folded
        self._closed = Window()
        self._open = Window()

    def _fold(self, window: Window) -> None:
        for target, totals in window.totals.items():
            self._closed.total(target).add(totals)
        for target, hours in window.hours.items():
            _merge_hours(self._closed.hours.setdefault(target, {}), hours)
        for target, minutes in window.minutes.items():
            self._closed.minutes.setdefault(target, {}).update(minutes)

    def refresh(self, store: Store, now: float) -> None:
        """Fold what closed since the last refresh, then read the open window."""
        boundary = float(math.floor((now - GRACE_S) / MINUTE) * MINUTE)
        chart_start = float(math.floor(now / MINUTE) * MINUTE - CHART_S)
        start = self.closed_until
        if start is None or boundary > start:
            first = 0.0 if start is None else start
            closing = []  # read both before folding either: a failed read folds nothing twice
            if first < min(boundary, chart_start):  # older than the chart: hour buckets
                closing.append(read_window(store, first, min(boundary, chart_start), HOUR))
            if max(first, chart_start) < boundary:
                closing.append(read_window(store, max(first, chart_start), boundary, MINUTE))
            for window in closing:
                self._fold(window)
            self.closed_until = boundary
        for minutes in self._closed.minutes.values():
            for old in [m for m in minutes if m < chart_start]:
                del minutes[old]
        self._open = read_window(store, self.closed_until or boundary, None, MINUTE)

    def totals(self, target: str) -> Totals:
        """The target's totals as of the last refresh."""
        out = self._closed.totals.get(target, Totals()).copy()
        if target in self._open.totals:
            out.add(self._open.totals[target])
        return out

    def minutes(self, target: str) -> dict[int, list[int]]:
        """The target's per-minute [requests, errors] of the last hour or so."""
        out = dict(self._closed.minutes.get(target, {}))
        for minute, (n, e) in self._open.minutes.get(target, {}).items():
            old = out.get(minute, [0, 0])
            out[minute] = [old[0] + n, old[1] + e]
        return out

    def hours(self, target: str) -> list[tuple[int, str, int, int]]:
        """(hour start, command, requests, errors) of the whole run, oldest first."""
        merged: Hours = {}
        _merge_hours(merged, self._closed.hours.get(target, {}))
        _merge_hours(merged, self._open.hours.get(target, {}))
        return [(h, c, n, e) for h in sorted(merged) for c, (n, e) in sorted(merged[h].items())]
