"""The status numbers of a simulation, computed by SQL over the store (:mod:`.store`).

What the dashboard, its JSON and ``/metrics`` show, per target: actions sent of the total,
errors by class and by command, availability (up, or down since the open outage's start),
``/latest`` as the target last reported it against the last id it had acknowledged, p50/p95
latency, error rate per minute (the last hour) and per hour and command (the whole run),
outages and the recent failed requests with their exchange.

Cost per refresh: two grouped queries over the open window of :class:`.rollup.Rollup` (older
outcomes were folded once), one indexed query for attempts in flight, one per target for its
last ``/latest`` poll, and the outages table (one row per outage). Nothing is read per request.
The per-hour table of a target is only in its own page and JSON (``detail``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from harness.constants import FORMAT_VERSION, SIMULATION_STATUS_FORMAT
from harness.simulation.rollup import Rollup, Totals
from harness.simulation.store import Store, open_store

#: The overview's error-rate chart: this many one-minute buckets, ending now.
CHART_MINUTES = 60
#: The target page lists this many of the latest failed requests.
RECENT_FAILURES = 20


@dataclass(frozen=True)
class TargetOutage:
    """A time the target was down (``ended`` None: down now)."""

    started: float
    ended: float | None

    def seconds(self, now: float) -> float:
        """How long it lasted (so far)."""
        return (self.ended if self.ended is not None else now) - self.started


@dataclass(frozen=True)
class LatestPoll:
    """The simulator's last ``GET /latest`` of a target."""

    at: float
    value: int | None  # what the target reported (None: no well-formed answer)
    last_acknowledged: int | None  # the greatest action id it had acknowledged by then
    error: str | None


@dataclass(frozen=True)
class TargetStatus:
    """One row of the overview (and the top of the target page)."""

    name: str
    base_url: str
    paused: bool
    total: int  # the scenario's actions for this target
    sent: int  # actions with an outcome or in flight
    done: int  # attempts with an outcome
    in_flight: int
    resent: int
    errors: int
    errors_by_class: dict[str, int]
    errors_by_command: dict[str, int]
    failures: dict[tuple[str, str], int]  # (command, error class) -> failed attempts
    requests_by_command: dict[str, int]
    down_since: float | None
    outages: tuple[TargetOutage, ...]
    latest: LatestPoll | None
    p50_ms: float | None
    p95_ms: float | None
    minutes: tuple[tuple[int, int, int], ...]  # (minute start, requests, errors), oldest first
    #: (hour start, command, requests, errors); filled only by StatusReader.detail
    hours: tuple[tuple[int, str, int, int], ...] = ()

    @property
    def up(self) -> bool:
        """No outage is open."""
        return self.down_since is None

    @property
    def error_rate(self) -> float | None:
        """Errors per finished request (None: nothing finished yet)."""
        return self.errors / self.done if self.done else None

    def to_json(self, now: float) -> dict[str, Any]:
        """The JSON of ``/api/status`` and ``/api/targets/<name>`` (``per_hour`` only there)."""
        latest = self.latest
        body = {
            "name": self.name,
            "base_url": self.base_url,
            "paused": self.paused,
            "actions": {"total": self.total, "sent": self.sent, "done": self.done},
            "in_flight": self.in_flight,
            "resent": self.resent,
            "errors": self.errors,
            "error_rate": self.error_rate,
            "errors_by_class": self.errors_by_class,
            "errors_by_command": self.errors_by_command,
            "failures": [
                {"command": c, "class": k, "count": n} for (c, k), n in self.failures.items()
            ],
            "requests_by_command": self.requests_by_command,
            "up": self.up,
            "down_since": self.down_since,
            "outages": [
                {"started": o.started, "ended": o.ended, "seconds": round(o.seconds(now), 3)}
                for o in self.outages
            ],
            "latest": None
            if latest is None
            else {
                "at": latest.at,
                "reported": latest.value,
                "last_acknowledged": latest.last_acknowledged,
                "error": latest.error,
            },
            "latency_ms": {"p50": self.p50_ms, "p95": self.p95_ms},
            "per_minute": {
                "start": self.minutes[0][0] if self.minutes else None,
                "requests": [n for _, n, _ in self.minutes],
                "errors": [e for _, _, e in self.minutes],
            },
        }
        if self.hours:
            body["per_hour"] = [
                {"hour": h, "command": c, "requests": n, "errors": e} for h, c, n, e in self.hours
            ]
        return body


@dataclass(frozen=True)
class Snapshot:
    """Every target's status at one moment."""

    at: float
    targets: tuple[TargetStatus, ...]

    def target(self, name: str) -> TargetStatus | None:
        """The target called ``name``, if there is one."""
        return next((t for t in self.targets if t.name == name), None)

    def to_json(self) -> dict[str, Any]:
        """The document of ``/api/status`` (format id and version first)."""
        return {
            "format": SIMULATION_STATUS_FORMAT,
            "version": FORMAT_VERSION,
            "at": self.at,
            "targets": [t.to_json(self.at) for t in self.targets],
        }


@dataclass(frozen=True)
class FailedRequest:
    """One failed attempt with the exchange the engine kept."""

    action_id: int
    attempt: int
    command: str
    started: float
    finished: float | None
    status: int | None
    error: str | None
    latency_ms: float | None
    exchange: str | None


def _in_flight(store: Store) -> Counter[str]:
    """Attempts without an outcome that were not sent again, per target."""
    rows = store.query(
        "SELECT a.target, COUNT(*) FROM sim_attempts a WHERE a.finished IS NULL AND NOT EXISTS"
        " (SELECT 1 FROM sim_attempts b WHERE b.target = a.target AND b.action_id = a.action_id"
        " AND b.attempt > a.attempt) GROUP BY a.target"
    )
    return Counter({str(t): int(n) for t, n in rows})


def _latest(store: Store, name: str) -> LatestPoll | None:
    rows = store.query(
        "SELECT at, value, last_sent, error FROM sim_latest WHERE target = ?"
        " ORDER BY at DESC LIMIT 1",
        (name,),
    )
    if not rows:
        return None
    at, value, last_sent, error = rows[0]
    return LatestPoll(
        float(at),
        None if value is None else int(value),
        None if last_sent is None else int(last_sent),
        None if error is None else str(error),
    )


def _outages(store: Store) -> dict[str, list[TargetOutage]]:
    out: dict[str, list[TargetOutage]] = {}
    for target, started, ended in store.query(
        "SELECT target, started, ended FROM sim_outages ORDER BY target, started"
    ):
        out.setdefault(str(target), []).append(
            TargetOutage(float(started), None if ended is None else float(ended))
        )
    return out


def _pair(cell: list[int] | None) -> tuple[int, int]:
    return (0, 0) if cell is None else (cell[0], cell[1])


def _status(
    row: tuple[Any, ...],
    totals: Totals,
    per_minute: dict[int, list[int]],
    in_flight: int,
    outages: list[TargetOutage],
    latest: LatestPoll | None,
    now: float,
) -> TargetStatus:
    name, base_url, paused, total = row
    by_class: Counter[str] = Counter()
    by_command: Counter[str] = Counter()
    for (command, klass), n in totals.failures.items():
        by_class[klass] += n
        by_command[command] += n
    first = int(now // 60) * 60 - (CHART_MINUTES - 1) * 60
    minutes = tuple(
        (m, *_pair(per_minute.get(m))) for m in range(first, first + CHART_MINUTES * 60, 60)
    )
    open_outage = next((o for o in reversed(outages) if o.ended is None), None)
    return TargetStatus(
        name=str(name),
        base_url=str(base_url),
        paused=bool(paused),
        total=int(total),
        sent=totals.requests + in_flight,
        done=totals.requests,
        in_flight=in_flight,
        resent=totals.resent,
        errors=totals.errors,
        errors_by_class=dict(sorted(by_class.items())),
        errors_by_command=dict(sorted(by_command.items())),
        failures=dict(sorted(totals.failures.items())),
        requests_by_command=dict(sorted(totals.by_command.items())),
        down_since=None if open_outage is None else open_outage.started,
        outages=tuple(outages),
        latest=latest,
        p50_ms=totals.percentile(0.50),
        p95_ms=totals.percentile(0.95),
        minutes=minutes,
    )


class StatusReader:
    """Status snapshots of one store, recomputed at most every ``max_age`` seconds.

    Thread-safe: each thread gets its own connection (a SQLite connection belongs to the
    thread that opened it); the rollup is shared under a lock.
    """

    def __init__(self, url: str, *, max_age: float = 1.0) -> None:
        self.url = url
        self.max_age = max_age
        self._lock = threading.Lock()
        self._local = threading.local()
        self._rollup = Rollup()
        self._snapshot: Snapshot | None = None
        # A bad URL or an unreachable database fails here, not on a request; a new store gets
        # its schema here, once: the DDL takes a table lock on PostgreSQL that would wait for
        # (and hold up) the engine's writes if every connection ran it.
        self._local.store = open_store(url)

    def store(self) -> Store:
        """This thread's connection."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.url)
            self._local.store = store
        return store

    def close(self) -> None:
        """Close this thread's connection (the next use opens a new one)."""
        store: Store | None = getattr(self._local, "store", None)
        self._local.store = None
        if store is not None:
            with contextlib.suppress(Exception):  # a connection the server already ended
                store.close()

    def snapshot(self, now: float | None = None) -> Snapshot:
        """Every target's status (a cached one when it is younger than ``max_age``)."""
        with self._lock:
            wall = time.time() if now is None else now
            cached = self._snapshot
            if now is None and cached is not None and wall - cached.at < self.max_age:
                return cached
            self._snapshot = self._compute(wall)
            return self._snapshot

    def detail(self, name: str, now: float | None = None) -> tuple[TargetStatus, float] | None:
        """The target's status with its per-hour table, and the snapshot's time."""
        snapshot = self.snapshot(now)
        target = snapshot.target(name)
        if target is None:
            return None
        with self._lock:
            hours = tuple(self._rollup.hours(name))
        return dataclasses.replace(target, hours=hours), snapshot.at

    def _compute(self, now: float) -> Snapshot:
        store = self.store()
        rollup = self._rollup
        rollup.refresh(store, now)
        in_flight = _in_flight(store)
        outages = _outages(store)
        rows = store.query(
            "SELECT name, base_url, paused, total_actions FROM sim_targets ORDER BY name"
        )
        return Snapshot(
            now,
            tuple(
                _status(
                    row,
                    rollup.totals(str(row[0])),
                    rollup.minutes(str(row[0])),
                    in_flight[str(row[0])],
                    outages.get(str(row[0]), []),
                    _latest(store, str(row[0])),
                    now,
                )
                for row in rows
            ),
        )

    def failed_requests(self, name: str, limit: int = RECENT_FAILURES) -> list[FailedRequest]:
        """The target's latest failed attempts, newest first, with their exchange."""
        rows = self.store().query(
            "SELECT action_id, attempt, command, started, finished, status, error, latency_ms,"
            " exchange FROM sim_attempts WHERE target = ? AND failed = 1"
            " ORDER BY finished DESC LIMIT ?",
            (name, limit),
        )
        return [
            FailedRequest(
                int(a),
                int(n),
                str(c),
                float(s),
                None if f is None else float(f),
                None if st is None else int(st),
                None if e is None else str(e),
                None if lat is None else float(lat),
                None if x is None else str(x),
            )
            for a, n, c, s, f, st, e, lat, x in rows
        ]
