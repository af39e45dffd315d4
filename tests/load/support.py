"""Helpers of the load tests: run the real CLI in its own process, read its results."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from harness.results import Outcome, read_outcomes, read_records
from harness.scenario.model import Command
from harness.scenario.parse import read_scenario

#: The module marks of the load tests that run Locust against the served reference app.
SLOW_ON_SQLITE = [
    pytest.mark.slow,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


@dataclass
class LoadRun:
    """A finished ``minitwit-harness load`` process and where its files are."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    out_dir: Path

    @property
    def results(self) -> Path:
        """The merged results file."""
        return self.out_dir / "load" / "results.jsonl"

    def outcomes(self) -> list[Outcome]:
        """Every outcome record of the merged results file."""
        return list(read_outcomes(self.results))

    def records(self) -> list[dict[str, Any]]:
        """Every record of the merged results file."""
        return list(read_records(self.results))

    def locust_summary(self) -> dict[str, Any]:
        """What Locust's own master (or local runner) counted."""
        data: dict[str, Any] = json.loads(
            (self.out_dir / "load" / "locust-summary.json").read_text()
        )
        return data

    def assert_mix_kept(self, scenario: Path | None = None) -> None:
        """This run kept its configured mix (scenario: the generated one unless given)."""
        assert_results_mix_kept(self.results, scenario or self.out_dir / "load" / "scenario.tsv")


#: Issue 14: a load run keeps its configured request mix within ±5 percentage points.
MIX_POINTS = 0.05


def assert_mix_kept(
    outcomes: list[Outcome], scenario: Path, read_ratio: float, in_flight: int = 1
) -> None:
    """The register share within ±5 points of the configured mix, the other kinds too.

    The configured mix: ``read_ratio`` reads, the rest the scenario's commands in their
    proportions (README, load), computed here from the scenario file itself. Each process
    keeps it to within one request, but the requests still in flight when the run ends
    (at most ``in_flight``: the Locust users) are not recorded, and the slow ones are
    those: in a run of a few dozen requests that alone may move a share by more than
    5 points, so the other kinds get that much room when it is larger.
    """
    actions = read_scenario(scenario).actions
    assert outcomes and actions
    configured = {"read": read_ratio}
    for command in Command:
        count = sum(a.command is command for a in actions)
        configured[str(command)] = (1 - read_ratio) * count / len(actions)
    reads = {"msgs", "msgs_user", "fllws", "latest"}
    for kind, want in configured.items():
        got = sum((o.command in reads) if kind == "read" else o.command == kind for o in outcomes)
        share = got / len(outcomes)
        room = MIX_POINTS if kind == "register" else max(MIX_POINTS, in_flight / len(outcomes))
        assert abs(share - want) <= room, (kind, share, want, len(outcomes))


def assert_results_mix_kept(results: Path, scenario: Path) -> None:
    """A load results file (``load``, or a gate's ``load.jsonl``) kept its configured mix."""
    header = next(iter(read_records(results)))
    in_flight = int(header["users"]) + max(1, int(header["workers"]))
    outcomes = list(read_outcomes(results))
    assert_mix_kept(outcomes, scenario, float(header["read_ratio"]), in_flight)


def run_load_cli(target: str, out_dir: Path, *args: str, timeout: float = 90) -> LoadRun:
    """Run ``python -m harness load`` against ``target`` (bounded: the CLI stops by itself)."""
    cmd = [sys.executable, "-m", "harness", "load", "--target", target]
    cmd += ["--output-dir", str(out_dir), *args]
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return LoadRun(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started, out_dir)
