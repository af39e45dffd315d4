"""Fill a simulation store the way its docstring says the engine does (for dashboard tests).

``known_rows`` writes a fixed history whose numbers the tests state exactly; ``LiveWriter``
adds outcomes over time in a thread (a run going on), bounded by its ``limit``.
"""

from __future__ import annotations

import threading
import time
from types import TracebackType

from harness.checks.verdicts import simulator_verdict
from harness.simulation.store import Store, open_store

#: An hour boundary (UTC), so the known rows fall into known hours.
T0 = 1_765_000_800.0


class SimWriter:
    """Rows into ``sim_targets``, ``sim_attempts``, ``sim_latest`` and ``sim_outages``."""

    def __init__(self, url: str) -> None:
        self.store: Store = open_store(url)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> SimWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def target(self, name: str, total: int, *, paused: bool = False, url: str = "") -> None:
        self.store.execute(
            "INSERT INTO sim_targets (name, base_url, source_address, start_offset, paused,"
            " added_at, total_actions) VALUES (?, ?, NULL, 0, ?, ?, ?)",
            (name, url or f"http://127.0.0.1:9/{name}", int(paused), T0, total),
        )

    def attempt(
        self,
        target: str,
        action_id: int,
        command: str,
        started: float,
        latency_ms: float | None,
        *,
        status: int | None = 204,
        error: str | None = None,
        attempt: int = 1,
        exchange: str | None = None,
    ) -> None:
        """One attempt; ``latency_ms`` None: still in flight (no outcome)."""
        if latency_ms is None:
            self.store.execute(
                "INSERT INTO sim_attempts (target, action_id, attempt, command, scheduled,"
                " started) VALUES (?, ?, ?, ?, ?, ?)",
                (target, action_id, attempt, command, started, started),
            )
            return
        failed = not simulator_verdict(command, status, error).ok
        self.store.execute(
            "INSERT INTO sim_attempts (target, action_id, attempt, command, scheduled, started,"
            " finished, status, error, failed, latency_ms, exchange)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                target,
                action_id,
                attempt,
                command,
                started,
                started,
                started + latency_ms / 1000,
                None if error else status,
                error,
                int(failed),
                latency_ms,
                (exchange or f"POST /{command} HTTP/1.1\n\nHTTP/1.1 {status}") if failed else None,
            ),
        )

    def poll(
        self, target: str, at: float, value: int | None, last_sent: int | None, error: str | None
    ) -> None:
        self.store.execute(
            "INSERT INTO sim_latest (target, at, value, last_sent, error) VALUES (?, ?, ?, ?, ?)",
            (target, at, value, last_sent, error),
        )

    def outage(self, target: str, started: float, ended: float | None) -> None:
        self.store.execute(
            "INSERT INTO sim_outages (target, started, ended) VALUES (?, ?, ?)",
            (target, started, ended),
        )


#: The exchange of action 4: markup the page must show escaped.
HOSTILE_EXCHANGE = 'POST /msgs/a HTTP/1.1\n\n{"content": "<script>alert(1)</script>"}'


def known_rows(url: str) -> None:
    """Target ``a`` (10 actions) with a known history in hours T0 and T0+1h; ``b`` paused, down.

    ``a``: actions 1-3 fine in the first hour (10.2, 20.4, 30.0 ms); in the second hour action
    4 answered 500 (44 ms), 5 a ReadTimeout (300.4 ms), 6 a ConnectionError (1.2 ms), 7 was
    in flight when the engine died and its second attempt went fine (12 ms), 8 is in flight.
    So: 7 outcomes, 8 sent, 1 resent, 3 errors; latencies rounded 1, 10, 12, 20, 30, 44, 300:
    p50 20, p95 300. One outage of 10 s; the last poll saw /latest 3 with 7 acknowledged.
    """
    h1 = T0 + 3600
    with SimWriter(url) as w:
        w.target("a", 10)
        w.target("b", 10, paused=True)
        w.attempt("a", 1, "register", T0 + 10, 10.2)
        w.attempt("a", 2, "tweet", T0 + 20, 20.4)
        w.attempt("a", 3, "follow", T0 + 30, 30.0)
        w.attempt("a", 4, "tweet", h1 + 60, 44.0, status=500, exchange=HOSTILE_EXCHANGE)
        w.attempt("a", 5, "tweet", h1 + 61, 300.4, status=None, error="ReadTimeout")
        w.attempt("a", 6, "follow", h1 + 62, 1.2, status=None, error="ConnectionError")
        w.attempt("a", 7, "unfollow", h1 + 100, None)
        w.attempt("a", 7, "unfollow", h1 + 120, 12.0, attempt=2)
        w.attempt("a", 8, "tweet", h1 + 130, None)
        w.outage("a", h1 + 62, h1 + 72)
        w.poll("a", h1 + 200, 3, 7, None)
        w.outage("b", h1 + 50, None)
        w.poll("b", h1 + 60, None, None, "ConnectionError")


class LiveWriter(threading.Thread):
    """Outcomes for ``targets`` every ``interval`` seconds (one in ``fail_every`` a 500),
    until stopped or ``limit`` actions per target were written."""

    def __init__(
        self,
        url: str,
        targets: list[str],
        *,
        interval: float = 0.2,
        limit: int = 600,
        fail_every: int = 4,
    ) -> None:
        super().__init__(name="live-writer", daemon=True)
        self.url = url
        self.targets = targets
        self.interval = interval
        self.limit = limit
        self.fail_every = fail_every
        self.written = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        with SimWriter(self.url) as w:
            for action_id in range(1, self.limit + 1):
                if self._stop_event.is_set():
                    return
                now = time.time()
                for name in self.targets:
                    fail = action_id % self.fail_every == 0
                    w.attempt(name, action_id, "tweet", now, 15.0, status=500 if fail else 204)
                    w.poll(name, now + 0.001, action_id, action_id, None)
                self.written = action_id
                self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=10)
