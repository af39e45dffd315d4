"""The end state a correct target must hold after a scenario (pure: no IO, no clock).

With an acknowledged set (from a results file) only acknowledged actions are certain; an
action that was sent but not acknowledged (timeout, error status, never sent) may or may
not have landed, so its effect is *possible* rather than required. Verify reports what
contradicts the certain part and tolerates the possible part.

An unacknowledged write may land at any time after it was sent, even after later writes to
the same follow pair: the pair may end in its state, or in the state of the last
acknowledged write. ``/latest`` may be any acknowledged id whose request was still open when
the last other acknowledged request started (with timings), or any unacknowledged id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import assert_never

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
    # Outcomes left open by unacknowledged writes, one line each (verify notes them).
    ambiguous: list[str] = field(default_factory=list)

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


@dataclass
class _Pair:
    """The writes to one follow pair: the last acknowledged state and unacknowledged ones."""

    acked: bool | None = None  # None: no acknowledged write (the pair starts unfollowed)
    unacked: list[tuple[int, bool]] = field(default_factory=list)  # (action id, follows)

    def possible(self) -> set[bool]:
        # Any unacknowledged write, sent before or after the last acknowledged one, may be
        # the last to land; or none lands after the last acknowledged write.
        return {bool(self.acked), *(state for _, state in self.unacked)}


class _Builder:
    """Folds actions into an ExpectedState; follow pairs keep their possible states."""

    def __init__(self) -> None:
        self.state = ExpectedState()
        self.pairs: dict[tuple[str, str], _Pair] = {}

    def user(self, name: str, *, certain: bool) -> UserExpectation:
        found = self.state.users.get(name)
        if found is None:
            found = self.state.users[name] = UserExpectation(name)
        found.certain = found.certain or certain
        return found

    def apply(self, action: Action, acked: bool) -> None:
        author = self.user(action.user, certain=acked)
        match action.command:
            case Command.REGISTER:
                pass  # a second register of a taken name is a 400 and changes nothing
            case Command.TWEET:
                message = ExpectedMessage(action.id, action.content or "")
                (author.messages if acked else author.maybe_messages).append(message)
            case Command.FOLLOW | Command.UNFOLLOW:
                target = action.target or ""
                self.user(target, certain=acked)
                followed = action.command is Command.FOLLOW
                pair = self.pairs.setdefault((action.user, target), _Pair())
                if acked:
                    pair.acked = followed
                else:
                    pair.unacked.append((action.id, followed))
            case _:
                assert_never(action.command)

    def finish(self, latest: int, allowed: set[int]) -> ExpectedState:
        for (who, whom), pair in self.pairs.items():
            user = self.state.users[who]
            possible = pair.possible()
            if possible == {True}:
                user.follows.add(whom)
            elif True in possible:
                user.maybe_follows.add(whom)
            if len(possible) == 2:
                ids = ", ".join(f"#{i}" for i, _ in pair.unacked)
                self.state.ambiguous.append(
                    f"{who!r} -> {whom!r}: unacknowledged {ids} may have landed late; "
                    "followed or not, both accepted"
                )
        maybe = 0
        for user in self.state.users.values():
            user.messages.reverse()
            user.maybe_messages.reverse()
            maybe += len(user.maybe_messages)
        if maybe:
            self.state.ambiguous.append(
                f"{maybe} unacknowledged tweet(s) may or may not be stored, in any later position"
            )
        self.state.latest = latest
        self.state.latest_allowed = frozenset(allowed)
        if len(allowed) > 1:
            self.state.ambiguous.append(
                f"/latest may be any of {len(allowed)} ids (acknowledged requests that "
                "overlapped the last one, and unacknowledged requests that may have landed late)"
            )
        return self.state


def latest_candidates(
    acked: set[int], unacked: set[int], outcomes: Sequence[Outcome] | None
) -> set[int]:
    """The ids ``/latest`` may hold: the last write to land, among the writes sent.

    Without outcomes: the highest acknowledged id (the final action waits for every other
    outcome) or any unacknowledged one. With the outcomes' times: an acknowledged request is
    a candidate unless another acknowledged request started after it finished; and so is
    every id one of whose attempts was sent and not acknowledged (it may land any time).
    """
    last = max(acked, default=-1)
    if outcomes is None:
        return {last, *unacked}
    timed = {o.action_id: o for o in outcomes if o.action_id in acked and o.verdict == "ok"}
    latest_start = max((o.started for o in timed.values()), default=None)
    candidates = {i for i, o in timed.items() if latest_start is None or o.finished >= latest_start}
    failed = {o.action_id for o in outcomes if o.action_id >= 0 and o.verdict != "ok"}
    return (candidates or {last}) | failed


def sent_again(actions: Iterable[Action], outcomes: Iterable[Outcome]) -> list[Action]:
    """One entry per failed attempt that was followed by another attempt of the same action."""
    failed: dict[int, int] = {}  # action id -> failed attempts not known to be the last
    again: dict[int, int] = {}
    for outcome in outcomes:
        i = outcome.action_id
        again[i] = again.get(i, 0) + failed.pop(i, 0)
        if outcome.verdict != "ok":
            failed[i] = 1
    return [a for a in actions for _ in range(again.get(a.id, 0))]


def expected_state(
    actions: Iterable[Action],
    acknowledged: set[int] | None = None,
    *,
    outcomes: Sequence[Outcome] | None = None,
) -> ExpectedState:
    """The state after ``actions`` (in id order); None: every action counts as acknowledged.

    ``outcomes`` (of the run that sent them, from a results file): their times narrow which
    ids ``/latest`` may hold, and an action sent again after a failed attempt (``replay
    --resume --retry-failed``) may be there twice: that attempt may have landed too.
    """
    builder = _Builder()
    acked_ids: set[int] = set()
    unacked: set[int] = set()
    actions = list(actions)
    for action in actions:
        acked = acknowledged is None or action.id in acknowledged
        builder.apply(action, acked)
        (acked_ids if acked else unacked).add(action.id)
    for action in sent_again(actions, outcomes or ()):
        builder.apply(action, False)  # its failed attempt: one more unacknowledged write
    allowed = latest_candidates(acked_ids, unacked, outcomes)
    return builder.finish(max(acked_ids, default=-1), allowed)
