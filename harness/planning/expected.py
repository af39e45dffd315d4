"""The end state a correct target must hold after a scenario (pure: no IO, no clock).

With an acknowledged set (from a results file) only acknowledged actions are certain; an
action that was sent but not acknowledged (timeout, error status, never sent) may or may
not have landed, so its effect is *possible* rather than required. Verify reports what
contradicts the certain part and tolerates the possible part.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from harness.results import Outcome
from harness.scenario.model import Action, Command


@dataclass(frozen=True, slots=True)
class ExpectedMessage:
    """One tweet the target should hold: the action that wrote it and its exact text."""

    action_id: int
    content: str


@dataclass
class UserExpectation:
    """What one user should look like on the target."""

    name: str
    certain: bool = False  # False: only unacknowledged actions created or used it
    messages: list[ExpectedMessage] = field(default_factory=list)  # newest first
    maybe_messages: list[ExpectedMessage] = field(default_factory=list)
    follows: set[str] = field(default_factory=set)
    maybe_follows: set[str] = field(default_factory=set)


@dataclass
class ExpectedState:
    """Users (with messages and follows) and the acceptable ``/latest`` values."""

    users: dict[str, UserExpectation] = field(default_factory=dict)
    latest: int = -1  # id of the last (acknowledged) action; -1 before any
    latest_allowed: frozenset[int] = frozenset({-1})

    def message_count(self) -> int:
        """Number of certain messages over all users."""
        return sum(len(u.messages) for u in self.users.values())

    def max_message_count(self) -> int:
        """Number of certain plus possible messages over all users."""
        return sum(len(u.messages) + len(u.maybe_messages) for u in self.users.values())


def acknowledged_ids(outcomes: Iterable[Outcome]) -> set[int]:
    """Ids of the actions the target acknowledged, as the simulator reads statuses.

    A register answered 400 counts: to the simulator it means "the name is taken", so the
    user exists either way (a second register of a name changes nothing). A target that
    answers 400 to a fresh name has lost that user, and verify says so.
    """
    return {o.action_id for o in outcomes if o.action_id >= 0 and o.verdict == "ok"}


class _Builder:
    """Folds actions into an ExpectedState; follow pairs keep their possible states."""

    def __init__(self) -> None:
        self.state = ExpectedState()
        self.pairs: dict[tuple[str, str], set[bool]] = {}

    def user(self, name: str, *, certain: bool) -> UserExpectation:
        found = self.state.users.get(name)
        if found is None:
            found = self.state.users[name] = UserExpectation(name)
        found.certain = found.certain or certain
        return found

    def apply(self, action: Action, acked: bool) -> None:
        if action.command is Command.REGISTER:
            # A second register of a taken name is a 400 and changes nothing.
            self.user(action.user, certain=acked)
            return
        author = self.user(action.user, certain=acked)
        if action.command is Command.TWEET:
            message = ExpectedMessage(action.id, action.content or "")
            (author.messages if acked else author.maybe_messages).append(message)
            return
        target = action.target or ""
        self.user(target, certain=acked)
        followed = action.command is Command.FOLLOW
        possible = self.pairs.setdefault((action.user, target), {False})
        if acked:  # the last acknowledged follow/unfollow decides, unless a later one lands
            possible.clear()
        possible.add(followed)

    def finish(self, last_acked: int, unacked: set[int]) -> ExpectedState:
        for (who, whom), possible in self.pairs.items():
            user = self.state.users[who]
            if possible == {True}:
                user.follows.add(whom)
            elif True in possible:
                user.maybe_follows.add(whom)
        for user in self.state.users.values():
            user.messages.reverse()
            user.maybe_messages.reverse()
        self.state.latest = last_acked
        # A request sent but not acknowledged may still have landed after the last one.
        self.state.latest_allowed = frozenset({last_acked, *unacked})
        return self.state


def expected_state(
    actions: Iterable[Action], acknowledged: set[int] | None = None
) -> ExpectedState:
    """The state after ``actions`` (in id order); None: every action counts as acknowledged."""
    builder = _Builder()
    last_acked = -1
    unacked: set[int] = set()
    for action in actions:
        acked = acknowledged is None or action.id in acknowledged
        builder.apply(action, acked)
        if acked:
            last_acked = max(last_acked, action.id)
        else:
            unacked.add(action.id)
    return builder.finish(last_acked, unacked)
