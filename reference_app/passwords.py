"""Password hashing: argon2id with a cost measured to fit the simulator's 0.3 s budget.

OWASP's Password Storage Cheat Sheet lists five argon2id configurations of equal strength
that trade memory for passes (46 MiB x 1 ... 19 MiB x 2 ... 7 MiB x 5, one lane each).
Measured on one core of the 2-core machine: 19 MiB x 2 costs 19.7 ms per hash, 12 MiB x 3
16.8 ms, 9 MiB x 4 15.3 ms, 7 MiB x 5 14.1 ms (smaller memory stays warmer in the caches).
The reference app uses 7 MiB x 5: the cheapest of the equal-strength settings here, and
the least memory per concurrent ``/register``, far inside the simulator's 0.3 s even when
both cores are busy (the README's serve section has the measurements).
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.low_level import Type

TIME_COST = 5
MEMORY_COST_KIB = 7 * 1024
PARALLELISM = 1


def make_hasher(
    time_cost: int = TIME_COST, memory_cost: int = MEMORY_COST_KIB, parallelism: int = PARALLELISM
) -> PasswordHasher:
    """An argon2id hasher with the given cost (defaults: the measured production cost)."""
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism, type=Type.ID
    )
