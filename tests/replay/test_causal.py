"""The pure causal plan: per-user order, register dependencies, final barrier, pacing."""

from __future__ import annotations

from harness.planning.causal import (
    CausalPlan,
    due_offsets,
    partition_users,
    register_dependencies,
)
from harness.scenario.model import Action, Command


def _reg(i: int, user: str) -> Action:
    return Action(i, 10, 1000 + i, Command.REGISTER, user, email=f"{i}@x", pwd="p")


def _tweet(i: int, user: str) -> Action:
    return Action(i, 10, 1000 + i, Command.TWEET, user, content=f"t{i}")


def _follow(i: int, user: str, target: str, cmd: Command = Command.FOLLOW) -> Action:
    return Action(i, 10, 1000 + i, cmd, user, target=target)


SCENARIO = [
    _reg(0, "A"),
    _reg(1, "B"),
    _tweet(2, "A"),
    _follow(3, "A", "B"),
    _tweet(4, "B"),
    _follow(5, "B", "A", Command.UNFOLLOW),
    _tweet(6, "C"),  # C never registered: no dependency, goes out at once
    _tweet(7, "A"),
]


def _ids(actions: list[Action]) -> list[int]:
    return sorted(a.id for a in actions)


def test_first_actions_of_each_user_are_ready_at_once() -> None:
    plan = CausalPlan(SCENARIO)
    assert _ids(plan.take_ready()) == [0, 1, 6]
    assert plan.take_ready() == []


def test_each_user_waits_for_its_previous_action() -> None:
    plan = CausalPlan(SCENARIO)
    plan.take_ready()
    plan.complete(0)
    assert _ids(plan.take_ready()) == [2]
    plan.complete(2)
    assert plan.take_ready() == []  # A's follow of B waits for B's register (action 1)
    plan.complete(1)
    assert _ids(plan.take_ready()) == [3, 4]


def test_follow_waits_for_the_target_register_even_across_owners() -> None:
    plan = CausalPlan(SCENARIO, owned=lambda a: a.user == "A")
    assert _ids(plan.take_ready()) == [0]
    plan.complete(0)
    assert _ids(plan.take_ready()) == [2]
    plan.complete(2)
    assert plan.take_ready() == []
    plan.complete(1)  # B's register, completed by another worker
    assert _ids(plan.take_ready()) == [3]


def test_final_action_waits_for_the_barrier() -> None:
    plan = CausalPlan(SCENARIO, done=[0, 1, 2, 3, 4, 5, 6])
    assert plan.take_ready() == []
    assert plan.owns_final() and plan.nonfinal_remaining == 0
    plan.release_final()
    assert _ids(plan.take_ready()) == [7]
    plan.complete(7)
    assert plan.remaining == 0


def test_done_actions_are_never_handed_out_again() -> None:
    plan = CausalPlan(SCENARIO, done=[0, 2])
    assert _ids(plan.take_ready()) == [1, 6]
    assert plan.remaining == len(SCENARIO) - 2


def test_a_full_run_in_any_completion_order_hands_out_every_action_once() -> None:
    plan = CausalPlan(SCENARIO)
    seen: list[int] = []
    while plan.remaining:
        ready = plan.take_ready()
        if not ready:
            plan.release_final()
            continue
        for action in reversed(ready):
            seen.append(action.id)
            plan.complete(action.id)
    assert sorted(seen) == list(range(len(SCENARIO)))
    assert seen[-1] == 7


def test_register_dependencies_only_for_other_registered_users() -> None:
    deps = register_dependencies([*SCENARIO, _follow(8, "A", "A"), _follow(9, "A", "Z")])
    assert deps == {3: 1, 5: 0}


def test_partition_balances_users_and_covers_all() -> None:
    parts = partition_users(SCENARIO, 2)
    assert parts[0] | parts[1] == {"A", "B", "C"}
    assert not parts[0] & parts[1]
    assert "A" in parts[0]  # the heaviest user goes first, to the first group


def test_due_offsets_scale_cumulative_delays() -> None:
    assert due_offsets(SCENARIO[:3], None) == {0: 0.0, 1: 0.0, 2: 0.0}
    offsets = due_offsets(SCENARIO[:3], 0.5)
    assert offsets == {0: 0.0, 1: 0.005, 2: 0.01}


def test_register_limit_keeps_one_register_in_flight_in_scenario_order() -> None:
    actions = [_reg(0, "A"), _reg(1, "B"), _reg(2, "C"), _tweet(3, "D"), _tweet(4, "A")]
    plan = CausalPlan(actions, register_limit=1)
    assert _ids(plan.take_ready()) == [0, 3]
    plan.complete(0)
    assert _ids(plan.take_ready()) == [1]
    plan.complete(1)
    assert _ids(plan.take_ready()) == [2]
