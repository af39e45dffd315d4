"""The gate's own defaults: a gentle, short run that judges correctness, not capacity.

``check`` changes only settings the user left at their section defaults; anything set by
flag, environment or config file is used as given. Pure: config in, config out.
"""

from __future__ import annotations

from dataclasses import replace

from harness.config import Config, LoadConfig, ReplayConfig, ScenarioConfig

#: Concurrent replay requests: the course simulator sends one at a time; a few more keep
#: the gate quick without turning a small target's queue into simulator timeouts.
GATE_REPLAY_CONCURRENCY = 2
#: Users of the generated scenario: fewer registers (the costly password hash) per action.
GATE_SCENARIO_USERS = 50
#: The load stage holds this rate (requests/s) for this long: latency at a sane pace.
GATE_LOAD_RATE = 20.0
GATE_LOAD_RUN_TIME = 10.0
#: With no thresholds configured the load stage still judges something.
GATE_LOAD_THRESHOLDS: tuple[str, ...] = ("error_rate<1%",)


def gate_defaults(config: Config) -> Config:
    """``config`` with the gate's defaults where the user kept a section default."""
    replay_defaults, load_defaults = ReplayConfig(), LoadConfig()
    scenario = config.scenario
    if scenario.users == ScenarioConfig().users:
        scenario = replace(scenario, users=GATE_SCENARIO_USERS)
    replay = config.replay
    if replay.concurrency == replay_defaults.concurrency:
        replay = replace(replay, concurrency=GATE_REPLAY_CONCURRENCY)
    load = config.load
    if load.run_time == load_defaults.run_time:
        load = replace(load, run_time=GATE_LOAD_RUN_TIME)
    if load.rate is None and load.users == load_defaults.users:
        load = replace(load, rate=GATE_LOAD_RATE)
    if not load.thresholds:
        load = replace(load, thresholds=GATE_LOAD_THRESHOLDS)
    return replace(config, scenario=scenario, replay=replay, load=load)
