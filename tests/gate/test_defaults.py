"""The gate softens only the settings a user left at their defaults."""

from __future__ import annotations

from harness.config import build_config
from harness.gate.defaults import (
    GATE_LOAD_RATE,
    GATE_LOAD_RUN_TIME,
    GATE_LOAD_THRESHOLDS,
    GATE_REPLAY_CONCURRENCY,
    GATE_SCENARIO_USERS,
    gate_defaults,
)


def test_untouched_settings_get_the_gate_defaults() -> None:
    config = gate_defaults(build_config({}, env={}))

    assert config.replay.concurrency == GATE_REPLAY_CONCURRENCY
    assert config.scenario.users == GATE_SCENARIO_USERS
    assert config.load.run_time == GATE_LOAD_RUN_TIME
    assert config.load.rate == GATE_LOAD_RATE
    assert config.load.thresholds == GATE_LOAD_THRESHOLDS


def test_settings_the_user_gave_are_kept() -> None:
    given = build_config(
        {},
        env={
            "MINITWIT_REPLAY_CONCURRENCY": "16",
            "MINITWIT_SCENARIO_USERS": "120",
            "MINITWIT_LOAD_RUN_TIME": "3",
            "MINITWIT_LOAD_USERS": "7",
            "MINITWIT_LOAD_THRESHOLDS": "p95(tweet)<50ms",
        },
    )

    config = gate_defaults(given)

    assert config.replay.concurrency == 16
    assert config.scenario.users == 120
    assert config.load.run_time == 3.0
    assert config.load.rate is None and config.load.users == 7
    assert config.load.thresholds == ("p95(tweet)<50ms",)
