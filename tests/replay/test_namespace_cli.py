"""``replay --namespace``: the same scenario twice on one target, each run judged on its own."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.replay.replay_support import run_replay_cli, simple_actions, write_scenario
from tests.support.servers import RunningServer


def _verify(target: str, scenario: Path, results: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "harness", "verify", "--target", target]
    cmd += ["--scenario", str(scenario), "--results", str(results)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def test_a_bad_tag_is_one_line_exit_2(tmp_path: Path, out_dir: Path) -> None:
    scenario = write_scenario(tmp_path / "s.tsv", simple_actions(2, 3))
    run = run_replay_cli("http://127.0.0.1:9", scenario, out_dir, "--namespace", "a b")
    assert run.code == 2, run.stderr
    assert run.stderr.startswith("minitwit-harness: error: --namespace: namespace 'a b': use")
    assert len(run.stderr.strip().splitlines()) == 1


@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_same_scenario_twice_in_two_namespaces(
    served_app: RunningServer, tmp_path: Path
) -> None:
    scenario = write_scenario(tmp_path / "s.tsv", simple_actions(4, 30))
    tags = []
    for n in (1, 2):
        out = tmp_path / f"run{n}"
        run = run_replay_cli(
            served_app.url, scenario, out, "--namespace", "auto", "--verify", "--timeout", "5"
        )
        assert run.code == 0, run.stdout + run.stderr
        # Every register of the second run is a fresh name (204), not a taken one (400).
        registers = [o for o in run.outcomes() if o["command"] == "register"]
        assert registers and {o["status"] for o in registers} == {204}
        header = json.loads(run.results.read_text().splitlines()[0])
        tags.append(header["namespace"])
        printed = re.search(r"^replay: namespace (\S+) ", run.stdout, re.M)
        assert printed is not None and printed.group(1) == header["namespace"]
        # verify --results reads the scenario in the namespace the replay recorded.
        verify = _verify(served_app.url, scenario, run.results)
        assert verify.returncode == 0, verify.stdout + verify.stderr
        # ... and --resume continues in it.
        keep = ("--namespace", "auto") if n == 1 else ()  # unset resumes in it too
        resumed = run_replay_cli(served_app.url, scenario, out, "--resume", *keep)
        assert f"replay: namespace {header['namespace']} " in resumed.stdout, resumed.stderr
    assert tags[0] != tags[1]
    other = run_replay_cli(
        served_app.url, scenario, tmp_path / "run1", "--resume", "--namespace", "x"
    )
    assert other.code == 2 and f"was written in namespace {tags[0]}, not x" in other.stderr
    # The scenario's names as written were never registered: the runs really were renamed.
    cmd = [sys.executable, "-m", "harness", "verify", "--target", served_app.url]
    cmd += ["--scenario", str(scenario), "--namespace", "none"]
    plain = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert plain.returncode == 1 and "[verify.missing-user]" in plain.stdout, plain.stdout
