"""The traffic of a drill (pure): a run-unique namespace, steady pacing, an endless-enough stream.

A drill runs against a target that may already hold data, and may be run again and again
against the same target: every username (and email) carries a tag unique to the run, so
its users never collide with anyone else's and verify reads only what this run wrote.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from harness.scenario.generate import generate_actions
from harness.scenario.model import Action
from harness.scenario.namespace import email_in
from harness.scenario.namespace import namespaced as namespace

__all__ = ["generated_traffic", "namespace", "paced"]

#: Generated traffic comes in blocks, each a scenario of its own with its own users, so that
#: registers, tweets and follows keep their mix however long the operation takes.
BLOCK_SECONDS = 30
#: About one register in twenty actions: the course scenarios' mix, and registers (password
#: hashing) are the expensive write.
USERS_PER_ACTION = 0.05


def paced(actions: Sequence[Action], rate: float) -> list[Action]:
    """``actions`` with their recorded delays replaced by a steady ``rate`` per second."""
    step = round(1000.0 / rate)
    return [dataclasses.replace(a, delay_ms=step) for a in actions]


def generated_traffic(rate: float, seconds: float, seed: int) -> list[Action]:
    """Enough generated actions for ``seconds`` at ``rate``, numbered from 1, in blocks.

    Block ``k`` is ``generate_actions`` with seed ``seed + k``; its users are told apart
    from other blocks' by a ``#k`` suffix, so each block registers its own users first.
    """
    per_block = max(10, round(rate * BLOCK_SECONDS))
    users = max(3, round(per_block * USERS_PER_ACTION))
    wanted = max(1, round(rate * seconds))
    out: list[Action] = []
    block = 0
    while len(out) < wanted:
        suffix = f"#{block}"
        for action in generate_actions(users, per_block, seed + block):
            out.append(
                dataclasses.replace(
                    action,
                    id=len(out) + 1,
                    line=0,
                    user=f"{action.user}{suffix}",
                    target=None if action.target is None else f"{action.target}{suffix}",
                    email=None if action.email is None else email_in(action.email, f"b{block}"),
                )
            )
        block += 1
    return out
