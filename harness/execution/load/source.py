"""The traffic source of one load process: scenario writes in per-user causal order.

Locust-free and clock-free. The scenario is cut into *lanes*, one per scenario account:
the account's register first, then its own actions in file order. A Locust user owns the
lanes it claims (so Locust users own disjoint accounts) and sends a lane's actions strictly
in order. An action waits until its actor and its target are known registered in this process;
while every owned lane waits, the Locust user claims another lane (whose first action, a
register, is always ready). When every lane of a round is claimed, a new round starts with
fresh names, so writes never run out. Names carry a per-process tag and the round number
(``"Roger Histand ~3fa9c1.0"``), which keeps processes (Locust workers) disjoint too.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Sequence

from harness.planning.requests import user_path
from harness.scenario.model import Action, Command


@dataclasses.dataclass
class Lane:
    """One account's actions, renamed for a round, consumed front to back."""

    account: str
    actions: deque[Action]


class Registry:
    """Accounts this process knows to exist (a register answered 204 or 400)."""

    def __init__(self) -> None:
        self._paths: dict[str, str] = {}
        self._order: list[str] = []

    def add(self, name: str) -> None:
        """Remember that ``name`` exists (and its path segment, encoded once for reads)."""
        if name not in self._paths:
            self._paths[name] = user_path(name)
            self._order.append(name)

    def path_segment(self, name: str) -> str:
        """The percent-encoded path segment of a registered account."""
        return self._paths[name]

    def __contains__(self, name: object) -> bool:
        return name in self._paths

    def __len__(self) -> int:
        return len(self._order)

    def since(self, seen: int) -> list[str]:
        """Accounts added after the first ``seen`` ones (in order of registration)."""
        return self._order[seen:]

    def pick(self, index: int) -> str | None:
        """The account at ``index`` modulo the count (for reads), or None when empty."""
        return self._order[index % len(self._order)] if self._order else None


def _templates(actions: Sequence[Action]) -> list[list[Action]]:
    """Per account (in order of first appearance): its register first, then its actions."""
    registers: dict[str, Action] = {}
    own: dict[str, list[Action]] = {}
    for action in actions:
        if action.command is Command.REGISTER:
            registers.setdefault(action.user, action)
            own.setdefault(action.user, [])
            continue
        own.setdefault(action.user, []).append(action)
        if action.target is not None:
            own.setdefault(action.target, [])
    lanes = []
    for account, rest in own.items():
        reg = registers.get(account) or Action(
            id=rest[0].id if rest else 0,
            delay_ms=0,
            ts_ms=0,
            command=Command.REGISTER,
            user=account,
            email="load@example.invalid",
            pwd="load",
        )
        lanes.append([reg, *rest])
    return lanes


class WriteSource:
    """Hands out lanes to Locust users; one per process, shared by its users."""

    def __init__(self, actions: Sequence[Action], tag: str) -> None:
        self._templates = _templates(actions)
        if not self._templates:
            raise ValueError("the scenario has no actions")
        self._tag = tag
        self.round = 0
        self._next = 0
        self.registry = Registry()

    def _name(self, name: str) -> str:
        return f"{name} ~{self._tag}.{self.round}"

    def claim(self) -> Lane:
        """The next unclaimed lane; a new round with fresh names when all are claimed."""
        if self._next == len(self._templates):
            self.round += 1
            self._next = 0
        template = self._templates[self._next]
        self._next += 1
        # Built directly: dataclasses.replace() is several times slower, and this runs once
        # per action sent.
        renamed = deque(
            Action(
                id=a.id,
                delay_ms=a.delay_ms,
                ts_ms=a.ts_ms,
                command=a.command,
                user=self._name(a.user),
                email=a.email,
                pwd=a.pwd,
                content=a.content,
                target=None if a.target is None else self._name(a.target),
                line=a.line,
            )
            for a in template
        )
        return Lane(renamed[0].user, renamed)

    def missing(self, action: Action) -> str | None:
        """The account ``action`` waits for (its actor, then its target), or None if ready."""
        if action.command is Command.REGISTER:
            return None
        if action.user not in self.registry:
            return action.user
        if action.target is not None and action.target not in self.registry:
            return action.target
        return None


class Writer:
    """The lanes one Locust user owns, and the next write it may send.

    A lane whose next action waits for an account is parked under that account's name and
    woken when the registry learns it exists, so a call costs O(1) however many lanes wait.
    """

    def __init__(self, source: WriteSource) -> None:
        self._source = source
        self._ready: deque[Lane] = deque()
        self._parked: dict[str, list[Lane]] = {}
        self._seen = 0

    @property
    def lanes(self) -> int:
        """How many lanes this writer owns right now."""
        return len(self._ready) + sum(len(v) for v in self._parked.values())

    def _wake(self) -> None:
        names = self._source.registry.since(self._seen)
        self._seen += len(names)
        for name in names:
            self._ready.extend(self._parked.pop(name, ()))

    def next_write(self) -> Action:
        """Pop the next sendable action, rotating over owned lanes; claim one if all wait."""
        self._wake()
        while self._ready:
            lane = self._ready.popleft()
            waits_for = self._source.missing(lane.actions[0])
            if waits_for is not None:
                self._parked.setdefault(waits_for, []).append(lane)
                continue
            action = lane.actions.popleft()
            if lane.actions:
                self._ready.append(lane)
            return action
        lane = self._source.claim()
        action = lane.actions.popleft()
        if lane.actions:
            self._ready.append(lane)
        return action
