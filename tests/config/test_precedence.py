"""One precedence stack: flags > non-empty environment > file > gate defaults > defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import build_config
from harness.errors import UsageError
from harness.gate.defaults import gate_defaults


def _file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ci.toml"
    path.write_text(text)
    return path


def test_a_flag_beats_the_environment_and_the_file(tmp_path: Path) -> None:
    ci = _file(tmp_path, "[replay]\nconcurrency = 6\n")

    config = build_config(
        {"replay.concurrency": "3"}, env={"MINITWIT_REPLAY_CONCURRENCY": "5"}, config_file=ci
    )

    assert config.replay.concurrency == 3
    assert config.sources["replay.concurrency"] == "--concurrency"


def test_the_environment_beats_the_file(tmp_path: Path) -> None:
    ci = _file(tmp_path, "[replay]\nconcurrency = 6\n")

    config = build_config({}, env={"MINITWIT_REPLAY_CONCURRENCY": "5"}, config_file=ci)

    assert config.replay.concurrency == 5
    assert config.sources["replay.concurrency"] == "MINITWIT_REPLAY_CONCURRENCY"


def test_the_file_beats_the_gate_defaults(tmp_path: Path) -> None:
    ci = _file(tmp_path, "[replay]\nconcurrency = 6\n[scenario]\nusers = 80\n")

    config = gate_defaults(build_config({}, env={}, config_file=ci))

    assert (config.replay.concurrency, config.scenario.users) == (6, 80)


def test_the_gate_defaults_beat_the_built_in_defaults() -> None:
    plain = build_config({}, env={})
    gated = gate_defaults(plain)

    # The README's gate: 1 concurrent replay request, 50 scenario users, 20 req/s for 10 s.
    assert (plain.replay.concurrency, gated.replay.concurrency) == (4, 1)
    assert (plain.scenario.users, gated.scenario.users) == (200, 50)
    assert (gated.load.rate, gated.load.run_time) == (20.0, 10.0)
    assert gated.load.thresholds == ("error_rate<1%",)
    assert gated.sources["replay.concurrency"] == "gate default"


def test_built_in_defaults_apply_when_nothing_is_given() -> None:
    config = build_config({}, env={})

    assert config.target is None
    assert config.replay.speed == "max"
    assert config.replay.timeout == 0.3
    assert config.sources == {}


@pytest.mark.parametrize("where", ["env", "file"])
def test_an_explicit_value_equal_to_the_default_survives_the_gate_defaults(
    where: str, tmp_path: Path
) -> None:
    if where == "env":
        env = {"MINITWIT_REPLAY_CONCURRENCY": "4", "MINITWIT_SCENARIO_USERS": "200"}
        given = build_config({}, env=env)
    else:
        ci = _file(tmp_path, "[replay]\nconcurrency = 4\n[scenario]\nusers = 200\n")
        given = build_config({}, env={}, config_file=ci)

    config = gate_defaults(given)

    assert config.replay.concurrency == 4
    assert config.scenario.users == 200


def test_load_users_without_a_rate_keep_the_gate_from_adding_one() -> None:
    config = gate_defaults(build_config({}, env={"MINITWIT_LOAD_USERS": "10"}))

    assert config.load.users == 10
    assert config.load.rate is None


def test_an_empty_environment_variable_is_unset(tmp_path: Path) -> None:
    ci = _file(
        tmp_path,
        'target = "http://127.0.0.1:5001"\n[report]\nbaseline = "bundles/last"\n',
    )
    env = {"MINITWIT_TARGET": "", "MINITWIT_REPORT_BASELINE": "", "MINITWIT_CONFIG": str(ci)}

    config = build_config({}, env=env)

    assert config.target == "http://127.0.0.1:5001"
    assert config.report.baseline == "bundles/last"
    assert config.sources["target"] == str(ci)


def test_an_empty_config_variable_means_no_file() -> None:
    assert build_config({}, env={"MINITWIT_CONFIG": ""}).target is None


@pytest.mark.parametrize(
    ("cli", "env", "toml", "says"),
    [
        ({}, {}, '[replay]\nspeed = "fast"\n',
         "ci.toml: [replay] speed: expected 'max' or a number, got 'fast'"),
        ({}, {"MINITWIT_REPLAY_SPEED": "fast"}, "", "MINITWIT_REPLAY_SPEED: expected 'max'"),
        ({"replay.speed": "fast"}, {}, "", "--speed: expected 'max' or a number, got 'fast'"),
        ({}, {}, "[replay]\nspeed = 0\n", "ci.toml: [replay] speed: the factor must be greater"),
        ({}, {}, '[contract]\nfail_on = "warnings"\n', "ci.toml: [contract] fail_on: expected"),
        ({}, {}, 'target = "localhost:5001"\n', "ci.toml: target: expected an http(s) URL"),
        ({}, {}, "[load]\nrun_time = -3\n", "ci.toml: [load] run_time: must be greater than 0"),
        ({}, {}, '[check]\nstages = ["fuzz"]\n', "ci.toml: [check] stages: expected one of"),
        ({}, {}, "[replay]\nconcurency = 2\n", "ci.toml: [replay] unknown key 'concurency'"),
        ({}, {}, "[replay]\nworkers = 1.5\n", "ci.toml: [replay] workers: expected an integer"),
        ({}, {}, 'replay = "x"\n', "ci.toml: [replay] must be a table"),
    ],
)  # fmt: skip
def test_a_bad_value_is_one_usage_error_naming_its_source(
    cli: dict[str, str], env: dict[str, str], toml: str, says: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    Path("ci.toml").write_text(toml)

    with pytest.raises(UsageError) as caught:
        build_config(cli, env=env, config_file="ci.toml")

    assert says in str(caught.value)
    assert "\n" not in str(caught.value)


def test_an_unknown_cli_key_is_an_error_not_dropped() -> None:
    with pytest.raises(UsageError, match=r"unknown setting 'replay\.concurency'"):
        build_config({"replay.concurency": "2"}, env={})


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("30", 30.0), ("0.3", 0.3), ("30s", 30.0), ("1m30s", 90.0), ("2h", 7200.0),
     ("1h2m3s", 3723.0), ("300ms", 0.3), (8, 8.0), (2.5, 2.5)],
)  # fmt: skip
def test_durations_take_locust_syntax_everywhere(text: object, seconds: float) -> None:
    env_text = str(text)
    for key in ("LOAD_RUN_TIME", "REPLAY_TIMEOUT", "CONTRACT_TIMEOUT", "VERIFY_TIMEOUT"):
        config = build_config({}, env={f"MINITWIT_{key}": env_text})
        section, name = key.lower().split("_", 1)
        assert getattr(getattr(config, section), name) == pytest.approx(seconds)
    assert build_config({"load.run_time": text}, env={}).load.run_time == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["1x", "m", "1m30", "s30", "-5s", "nan"])
def test_a_bad_duration_says_what_a_duration_looks_like(text: str) -> None:
    with pytest.raises(UsageError, match=r"MINITWIT_LOAD_RUN_TIME: (expected a duration|must be)"):
        build_config({}, env={"MINITWIT_LOAD_RUN_TIME": text})
