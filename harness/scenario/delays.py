"""Inter-action delays shaped like the course recording: long-tailed and accelerating.

The recording's delays have a median around 73 s, a tail up to about 20 h, and the load
accelerates over the run; 26 000 actions span about ten weeks, so the course simulator's
sleep of ``delay_ms / 1e8`` s totals about a minute. A log-normal body scaled down linearly
over the run, plus rare long gaps (nights, outages), then normalised to that total.
"""

from __future__ import annotations

import math
import random

#: Ten weeks over the 26 000 actions of the course recording, per action.
MEAN_DELAY_MS = 10 * 7 * 24 * 3600 * 1000 / 26_000
MAX_DELAY_MS = 20 * 3600 * 1000
MEDIAN_BODY_S = 62.0  # before the acceleration factor and normalisation
SIGMA = 1.25
ACCEL_START, ACCEL_END = 1.6, 0.4  # early delays are 4x the late ones
LONG_GAP_P = 0.0012
LONG_GAP_S = (4 * 3600.0, 20 * 3600.0)


def delays_ms(rng: random.Random, count: int) -> list[int]:
    """``count`` delays in milliseconds; the first is 0, the total ≈ (count-1)·mean."""
    if count <= 0:
        return []
    raw = [0.0]
    mu = math.log(MEDIAN_BODY_S * 1000)
    for i in range(1, count):
        progress = i / count
        if rng.random() < LONG_GAP_P:
            value = rng.uniform(*LONG_GAP_S) * 1000
        else:
            factor = ACCEL_START - (ACCEL_START - ACCEL_END) * progress
            value = rng.lognormvariate(mu, SIGMA) * factor
        raw.append(min(value, MAX_DELAY_MS))
    total = sum(raw)
    if total <= 0:
        return [0] * count
    # Normalising keeps the simulator-time budget; small runs may be scaled more. Values
    # hitting the cap lose time, so the uncapped ones are scaled once more to make up.
    scale = MEAN_DELAY_MS * (count - 1) / total
    scaled = [min(v * scale, MAX_DELAY_MS) for v in raw]
    capped = sum(v for v in scaled if v >= MAX_DELAY_MS)
    free = sum(scaled) - capped
    if free > 0:
        extra = (MEAN_DELAY_MS * (count - 1) - capped) / free
        scaled = [v if v >= MAX_DELAY_MS else min(v * extra, MAX_DELAY_MS) for v in scaled]
    return [round(v) for v in scaled]
