"""Password hashing: argon2id with a cost measured to fit the simulator's 0.3 s budget.

OWASP's minimum argon2id configuration (19 MiB, 2 passes, 1 lane) costs about ~MS ms
on one core of the 2-core CI machine, so ``/register`` stays far inside 0.3 s even when
both cores are busy (see the README's serve section for the measurement).
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.low_level import Type

TIME_COST = 2
MEMORY_COST_KIB = 19 * 1024
PARALLELISM = 1


def make_hasher(
    time_cost: int = TIME_COST, memory_cost: int = MEMORY_COST_KIB, parallelism: int = PARALLELISM
) -> PasswordHasher:
    """An argon2id hasher with the given cost (defaults: the measured production cost)."""
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism, type=Type.ID
    )
