"""Every command-line option is a config setting, described with a metavar and its default."""

from __future__ import annotations

import argparse

import pytest

from harness.cli.main import build_parser
from harness.cli.options import flag_names, iter_options
from harness.config import build_config, setting_types

#: Arguments that are a command's own input or action, not settings (dest starts with "_").
NOT_SETTINGS = {
    "minitwit-harness db _action",
    "minitwit-harness db _to",
    "minitwit-harness db _from",
    "minitwit-harness db _since",
    "minitwit-harness scenario stats _file",
    "minitwit-harness scenario stats _json",
    "minitwit-harness report _results",
    "minitwit-harness contract _verbose",
    "minitwit-harness contract _list",
}
#: argparse's own, and ``--config`` (which file the settings come from).
BUILT_IN = {"help", "version", "config"}


def _options() -> list[tuple[str, argparse.Action]]:
    return [(path, a) for path, a in iter_options(build_parser()) if a.dest not in BUILT_IN]


def test_every_option_maps_to_a_config_field() -> None:
    settings = setting_types()
    own = {f"{path} {a.dest}" for path, a in _options() if a.dest.startswith("_")}
    unmapped = [
        f"{path} {a.option_strings}"
        for path, a in _options()
        if not a.dest.startswith("_") and a.dest not in settings
    ]

    assert unmapped == []
    assert own == NOT_SETTINGS


def test_every_setting_option_has_a_real_metavar_a_sentence_and_its_default() -> None:
    for path, action in _options():
        if action.dest.startswith("_"):
            continue
        where = f"{path} {action.option_strings[-1]}"
        assert action.help and len(action.help.split()) >= 3, where
        if action.nargs != 0:  # a switch's default is its absence
            assert "default" in action.help, where
            shown = action.metavar or action.choices
            assert shown and "." not in str(shown), where


def test_replay_help_shows_placeholders_and_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["replay", "--help"])
    text = capsys.readouterr().out

    assert "REPLAY." not in text
    assert "--timeout DURATION" in text and "default: 0.3s" in text
    assert "--concurrency N" in text and "default: 4" in text
    assert "--speed SPEED" in text and "default: max" in text


@pytest.mark.parametrize(
    ("argv", "key", "value"),
    [
        (["load", "--target", "http://127.0.0.1:1", "--run-time", "8s"], "load.run_time", 8.0),
        (["load", "--target", "http://127.0.0.1:1", "--run-time", "1m30s"], "load.run_time", 90.0),
        (["replay", "--target", "http://127.0.0.1:1", "--timeout", "2"], "replay.timeout", 2.0),
        (["contract", "--target", "http://127.0.0.1:1", "--time-budget", "1m"],
         "contract.time_budget", 60.0),
        (["check", "--stages", "verify,contract"], "check.stages", ("verify", "contract")),
        (["check", "--no-progress"], "check.progress", False),
    ],
)  # fmt: skip
def test_parsed_flags_build_the_config(argv: list[str], key: str, value: object) -> None:
    parser = build_parser()
    args = vars(parser.parse_args(argv))
    cli = {k: v for k, v in args.items() if not k.startswith("_")}

    config = build_config(cli, env={}, flags=flag_names(parser))

    section, _, name = key.partition(".")
    assert getattr(getattr(config, section), name) == value
