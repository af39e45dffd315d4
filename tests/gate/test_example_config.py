"""The documented example config loads into the typed config with the values it states."""

from __future__ import annotations

from pathlib import Path

from harness.config import build_config

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "minitwit-harness.toml"


def test_example_config_loads_every_section() -> None:
    config = build_config({}, env={}, config_file=EXAMPLE)

    assert config.target is None  # the embedded reference app
    assert config.label == "my-team"
    assert config.check.stages == ("replay", "allowlist", "load", "contract")
    assert (config.scenario.users, config.scenario.actions) == (100, 600)
    assert config.replay.profile == "simulator"
    assert config.contract.time_budget == 30.0
    assert config.load.thresholds == ("error_rate<1%",)
    assert config.report.latency_tolerance == 0.25


def test_flags_and_environment_override_the_example() -> None:
    config = build_config(
        {"check.stages": "replay,contract"},
        env={"MINITWIT_LOAD_RUN_TIME": "3"},
        config_file=EXAMPLE,
    )

    assert config.check.stages == ("replay", "contract")
    assert config.load.run_time == 3.0
