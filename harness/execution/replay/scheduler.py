"""Hands causally ready, due actions to concurrent senders (one per Locust user).

Uses ``threading`` primitives: real threads in plain Python, cooperative greenlets once
gevent has monkey-patched the process (inside Locust). The causal rules themselves live in
the pure :class:`harness.planning.causal.CausalPlan`.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Callable, Iterable, Sequence

from harness.planning.causal import CausalPlan, due_offsets
from harness.scenario.model import Action


class Scheduler:
    """A blocking ``take`` / ``complete`` front of a :class:`CausalPlan` with pacing."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._cond = threading.Condition()
        self._plan: CausalPlan | None = None
        self._due: dict[int, float] = {}
        self._heap: list[tuple[float, int, Action]] = []
        self._start = 0.0
        self._closed = False
        self._early: list[int] = []  # completions that arrived before the plan
        self._early_final = False

    def load(
        self,
        actions: Sequence[Action],
        *,
        owned: Callable[[Action], bool] | None = None,
        done: Iterable[int] = (),
        speed: float | None = None,
        register_limit: int | None = None,
    ) -> None:
        """Install the plan (once) and start the pacing clock."""
        done_set = set(done)
        with self._cond:
            plan = CausalPlan(actions, owned=owned, done=done_set, register_limit=register_limit)
            pending = [a for a in actions if a.id not in done_set]
            self._due = due_offsets(pending, speed)
            self._start = self._clock()
            self._plan = plan
            for action_id in self._early:
                plan.complete(action_id)
            if self._early_final:
                plan.release_final()
            self._pull()
            self._cond.notify_all()

    @property
    def remaining(self) -> int | None:
        """Owned actions not completed yet (None before the plan arrived)."""
        with self._cond:
            return None if self._plan is None else self._plan.remaining

    def _pull(self) -> None:
        assert self._plan is not None
        for action in self._plan.take_ready():
            due = self._start + self._due.get(action.id, 0.0)
            heapq.heappush(self._heap, (due, action.id, action))

    def take(self, timeout: float | None = None) -> Action | None:
        """The next action to send, waiting until one is ready and due; None when closed."""
        deadline = None if timeout is None else self._clock() + timeout
        with self._cond:
            while True:
                if self._closed:
                    return None
                now = self._clock()
                if self._heap and self._heap[0][0] <= now:
                    return heapq.heappop(self._heap)[2]
                waits = [t - now for t in (deadline,) if t is not None]
                if self._heap:
                    waits.append(self._heap[0][0] - now)
                if deadline is not None and now >= deadline:
                    return None
                self._cond.wait(min(waits) if waits else None)

    def complete(self, action_ids: Iterable[int]) -> None:
        """Record completed actions (own or another worker's) and wake waiting senders."""
        with self._cond:
            if self._plan is None:
                self._early.extend(action_ids)
                return
            for action_id in action_ids:
                self._plan.complete(action_id)
            self._pull()
            if self._heap:
                self._cond.notify_all()

    def release_final(self) -> None:
        """Open the final barrier (every other action completed, on every worker)."""
        with self._cond:
            if self._plan is None:
                self._early_final = True
                return
            self._plan.release_final()
            self._pull()
            self._cond.notify_all()

    def close(self) -> None:
        """Stop handing out actions; blocked senders get None."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
