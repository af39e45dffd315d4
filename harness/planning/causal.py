"""Causal scheduling of a scenario (pure: no HTTP, no clock, no globals).

The rules a concurrent replay keeps so that its end state equals a sequential one:

* each user's actions go out in scenario order, one at a time;
* a follow/unfollow naming another user waits until that user's register completed;
* the final action waits until every earlier action completed, so that ``/latest``
  ends at the final action's id.

A :class:`CausalPlan` may own only part of the actions (one Locust worker owns the users
assigned to it); completions of actions it does not own arrive from outside through
:meth:`CausalPlan.complete`, and the final action is released from outside through
:meth:`CausalPlan.release_final` when the caller knows every other action completed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence

from harness.scenario.model import Action, Command

#: Keys of the waiting lists that are not register action ids.
FINAL_BARRIER = -1
REGISTER_SLOT = -2


def register_dependencies(actions: Sequence[Action]) -> dict[int, int]:
    """Map each follow/unfollow id to the id of its target's register (when there is one).

    The dependency is on the target's most recent register before the action; a target
    never registered earlier has no dependency (the target will answer 404, as it should).
    """
    registered: dict[str, int] = {}
    deps: dict[int, int] = {}
    for action in actions:
        if action.command is Command.REGISTER:
            registered.setdefault(action.user, action.id)
        elif action.command in (Command.FOLLOW, Command.UNFOLLOW):
            target = action.target
            if target is not None and target != action.user and target in registered:
                deps[action.id] = registered[target]
    return deps


def causal_predecessors(actions: Sequence[Action]) -> dict[int, tuple[int, ...]]:
    """Each action's causal predecessors: the same user's previous action, the user's
    register and, for a follow/unfollow, the target's register (those that came earlier).

    An action can fail *because* one of them failed (a tweet by a user whose register never
    landed answers 404); such a failure is a consequence, not a defect of its own.
    """
    registered: dict[str, int] = {}
    previous: dict[str, int] = {}
    out: dict[int, tuple[int, ...]] = {}
    for action in actions:
        found = [previous.get(action.user), registered.get(action.user)]
        if action.command in (Command.FOLLOW, Command.UNFOLLOW) and action.target is not None:
            found.append(registered.get(action.target))
        out[action.id] = tuple(dict.fromkeys(i for i in found if i is not None))
        previous[action.user] = action.id
        if action.command is Command.REGISTER:
            registered.setdefault(action.user, action.id)
    return out


def partition_users(actions: Sequence[Action], parts: int) -> list[frozenset[str]]:
    """Split the acting users into ``parts`` groups of about equal action counts.

    Deterministic: the heaviest users are placed first, each on the lightest group.
    """
    if parts < 1:
        raise ValueError("parts must be >= 1")
    counts: dict[str, int] = {}
    for action in actions:
        counts[action.user] = counts.get(action.user, 0) + 1
    loads = [0] * parts
    groups: list[set[str]] = [set() for _ in range(parts)]
    for user, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        lightest = min(range(parts), key=lambda i: (loads[i], i))
        groups[lightest].add(user)
        loads[lightest] += count
    return [frozenset(g) for g in groups]


def due_offsets(actions: Sequence[Action], factor: float | None) -> dict[int, float]:
    """Seconds after the start at which each action is due.

    ``factor`` None means "as fast as possible" (everything due at 0); otherwise the
    recorded delays are multiplied by ``factor`` (1 = real time, 0.00001 = the course
    simulator's compression). Offsets count from the first action given.
    """
    if factor is None:
        return {a.id: 0.0 for a in actions}
    out: dict[int, float] = {}
    total_ms = 0
    for index, action in enumerate(actions):
        if index > 0:
            total_ms += max(action.delay_ms, 0)
        out[action.id] = total_ms * factor / 1000.0
    return out


class CausalPlan:
    """Which owned actions may be sent now, given which actions completed."""

    def __init__(
        self,
        actions: Sequence[Action],
        *,
        owned: Callable[[Action], bool] | None = None,
        done: Iterable[int] = (),
        register_limit: int | None = None,
    ) -> None:
        done_set = set(done)
        # Registers are the expensive writes (password hashing): a limit on how many are
        # in flight keeps them from queueing behind each other past the 0.3 s timeout.
        self._register_limit = register_limit
        self._registers_in_flight = 0
        self.final_id: int | None = max((a.id for a in actions), default=None)
        self._deps = register_dependencies(actions)
        self._completed: set[int] = set(done_set)
        self._queues: dict[str, deque[Action]] = {}
        self._waiting: dict[int, list[str]] = {}  # register id -> users whose head waits on it
        self._final_released = False
        self._in_flight: set[str] = set()  # users with an action handed out, not completed
        self._owned_remaining = 0
        self._ready: list[Action] = []
        self._owner: dict[int, str] = {}
        for action in actions:
            if action.id in done_set or (owned is not None and not owned(action)):
                continue
            self._queues.setdefault(action.user, deque()).append(action)
            self._owner[action.id] = action.user
            self._owned_remaining += 1
        for user in list(self._queues):
            self._advance(user)

    @property
    def remaining(self) -> int:
        """Owned actions not completed yet."""
        return self._owned_remaining

    def owns_final(self) -> bool:
        """Whether the final action is one of the owned, not yet completed actions."""
        return self.final_id is not None and self.final_id in self._owner

    @property
    def nonfinal_remaining(self) -> int:
        """Owned actions other than the final one not completed yet."""
        return self._owned_remaining - (1 if self.owns_final() else 0)

    def _blocked_on(self, action: Action) -> int | None:
        """What ``action`` still waits for: a register id, the final barrier or a slot."""
        if action.id == self.final_id and not self._final_released:
            return FINAL_BARRIER
        dep = self._deps.get(action.id)
        if dep is not None and dep not in self._completed:
            return dep
        if (
            action.command is Command.REGISTER
            and self._register_limit is not None
            and self._registers_in_flight >= self._register_limit
        ):
            return REGISTER_SLOT
        return None

    def _advance(self, user: str) -> None:
        """Move ``user``'s head action to ready if nothing holds it back."""
        queue = self._queues.get(user)
        if not queue or user in self._in_flight:
            return
        head = queue[0]
        blocker = self._blocked_on(head)
        if blocker is None:
            self._in_flight.add(user)
            self._ready.append(head)
            if head.command is Command.REGISTER:
                self._registers_in_flight += 1
        else:
            self._waiting.setdefault(blocker, []).append(user)

    def take_ready(self) -> list[Action]:
        """The actions that became sendable since the last call (each handed out once)."""
        out, self._ready = self._ready, []
        return out

    def complete(self, action_id: int) -> None:
        """Record that ``action_id`` completed (owned or not); release what waited on it."""
        if action_id in self._completed:
            return
        self._completed.add(action_id)
        user = self._owner.pop(action_id, None)
        if user is not None:
            queue = self._queues[user]
            if queue and queue[0].id == action_id:
                done = queue.popleft()
                self._in_flight.discard(user)
                self._owned_remaining -= 1
                if done.command is Command.REGISTER:
                    self._registers_in_flight -= 1
                    self._release(REGISTER_SLOT)
                self._advance(user)
        self._release(action_id)

    def _release(self, key: int) -> None:
        """Re-examine the users waiting on ``key``, earliest head action first."""
        waiters = self._waiting.pop(key, [])
        waiters.sort(key=lambda u: self._queues[u][0].id)
        for waiter in waiters:
            self._advance(waiter)

    def release_final(self) -> None:
        """Open the final barrier: every action before the final one completed."""
        if self._final_released:
            return
        self._final_released = True
        self._release(FINAL_BARRIER)
