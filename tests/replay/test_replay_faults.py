"""A full replay against a misbehaving target: classified errors, exact log lines, clean end."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from bench.simulator_client import simulator_replay
from harness.scenario.model import Action, Command
from tests.replay.replay_support import (
    LOADED_MACHINE,
    LOADED_MACHINE_TIMEOUT,
    run_replay_cli,
    simple_actions,
    write_scenario,
)
from tests.support.faulty_target import faulty_target
from tests.support.net import free_port

ACTIONS = simple_actions(users=3, actions=9)
STAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


def _split_log(text: str) -> list[tuple[str, str]]:
    """(timestamp, rest) of each simulator log line; checks the timestamp format."""
    out = []
    for line in text.splitlines():
        stamp, _, rest = line.partition(",")
        assert STAMP.match(stamp), line
        out.append((stamp, rest))
    return sorted(out, key=lambda p: p[1])


def _simulator_log(url: str, fault: str | None, ids: set[int] | None) -> list[str]:
    with faulty_target(fault, ids) as target:
        out = io.StringIO()
        simulator_replay(target.url, ACTIONS, out, pace=False, timeout=LOADED_MACHINE_TIMEOUT)
    return [rest.replace(target.url, "URL") for _, rest in _split_log(out.getvalue())]


@pytest.mark.parametrize(
    ("fault", "ids", "klass"),
    [
        ("reset", {4}, "ConnectionError"),
        ("hang", {5}, "ReadTimeout"),
        ("garbage", {6}, "ConnectionError"),
        ("truncated", {7}, "ChunkedEncodingError"),
        ("status200", {3, 8}, None),
    ],
)
def test_fault_is_classified_and_logged_like_the_simulator(
    tmp_path: Path, out_dir: Path, fault: str, ids: set[int], klass: str | None
) -> None:
    scenario = write_scenario(tmp_path / "s.tsv", ACTIONS)
    log = tmp_path / "sim.log"
    with faulty_target(fault, ids) as target:
        run = run_replay_cli(
            target.url, scenario, out_dir, "--simulator-log", str(log), *LOADED_MACHINE
        )
        assert sorted(target.received_ids()) == [a.id for a in ACTIONS]
    assert run.code == 1, run.stderr
    assert "Traceback" not in run.stderr
    failed = {o["action_id"]: o for o in run.outcomes() if o["verdict"] == "error"}
    assert set(failed) == ids
    for outcome in failed.values():
        assert outcome["error"] == klass
        assert outcome["status"] == (200 if klass is None else None)
    assert len(run.outcomes()) == len(ACTIONS)
    ours = [rest.replace(target.url, "URL") for _, rest in _split_log(log.read_text())]
    assert ours == _simulator_log(target.url, fault, ids)
    assert log.read_bytes().endswith(b"\n") and b"\r" not in log.read_bytes()


def test_refusing_target_gives_connection_errors_and_a_clean_end(
    tmp_path: Path, out_dir: Path
) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    scenario = write_scenario(tmp_path / "s.tsv", ACTIONS)
    log = tmp_path / "sim.log"
    run = run_replay_cli(url, scenario, out_dir, "--simulator-log", str(log))
    assert run.code == 1 and "Traceback" not in run.stderr
    assert {o["error"] for o in run.outcomes()} == {"ConnectionError"}
    expected = sorted(f"{url},{a.id},ConnectionError" for a in ACTIONS)
    assert [rest for _, rest in _split_log(log.read_text())] == expected
    assert "ConnectionError 9" in run.stdout + run.stderr


def test_max_errors_stops_the_run(tmp_path: Path, out_dir: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    actions = simple_actions(users=50, actions=400)
    scenario = write_scenario(tmp_path / "s.tsv", actions)
    run = run_replay_cli(url, scenario, out_dir, "--max-errors", "5", "--concurrency", "2")
    assert run.code == 1
    assert 5 <= len(run.outcomes()) < len(actions)
    assert "stopped early" in run.stdout


def test_strict_profile_flags_invalid_json_the_simulator_accepts(
    tmp_path: Path, out_dir: Path
) -> None:
    actions = simple_actions(users=2, actions=2)
    again = Action(2, 0, 2, Command.REGISTER, actions[0].user, email="e@x", pwd="p")
    scenario = write_scenario(tmp_path / "s.tsv", [*actions, again])
    with faulty_target("invalid_json") as target:
        simulator = run_replay_cli(target.url, scenario, out_dir / "sim", *LOADED_MACHINE)
    with faulty_target("invalid_json") as target:
        strict = run_replay_cli(
            target.url, scenario, out_dir / "strict", "--profile", "strict", *LOADED_MACHINE
        )
    assert simulator.code == 0, simulator.stdout
    assert strict.code == 1
    failed = [o for o in strict.outcomes() if o["verdict"] == "error"]
    assert [(o["action_id"], o["status"], o["check"]) for o in failed] == [
        (2, 400, "strict.invalid-json")
    ]
    assert "finding [strict] strict.invalid-json" in strict.stdout
