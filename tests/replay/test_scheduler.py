"""The scheduler hands out causally ready actions to concurrent threads, paced."""

from __future__ import annotations

import threading

from harness.execution.replay.scheduler import Scheduler
from harness.scenario.model import Action, Command
from tests.replay.replay_support import simple_actions


def test_threads_drain_the_plan_in_causal_order() -> None:
    actions = simple_actions(users=5, actions=200)
    scheduler = Scheduler()
    scheduler.load(actions)
    sent: list[int] = []
    lock = threading.Lock()
    final = actions[-1].id

    def sender() -> None:
        while (action := scheduler.take()) is not None:
            with lock:
                sent.append(action.id)
                if len(sent) == len(actions):
                    scheduler.close()
            scheduler.complete([action.id])
            if scheduler.remaining == 1:
                scheduler.release_final()

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert sorted(sent) == [a.id for a in actions]
    assert sent[-1] == final


def test_speed_factor_delays_actions_by_the_scaled_recording() -> None:
    now = [100.0]
    scheduler = Scheduler(clock=lambda: now[0])
    actions = [
        Action(0, 0, 0, Command.TWEET, "A", content="a"),
        Action(1, 5000, 5, Command.TWEET, "B", content="b"),
        Action(2, 5000, 10, Command.TWEET, "C", content="c"),
    ]
    scheduler.load(actions, speed=0.001)  # 5 s recorded -> 5 ms
    first = scheduler.take(timeout=0)
    assert first is not None and first.id == 0
    assert scheduler.take(timeout=0) is None  # action 1 is due at +5 ms
    now[0] += 0.005
    taken = scheduler.take(timeout=0)
    assert taken is not None and taken.id == 1


def test_completions_before_the_plan_are_kept() -> None:
    scheduler = Scheduler()
    actions = simple_actions(users=2, actions=4)
    scheduler.complete([0, 1])
    scheduler.load(actions)
    assert scheduler.remaining == 2
