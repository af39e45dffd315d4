"""The gate's own defaults: a gentle, short run that judges correctness, not capacity.

They sit between the config file and the built-in defaults: ``check`` fills in only the
settings nobody gave. A value set by flag, environment or config file is used as given, even
when it equals a built-in default (``[replay] concurrency = 4`` stays 4); a value a program
changed from the built-in default counts as given too. Pure: config in, config out.
"""

from __future__ import annotations

from typing import Any

from harness.config import GATE_DEFAULT, Config, get_setting, setting_default, with_settings

#: Concurrent replay requests: one, the course simulator's pacing, so that the replay stage
#: cannot manufacture timeouts the simulator would not see (a register that takes 250 ms
#: passes alone and times out queued behind others); concurrency is the load stage's job.
GATE_REPLAY_CONCURRENCY = 1
#: Users of the generated scenario: fewer registers (the costly password hash) per action.
GATE_SCENARIO_USERS = 50
#: The load stage holds this rate (requests/s) for this long: latency at a sane pace.
GATE_LOAD_RATE = 20.0
GATE_LOAD_RUN_TIME = 10.0
#: With no thresholds configured the load stage still judges something.
GATE_LOAD_THRESHOLDS: tuple[str, ...] = ("error_rate<1%",)
#: The replay renames its users into a fresh namespace: a gate runs against targets that
#: already hold data (a staging server, earlier gates), and judges only its own.
GATE_REPLAY_NAMESPACE = "auto"


def _given(config: Config, key: str) -> bool:
    return config.given(key) or get_setting(config, key) != setting_default(key)


def gate_defaults(config: Config) -> Config:
    """``config`` with the gate's defaults for every setting nobody gave."""
    wanted: dict[str, Any] = {
        "scenario.users": GATE_SCENARIO_USERS,
        "replay.concurrency": GATE_REPLAY_CONCURRENCY,
        "load.run_time": GATE_LOAD_RUN_TIME,
        "replay.namespace": GATE_REPLAY_NAMESPACE,
    }
    # A rate only when the user chose neither a rate nor a number of users.
    if not (_given(config, "load.rate") or _given(config, "load.users")):
        wanted["load.rate"] = GATE_LOAD_RATE
    values = {k: v for k, v in wanted.items() if not _given(config, k)}
    # No thresholds at all (even an explicit empty list) would let load pass unjudged.
    if not config.load.thresholds:
        values["load.thresholds"] = GATE_LOAD_THRESHOLDS
    return with_settings(config, values, dict.fromkeys(values, GATE_DEFAULT))
