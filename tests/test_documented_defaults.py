"""The defaults README.md documents are the defaults the code uses.

Expected values come from README.md itself (parsed here), never from the modules under test:
changing a default in the code without the README, or the README without the code, fails.
The parse is guarded by the list of documented flags it must find, so a reworded README
cannot make this test pass by finding nothing.
"""

from __future__ import annotations

import argparse
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from harness.cli.main import build_parser
from harness.config import build_config
from harness.gate.defaults import gate_defaults

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")

#: README sections (``<!-- section: NAME -->``) and the subcommands they document.
SECTION_COMMANDS: dict[str, tuple[str, ...]] = {
    "serve": ("serve", "db"),
    "scenario": ("scenario",),
    "replay": ("replay", "verify"),
    "contract": ("contract",),
    "allowlist": ("allowlist",),
    "load": ("load",),
    "check": ("check", "report"),
    "simulate": ("simulate", "dashboard"),
}

#: Every "`--flag` ... (default X)" the README holds today: the parse must find them all.
DOCUMENTED_FLAGS = {
    ("replay", "--concurrency"),
    ("replay", "--register-concurrency"),
    ("replay", "--speed"),
    ("replay", "--profile"),
    ("replay", "--results"),
    ("contract", "--max-examples"),
    ("contract", "--time-budget"),
    ("contract", "--timeout"),
    ("contract", "--restart-wait"),
    ("check", "--restart-wait"),
    ("load", "--read-ratio"),
    ("load", "--profile"),
    ("load", "--run-time"),
    ("load", "--max-requests"),
    ("check", "--latency-tolerance"),
    ("check", "--latency-floor-ms"),
    ("simulate", "--latest-interval"),
    ("simulate", "--worker-wait"),
}

#: Documented defaults derived at run time from another setting (compared on their own below).
DERIVED = {("replay", "--results")}

# "`--flag`" or "`--flag VALUE`", a few words, then "(default)" or "(default X...)".
_DEFAULT = re.compile(r"`(--[a-z][a-z-]*)(?: ([^`]+))?`([^`()]{0,40}?)\s\(default\b([^)]*)\)")


def _sections() -> dict[str, str]:
    found = re.findall(r"<!-- section: (\w+) -->(.*?)<!-- /section: \1 -->", README, re.S)
    return dict(found)


def documented_defaults() -> dict[tuple[str, str], str]:
    """(section, flag) -> the default as README writes it (units and all)."""
    out: dict[tuple[str, str], str] = {}
    for section, text in _sections().items():
        for flag, shown, _, default in _DEFAULT.findall(text):
            value = default.strip() or shown  # "`--speed max` (default)"
            out[(section, flag)] = re.split(r"[,:]", value)[0].strip().strip("`")
    return out


@cache
def _dest_of(command: str, flag: str) -> str | None:
    """The config field (``section.field``) the command's ``flag`` writes, if it has one."""
    root = build_parser()
    stack = [
        p
        for a in root._actions
        if isinstance(a, argparse._SubParsersAction)
        for name, p in a.choices.items()
        if name == command
    ]
    while stack:
        parser = stack.pop()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                stack.extend(action.choices.values())
            elif flag in action.option_strings:
                return str(action.dest)
    return None


def _code_default(section: str, flag: str) -> Any:
    dest = next(
        (d for c in SECTION_COMMANDS[section] if (d := _dest_of(c, flag)) is not None), None
    )
    assert dest is not None, f"README documents {flag} for {section}, which has no such flag"
    value: Any = build_config({}, env={})
    for part in dest.split("."):
        value = getattr(value, part)
    return value


def _number(text: str) -> float:
    """``"1 000 000"`` -> 1e6, ``"25%"`` -> 0.25, ``"20 s"`` -> 20, ``"10 ms"`` -> 10."""
    text = re.sub(r"(?<=\d) (?=\d)", "", text)
    match = re.fullmatch(r"(-?[0-9.]+)\s*(%|s|ms)?", text)
    assert match is not None, f"not a documented number: {text!r}"
    value = float(match[1])
    return value / 100 if match[2] == "%" else value


def test_the_readme_parse_finds_every_documented_default() -> None:
    assert set(documented_defaults()) >= DOCUMENTED_FLAGS


@pytest.mark.parametrize(("section", "flag"), sorted(DOCUMENTED_FLAGS - DERIVED))
def test_documented_flag_default_is_the_code_default(section: str, flag: str) -> None:
    documented = documented_defaults()[(section, flag)]
    code = _code_default(section, flag)
    if isinstance(code, bool) or not isinstance(code, int | float):
        assert str(code) == documented, (section, flag)
    else:
        assert float(code) == _number(documented), (section, flag, documented)


def test_every_documented_default_is_checked() -> None:
    """A new "(default X)" in the README joins the list above (and so gets compared)."""
    assert set(documented_defaults()) <= DOCUMENTED_FLAGS


def test_the_replay_results_default_is_the_documented_one() -> None:
    """``--results`` defaults to ``<--output-dir>/replay/results.jsonl``; every replay CLI test
    reads it there (``tests/replay/replay_support.py``), so only the output dir is left."""
    documented = documented_defaults()[("replay", "--results")]
    assert build_config({}, env={}).replay.results is None  # derived, not a fixed path
    assert documented == f"{build_config({}, env={}).output_dir}/replay/results.jsonl"


def test_the_gate_defaults_are_the_documented_ones() -> None:
    # "unless you set them, it replays with 1 concurrent request (...) a scenario of 50 users, and
    # holds the load stage at 20 requests/s for 10 s with the threshold `error_rate<1%`"
    sentence = re.search(
        r"unless you set them, it replays with (\d+) concurrent requests?(?: \([^)]*\))? a"
        r"\s+scenario of (\d+)"
        r" users, and\s+holds the load stage at (\d+) requests/s for (\d+) s with the"
        r" threshold `([^`]+)`",
        _sections()["check"],
    )
    assert sentence is not None, "README's check section no longer states the gate defaults"
    config = gate_defaults(build_config({}, env={}))
    assert config.replay.concurrency == int(sentence[1])
    assert config.scenario.users == int(sentence[2])
    assert config.load.rate == float(sentence[3])
    assert config.load.run_time == float(sentence[4])
    assert config.load.thresholds == (sentence[5],)


def test_the_serve_defaults_are_the_documented_ones() -> None:
    serve = _sections()["serve"]
    # "minitwit-harness serve      # sqlite:///minitwit.db on 127.0.0.1:5001"
    where = re.search(r"minitwit-harness serve +# (\S+) on ([\d.]+):(\d+)", serve)
    # "- **Workers**: 3 gunicorn **sync** workers by default (`--threads 1`)."
    workers = re.search(
        r"(\d+) gunicorn \*\*sync\*\* workers by default \(`--threads (\d+)`\)", serve
    )
    assert where is not None and workers is not None, "README's serve defaults moved"
    config = build_config({}, env={}).serve
    assert (config.database_url, config.host, config.port) == (where[1], where[2], int(where[3]))
    assert (config.workers, config.threads) == (int(workers[1]), int(workers[2]))


def test_the_load_timeout_is_the_documented_one() -> None:
    # "Requests use the simulator's headers, ... and its 0.3 s timeout (`--timeout`)."
    load = re.search(r"its\s+([\d.]+) s timeout \(`--timeout`\)", _sections()["load"])
    assert load is not None, "README's load section no longer states the request timeout"
    assert build_config({}, env={}).load.timeout == float(load[1])
