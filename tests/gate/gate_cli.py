"""Run ``minitwit-harness check`` as a user would, with small, bounded stage settings."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

#: Keeps every gate run in the tests short: a small scenario, a bounded contract phase,
#: a few seconds of load. The request timeouts are raised from the simulator's 0.3 s
#: because these tests judge the gate, not the latency of a machine shared by parallel jobs.
SMALL = {
    "MINITWIT_REPLAY_TIMEOUT": "2",
    "MINITWIT_LOAD_TIMEOUT": "2",
    "MINITWIT_SCENARIO_USERS": "15",
    "MINITWIT_SCENARIO_ACTIONS": "150",
    "MINITWIT_CONTRACT_MAX_EXAMPLES": "5",
    "MINITWIT_CONTRACT_TIME_BUDGET": "8",
    "MINITWIT_LOAD_RUN_TIME": "4",
    "MINITWIT_LOAD_USERS": "4",
    "MINITWIT_LOAD_SPAWN_RATE": "4",
}


def harness(
    *args: str, env: Mapping[str, str] | None = None, cwd: Path | None = None, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    """``minitwit-harness ARGS`` in a subprocess; stdout and stderr captured as text."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("MINITWIT_")}
    full_env.update(SMALL)
    full_env.update(env or {})
    if "MINITWIT_TEST_PG" in os.environ:
        full_env["MINITWIT_TEST_PG"] = os.environ["MINITWIT_TEST_PG"]
    return subprocess.run(
        [sys.executable, "-m", "harness", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
        cwd=cwd,
    )
