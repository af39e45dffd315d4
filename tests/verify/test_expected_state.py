"""``expected_state``: the end state a scenario (or its acknowledged part) must leave."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.planning.expected import ExpectedMessage, acknowledged_ids, expected_state
from harness.results import Outcome
from harness.scenario.generate import generate_actions
from harness.scenario.model import Action, Command

R, T, F, U = Command.REGISTER, Command.TWEET, Command.FOLLOW, Command.UNFOLLOW


def _scenario() -> list[Action]:
    rows = [
        (R, "A", {"email": "a@x", "pwd": "p"}),
        (R, "B", {"email": "b@x", "pwd": "p"}),
        (T, "A", {"content": "one"}),
        (F, "A", {"target": "B"}),
        (F, "A", {"target": "B"}),  # idempotent
        (U, "B", {"target": "A"}),  # not followed: no-op
        (R, "A", {"email": "other@x", "pwd": "q"}),  # taken: no-op
        (T, "A", {"content": "two"}),
        (F, "B", {"target": "A"}),
        (U, "B", {"target": "A"}),
        (T, "B", {"content": "three"}),
    ]
    return [Action(i, 0, i, c, u, **extra) for i, (c, u, extra) in enumerate(rows)]  # type: ignore[arg-type]


def test_every_action_counts_by_default() -> None:
    state = expected_state(_scenario())
    assert sorted(state.users) == ["A", "B"]
    a, b = state.users["A"], state.users["B"]
    assert a.certain and b.certain
    assert a.messages == [ExpectedMessage(7, "two"), ExpectedMessage(2, "one")]  # newest first
    assert b.messages == [ExpectedMessage(10, "three")]
    assert (a.follows, b.follows) == ({"B"}, set())
    assert not (a.maybe_follows or b.maybe_follows or a.maybe_messages)
    assert state.latest == 10 and state.latest_allowed == {10}
    assert state.message_count() == 3


def test_unacknowledged_actions_become_possible_not_required() -> None:
    acked = {0, 1, 2, 3, 8}  # B's unfollow (9) and tweets 7 and 10 were not acknowledged
    state = expected_state(_scenario(), acked)
    a, b = state.users["A"], state.users["B"]
    assert a.messages == [ExpectedMessage(2, "one")]
    assert a.maybe_messages == [ExpectedMessage(7, "two")]
    assert b.maybe_messages == [ExpectedMessage(10, "three")]
    assert a.follows == {"B"}
    assert b.follows == set() and b.maybe_follows == {"A"}  # followed; the unfollow may have landed
    assert state.latest == 8
    assert state.latest_allowed == {8, 4, 5, 6, 7, 9, 10}
    assert state.max_message_count() == 3


def test_nothing_acknowledged() -> None:
    state = expected_state(_scenario(), set())
    assert not any(u.certain for u in state.users.values())
    assert state.latest == -1 and state.message_count() == 0
    assert expected_state([]).latest_allowed == {-1}


def test_acknowledged_ids_skip_errors_and_reads() -> None:
    def outcome(i: int, command: str, status: int | None, verdict: str) -> Outcome:
        return Outcome(i, command, "A", status, None, verdict, None, 1.0, 0.0, 0.0)

    outcomes = [
        outcome(0, "register", 204, "ok"),
        outcome(1, "register", 400, "ok"),  # the name is taken: the user exists
        outcome(2, "tweet", 500, "error"),
        outcome(3, "tweet", 204, "ok"),
        outcome(-1, "latest", 200, "ok"),
    ]
    assert acknowledged_ids(outcomes) == {0, 1, 3}


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32), size=st.integers(5, 300))
def test_all_acknowledged_equals_default(seed: int, size: int) -> None:
    actions = generate_actions(5, size, seed)
    assert expected_state(actions, {a.id for a in actions}) == expected_state(actions)


def test_acknowledged_register_means_the_user_exists() -> None:
    # Even when the target answered 400 to a fresh name: the simulator reads 400 as "taken".
    actions = _scenario()[:2]
    state = expected_state(actions, {1})
    assert state.users["B"].certain and not state.users["A"].certain
