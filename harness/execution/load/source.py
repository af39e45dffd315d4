"""The traffic source of one load process: the configured request mix, whatever happens.

Locust-free and clock-free. Which kind of request comes next (a read, or a register,
tweet, follow or unfollow) is decided by a smooth weighted round robin over the configured
shares (:class:`Mix`), never by what the target answered: a run keeps its mix to within
one request in every prefix, however slow or broken the target is. (Claiming fresh
accounts when writes wait on failed registers made an overloaded run 43% registers.)

The accounts the writes act as are registered before the run, unmeasured (the warm-up of
``run_load``); each process acts as its own slice of them, so processes never share an
actor. A measured register claims a fresh name (``"<name> ~<tag>.<n>"``, per-process tag)
and, once answered 204 or 400, that account joins the pool. An account has at most one
request in flight, so each account's writes keep their order.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from harness.planning.requests import user_path
from harness.scenario.generate import generate_actions
from harness.scenario.model import Action, Command
from harness.scenario.namespace import email_in

#: The kinds of request the mix schedules; ``read`` is one of the dashboard reads.
READ = "read"
WRITES: tuple[Command, ...] = (Command.REGISTER, Command.TWEET, Command.FOLLOW, Command.UNFOLLOW)


#: Registers among the course recording's actions (200 users, ~26 000 actions).
COURSE_REGISTER_SHARE = 0.008
#: Actions of a generated load scenario at least (40 users: the recording's command mix;
#: fewer users saturate the follow graph and the generator falls back to tweets).
MIN_LOAD_ACTIONS = 5000


def generated_load_actions(actions: int, seed: int) -> list[Action]:
    """A generated scenario whose write mix is the course recording's (0.8% registers).

    The load source keeps the scenario's mix, so the users come from the share, not from
    ``[scenario] users`` (200 users in 1000 actions would make registers 20% of writes).
    The accounts writes act as come from the warm-up, not from this scenario's users.
    """
    count = max(actions, MIN_LOAD_ACTIONS)
    return generate_actions(max(1, round(count * COURSE_REGISTER_SHARE)), count, seed)


def write_shares(actions: Sequence[Action]) -> dict[str, float]:
    """The scenario's command mix, as shares of its actions."""
    counts = {str(c): 0 for c in WRITES}
    for action in actions:
        counts[str(action.command)] += 1
    total = sum(counts.values()) or 1
    return {c: n / total for c, n in counts.items()}


def configured_mix(actions: Sequence[Action], read_ratio: float) -> dict[str, float]:
    """The shares of all requests: reads, then the scenario's writes in their proportions."""
    mix = {READ: read_ratio}
    mix.update({c: (1 - read_ratio) * s for c, s in write_shares(actions).items()})
    return mix


class Mix:
    """Smooth weighted round robin: every prefix of picks is within one of each share."""

    def __init__(self, shares: Mapping[str, float]) -> None:
        self._shares = {k: v for k, v in shares.items() if v > 0}
        if not self._shares:
            raise ValueError("the request mix is empty")
        self._credit = dict.fromkeys(self._shares, 0.0)
        self._total = sum(self._shares.values())

    def next(self) -> str:
        """The next kind of request."""
        for kind, share in self._shares.items():
            self._credit[kind] += share
        pick = max(self._credit, key=self._credit.__getitem__)
        self._credit[pick] -= self._total
        return pick


class Registry:
    """Accounts this process knows to exist (warm-up, or a register answered 204 or 400)."""

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

    def pick(self, index: int) -> str | None:
        """The account at ``index`` modulo the count (for reads), or None when empty."""
        return self._order[index % len(self._order)] if self._order else None


class WriteSource:
    """Builds each write of one process from the scenario's texts and its own accounts."""

    def __init__(
        self, actions: Sequence[Action], tag: str, accounts: Sequence[str], others: Sequence[str]
    ) -> None:
        """``accounts``: registered accounts this process acts as; ``others``: targets only."""
        registers = [a for a in actions if a.command is Command.REGISTER]
        if not registers:  # a scenario of users registered elsewhere: invent their details
            names = dict.fromkeys(a.user for a in actions)
            registers = [
                Action(0, 0, 0, Command.REGISTER, n, email="load@example.invalid", pwd="load")
                for n in names
            ]
        if not registers:
            raise ValueError("the scenario has no actions")
        self._registers = itertools.cycle(registers)
        tweets = [a for a in actions if a.command is Command.TWEET]
        self._tweets = itertools.cycle(tweets or [Action(0, 0, 0, Command.TWEET, "", content="")])
        self._tag = tag
        self._fresh = 0
        self.registry = Registry()
        for name in (*accounts, *others):
            self.registry.add(name)
        self._own = list(accounts)
        self._turn = 0
        self._busy: set[str] = set()
        self._follows: set[tuple[str, str]] = set()

    def _free(self) -> str | None:
        """The next own account with no request in flight (round robin), or None."""
        for _ in range(len(self._own)):
            name = self._own[self._turn % len(self._own)]
            self._turn += 1
            if name not in self._busy:
                return name
        return None

    def _target(self, who: str, followed: bool) -> str | None:
        """A registered account other than ``who`` that it follows (or not), if any."""
        count = len(self.registry)
        for step in range(min(count, 16)):
            whom = self.registry.pick(self._turn * 7 + step)
            if whom is not None and whom != who and ((who, whom) in self._follows) == followed:
                return whom
        return None

    def write(self, command: str) -> Action | None:
        """The next write of kind ``command``; None while every own account is busy."""
        if command == Command.REGISTER:
            template = next(self._registers)
            self._fresh += 1
            name = f"{template.user} ~{self._tag}.{self._fresh}"
            # Its own email too, like the name: many apps refuse a taken email.
            email = email_in(template.email or "load@example.invalid", f"{self._tag}.{self._fresh}")
            action = Action(
                template.id, 0, 0, Command.REGISTER, name, email=email, pwd=template.pwd
            )
            self._busy.add(name)
            return action
        who = self._free()
        if who is None:
            return None
        if command == Command.TWEET:
            template = next(self._tweets)
            action = Action(template.id, 0, 0, Command.TWEET, who, content=template.content)
        else:
            follow = command == Command.FOLLOW
            # Unfollow a followed pair when there is one; else a no-op unfollow (204), as the
            # course scenario does 4.5% of the time. Follow a pair not yet followed.
            whom = self._target(who, followed=not follow) or self._target(who, followed=follow)
            if whom is None:  # a pool of one account: tweet instead (never a self-follow)
                template = next(self._tweets)
                action = Action(template.id, 0, 0, Command.TWEET, who, content=template.content)
            else:
                action = Action(0, 0, 0, Command(command), who, target=whom)
        self._busy.add(who)
        return action

    def done(self, action: Action, status: int | None) -> None:
        """Record the answer to ``action``: frees its account, learns accounts and follows."""
        self._busy.discard(action.user)
        if action.command is Command.REGISTER:
            if status in (204, 400):  # 400: the name is taken, so the account exists
                self.registry.add(action.user)
                self._own.append(action.user)
        elif action.target is not None and status == 204:
            pair = (action.user, action.target)
            if action.command is Command.FOLLOW:
                self._follows.add(pair)
            else:
                self._follows.discard(pair)
