"""The one writer of the simulation store: group commit from its own thread.

Lanes hand it statements; it runs whatever is queued in one transaction and then wakes the
lanes that wait for their statement to be durable (an attempt's "sending" row must be
committed before its bytes leave). A store that fails is remembered: every waiting and
later lane gets :class:`StoreLost` instead of hanging.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Sequence
from typing import Any

from harness.errors import HarnessError
from harness.simulation.store import Store

#: Statements per transaction at most (a commit per batch, not per statement).
BATCH = 500


class StoreLost(HarnessError):
    """The simulation store failed; nothing more can be recorded."""


class Ticket:
    """Wait for one statement's commit."""

    def __init__(self, writer: Writer) -> None:
        self._writer = writer
        self._done = threading.Event()

    def done(self) -> None:
        """Mark committed (or failed)."""
        self._done.set()

    def wait(self) -> None:
        """Return once committed; StoreLost when the store failed."""
        self._done.wait()
        self._writer.check()


_Item = tuple[str, tuple[Any, ...], Ticket | None]


class Writer:
    """A thread with its own connection that commits queued statements in batches."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.error: BaseException | None = None
        self.commits = 0
        self._queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self._opened = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sim-writer", daemon=True)

    def start(self) -> None:
        """Start the thread and open its connection (StoreLost when that fails)."""
        self._thread.start()
        self._opened.wait()
        self.check()

    def check(self) -> None:
        """Raise StoreLost when the store failed."""
        if self.error is not None:
            reason = str(self.error).splitlines()[0] if str(self.error) else type(self.error)
            raise StoreLost(f"simulation database {self.url}: {reason}")

    def submit(self, sql: str, params: Sequence[Any], *, wait: bool = False) -> Ticket | None:
        """Queue one statement; with ``wait`` a Ticket to wait for its commit."""
        self.check()
        ticket = Ticket(self) if wait else None
        self._queue.put((sql, tuple(params), ticket))
        return ticket

    def write(self, sql: str, params: Sequence[Any]) -> None:
        """Queue one statement and wait until it is committed."""
        ticket = self.submit(sql, params, wait=True)
        assert ticket is not None
        ticket.wait()

    def close(self) -> None:
        """Commit what is queued, then end the thread."""
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        try:
            store = Store(self.url)
        except BaseException as exc:  # reported by start()
            self.error = exc
            self._opened.set()
            return
        self._opened.set()
        try:
            self._loop(store)
        finally:
            store.close()

    def _loop(self, store: Store) -> None:
        ending = False
        while not ending:
            first = self._queue.get()
            batch: list[_Item] = []
            if first is None:
                ending = True
            else:
                batch.append(first)
            while len(batch) < BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    ending = True
                    break
                batch.append(item)
            if batch and self.error is None:
                try:
                    with store.transaction():
                        for sql, params, _ in batch:
                            store.execute(sql, params)
                    self.commits += 1
                except Exception as exc:  # the store is gone: every lane learns it
                    self.error = exc
            for _, _, ticket in batch:
                if ticket is not None:
                    ticket.done()
