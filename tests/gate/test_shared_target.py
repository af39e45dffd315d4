"""The gate on a target that already holds data: three gates in a row, 0 findings each.

A staging server holds earlier gates' data, load runs' accounts and other replays' users.
Each gate replays its generated scenario in a namespace of its own and verify judges only
that run's users, tweets and ``latest`` (README, "A target that already holds data").
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.gate.gate_cli import harness
from tests.load.support import assert_results_mix_kept
from tests.support.servers import RunningServer

pytestmark = pytest.mark.slow


def _gate(url: str, bundle: Path, cwd: Path) -> dict[str, object]:
    proc = harness("check", "--target", url, "--bundle", str(bundle), cwd=cwd, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    findings = json.loads((bundle / "findings.json").read_text())
    assert findings["findings"] == [], findings["findings"]
    summary: dict[str, object] = json.loads((bundle / "summary.json").read_text())
    return summary


def test_three_gates_in_a_row_with_a_load_run_and_another_replay_between(
    served_app: RunningServer, tmp_path: Path
) -> None:
    url = served_app.url
    first = _gate(url, tmp_path / "gate1", tmp_path)

    load = harness(
        "load",
        *("--target", url, "--output-dir", str(tmp_path / "load")),
        *("--users", "3", "--run-time", "3", "--timeout", "2"),
    )
    assert load.returncode == 0, load.stdout + load.stderr

    gen = harness(
        "scenario",
        "generate",
        "--users",
        "8",
        "--actions",
        "60",
        "--seed",
        "77",
        "-o",
        "other.tsv",
        cwd=tmp_path,
    )
    assert gen.returncode == 0, gen.stderr
    other = harness(
        "replay",
        *("--target", url, "--scenario", "other.tsv", "--timeout", "2", "--verify"),
        *("--output-dir", str(tmp_path / "other")),
        cwd=tmp_path,
    )
    assert other.returncode == 0, other.stdout + other.stderr

    second = _gate(url, tmp_path / "gate2", tmp_path)
    third = _gate(url, tmp_path / "gate3", tmp_path)

    for summary in (first, second, third):
        stages = {s["name"]: s for s in summary["stages"]}  # type: ignore[attr-defined]
        assert stages["replay"]["status"] == "passed"
        assert stages["verify"]["status"] == "passed"
        assert stages["verify"]["detail"] == "0 data differences"
        assert stages["load"]["status"] == "passed"
    # Each gate ran in its own namespace: the three replays named different users.
    tags = set()
    for n in (1, 2, 3):
        header = json.loads((tmp_path / f"gate{n}" / "replay.jsonl").read_text().splitlines()[0])
        tags.add(header["namespace"])
    assert len(tags) == 3 and None not in tags
    # Every load run kept its request mix (issue 14: registers within ±5 points).
    assert_results_mix_kept(
        tmp_path / "load" / "load" / "results.jsonl", tmp_path / "load" / "load" / "scenario.tsv"
    )
    for n in (1, 2, 3):
        gate = tmp_path / f"gate{n}"
        assert_results_mix_kept(gate / "load.jsonl", gate / "work" / "load" / "scenario.tsv")
