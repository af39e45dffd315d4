"""Deterministic generator of scenarios in the course format, with the recording's shape.

Shape (spec section 5): about 0.8% register, 44% tweet, 38% follow, 18% unfollow of which
about 4.5% of all actions unfollow a pair not currently followed (a few tweets are empty or
look like a number: a target must return them as the same strings); every user registers
before any action refers to it (users keep registering over the first part of the run); a
pair is never followed while already followed; long-tailed, accelerating delays. Only a
seeded ``random.Random`` is used, so the same arguments give the same bytes.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path

from harness.scenario import text
from harness.scenario.delays import delays_ms
from harness.scenario.model import Action, Command

#: Weights of the non-register actions, in percent of all actions.
TWEET_W, FOLLOW_W, UNFOLLOW_W, UNFOLLOW_NOT_FOLLOWED_W = 44.0, 38.0, 13.5, 4.5
#: Users register over this leading share of the run (more of them early on).
REGISTER_SPAN = 0.6
BOM_TWEET_P = 0.002
#: Tweets that look like a number (``"007"``) and empty tweets (the format allows an empty
#: sixth column; the API stores ""): rare, like the BOM, and one of each early on.
NUMERIC_TWEET_P = 0.003
EMPTY_TWEET_P = 0.002
NUMERIC_TWEET_AT, EMPTY_TWEET_AT = 4, 6  # 0-based tweet numbers that always are one
START_TS_MS = 1_700_000_000_000


class _Follows:
    """The follow graph, with O(1) random choice of an existing edge."""

    def __init__(self) -> None:
        self.edges: list[tuple[str, str]] = []
        self.index: dict[tuple[str, str], int] = {}

    def __contains__(self, pair: tuple[str, str]) -> bool:
        return pair in self.index

    def add(self, pair: tuple[str, str]) -> None:
        self.index[pair] = len(self.edges)
        self.edges.append(pair)

    def remove(self, pair: tuple[str, str]) -> None:
        at = self.index.pop(pair)
        last = self.edges.pop()
        if at < len(self.edges):
            self.edges[at] = last
            self.index[last] = at


def _register_slots(rng: random.Random, users: int, actions: int) -> set[int]:
    """Distinct positions of the register actions; the first two come first."""
    slots = set(range(min(users, 2)))
    span = max(users, int(actions * REGISTER_SPAN))
    for _ in range(users - len(slots)):
        # u² concentrates registrations early, as a growing user base does.
        pos = 2 + int((span - 2) * rng.random() ** 2)
        while pos in slots:
            pos = pos + 1 if pos + 1 < actions else 2
        slots.add(pos)
    return slots


class _State:
    """Registered users (with activity weights) and the follow graph while generating."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.users: list[str] = []
        self.cum_weights: list[float] = []
        self.follows = _Follows()

    def register(self, name: str) -> None:
        # Pareto activity: a few users act a lot, as in the recording.
        weight = self.rng.paretovariate(1.5)
        self.users.append(name)
        self.cum_weights.append((self.cum_weights[-1] if self.cum_weights else 0.0) + weight)

    def actor(self) -> str:
        return self.rng.choices(self.users, cum_weights=self.cum_weights)[0]

    def unfollowed_pair(self) -> tuple[str, str] | None:
        if len(self.users) < 2:
            return None
        for _ in range(20):
            who, whom = self.actor(), self.rng.choice(self.users)
            if who != whom and (who, whom) not in self.follows:
                return who, whom
        return None


def _next_command(rng: random.Random, state: _State) -> tuple[Command, str, str | None]:
    """Pick the next non-register action; falls back to a tweet when impossible."""
    roll = rng.uniform(0, TWEET_W + FOLLOW_W + UNFOLLOW_W + UNFOLLOW_NOT_FOLLOWED_W)
    if roll >= TWEET_W:
        roll -= TWEET_W
        if roll < FOLLOW_W:
            pair = state.unfollowed_pair()
            if pair is not None:
                state.follows.add(pair)
                return Command.FOLLOW, *pair
        elif roll < FOLLOW_W + UNFOLLOW_W:
            if state.follows.edges:
                pair = rng.choice(state.follows.edges)
                state.follows.remove(pair)
                return Command.UNFOLLOW, *pair
        else:
            pair = state.unfollowed_pair()
            if pair is not None:
                return Command.UNFOLLOW, *pair
    return Command.TWEET, state.actor(), None


def _tweet_text(rng: random.Random, number: int) -> str:
    """The text of the ``number``-th tweet (0-based): mostly prose, rarely a hazard alone."""
    roll = rng.random()
    if number == NUMERIC_TWEET_AT or roll < NUMERIC_TWEET_P:
        return text.numeric_looking(rng)
    if number == EMPTY_TWEET_AT or roll < NUMERIC_TWEET_P + EMPTY_TWEET_P:
        return ""
    # The third tweet always carries the BOM so even small samples have one.
    bom = rng.random() < BOM_TWEET_P or number == 2
    return text.tweet(rng, bom=bom)


def generate_actions(users: int, actions: int, seed: int) -> list[Action]:
    """``actions`` actions by ``users`` users, deterministic for a given ``seed``."""
    if users < 1:
        raise ValueError("users must be at least 1")
    if actions < users:
        raise ValueError(f"actions ({actions}) must be at least users ({users})")
    rng = random.Random(seed)
    names = text.unique_names(rng, users)
    slots = _register_slots(rng, users, actions)
    delays = delays_ms(rng, actions)
    state = _State(rng)
    out: list[Action] = []
    ts = START_TS_MS + rng.randrange(24 * 3600 * 1000)
    pending = iter(names)
    tweets = 0
    for i in range(actions):
        ts += delays[i]
        if i in slots:
            name = next(pending)
            state.register(name)
            email, pwd = text.email_for(rng, name), text.password(rng)
            out.append(Action(i, delays[i], ts, Command.REGISTER, name, email=email, pwd=pwd))
            continue
        command, user, other = _next_command(rng, state)
        if command is Command.TWEET:
            content = _tweet_text(rng, tweets)
            tweets += 1
            out.append(Action(i, delays[i], ts, command, user, content=content))
        else:
            out.append(Action(i, delays[i], ts, command, user, target=other))
    return out


def write_scenario(path: str | Path, actions: Iterable[Action]) -> None:
    """Write actions in the course format: UTF-8, LF, tabs, no quoting."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for action in actions:
            fh.write(action.to_line())
            fh.write("\n")
