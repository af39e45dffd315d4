"""The gate softens only the settings a user left at their defaults."""

from __future__ import annotations

from harness.config import build_config
from harness.gate.defaults import gate_defaults


def test_untouched_settings_get_the_gate_defaults() -> None:
    config = gate_defaults(build_config({}, env={}))

    # README, check section: "unless you set them, it replays with 1 concurrent request (...) a
    # scenario of 50 users, and holds the load stage at 20 requests/s for 10 s with the
    # threshold `error_rate<1%`" (tests/test_documented_defaults.py parses that sentence).
    assert config.replay.concurrency == 1
    assert config.scenario.users == 50
    assert config.load.run_time == 10.0
    assert config.load.rate == 20.0
    assert config.load.thresholds == ("error_rate<1%",)
    # README, check section: the gate replays "in a fresh namespace".
    assert config.replay.namespace == "auto"


def test_settings_the_user_gave_are_kept() -> None:
    given = build_config(
        {},
        env={
            "MINITWIT_REPLAY_CONCURRENCY": "16",
            "MINITWIT_SCENARIO_USERS": "120",
            "MINITWIT_LOAD_RUN_TIME": "3",
            "MINITWIT_LOAD_USERS": "7",
            "MINITWIT_LOAD_THRESHOLDS": "p95(tweet)<50ms",
            "MINITWIT_REPLAY_NAMESPACE": "none",
        },
    )

    config = gate_defaults(given)

    assert config.replay.concurrency == 16
    assert config.scenario.users == 120
    assert config.load.run_time == 3.0
    assert config.load.rate is None and config.load.users == 7
    assert config.load.thresholds == ("p95(tweet)<50ms",)
    assert config.replay.namespace == "none"
