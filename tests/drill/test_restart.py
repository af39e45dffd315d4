"""Drills whose operation restarts a real server: the reference app keeps everything."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.drill.restartable import restartable
from tests.drill.support import reference_cmd, run_drill
from tests.support.net import free_port
from tests.support.servers import serve_reference_app


def test_restarting_the_reference_app_loses_nothing(database_url: str, tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with restartable(reference_cmd(database_url, port), url, tmp_path) as restart:
        run = run_drill(url, tmp_path, "--during", restart)
    assert run.code == 0, run.stdout + run.stderr
    doc = run.results
    assert doc["verdict"] == {"ok": True, "reasons": [], "checks": []}
    assert doc["lost"] == []
    assert doc["latest"]["stale"] == []
    assert doc["operation"]["exit_code"] == 0
    # The drill really rehearsed something: writes were acknowledged before, during and after.
    totals = doc["totals"]
    assert totals["acknowledged"] >= 100
    after = [s for s in doc["timeline"] if s["second"] > doc["operation"]["end_s"] + 1]
    assert sum(s["acknowledged"] for s in after) > 0
    assert "drill: passed" in run.stdout


@pytest.mark.parametrize(
    ("flag", "value"),
    [
        ("--rate", "0"),
        ("--rate", "-3"),
        ("--rate", "x"),
        ("--warm-up", "ten"),
        ("--max-outage", "soon"),
    ],
)
def test_bad_flag_is_one_line_and_exit_2(flag: str, value: str, tmp_path: Path) -> None:
    run = run_drill("http://127.0.0.1:9", tmp_path, "--during", "true", flag, value)
    assert run.code == 2
    assert len(run.stderr.strip().splitlines()) == 1
    assert flag in run.stderr


def test_during_or_manual_exactly_one(tmp_path: Path) -> None:
    run = run_drill("http://127.0.0.1:9", tmp_path)
    assert run.code == 2
    assert run.stderr.strip().endswith('drill needs exactly one of --during "COMMAND" and --manual')


def test_unwritable_results_is_exit_2(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    run = run_drill(
        "http://127.0.0.1:9", tmp_path, "--during", "true", "--results", str(blocker / "x.json")
    )
    assert run.code == 2
    assert "--results: cannot write" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_unreachable_target_is_exit_2(tmp_path: Path) -> None:
    port = free_port()
    run = run_drill(f"http://127.0.0.1:{port}", tmp_path, "--during", "true")
    assert run.code == 2
    assert run.stderr.strip().splitlines() == [run.stderr.strip()] and "unreachable" in run.stderr
    assert run.results == {}


def test_a_scenario_file_is_replayed_in_the_drills_namespace(tmp_path: Path) -> None:
    """``--scenario``: the file's actions, namespaced, paced; too short a file fails clearly."""
    scenario = tmp_path / "short.tsv"
    generate = subprocess.run(
        [
            sys.executable,
            "-m",
            "harness",
            "scenario",
            "generate",
            "--users",
            "5",
            "--actions",
            "60",
            "-o",
            str(scenario),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert generate.returncode == 0, generate.stderr
    with serve_reference_app(f"sqlite:///{tmp_path / 's.db'}", tmp_path) as server:
        enough = run_drill(
            server.url,
            tmp_path,
            "--scenario",
            str(scenario),
            "--during",
            "sleep 0.5",
            "--warm-up",
            "1s",
            "--cool-down",
            "4s",
        )
        assert enough.code == 0, enough.stdout + enough.stderr
        assert enough.results["totals"]["sent"] == 60
        users = {o["user"] for o in _outcomes(Path(enough.results["traffic_results"]))}
        tag = enough.results["namespace"]
        assert users and all(u.endswith(f" ~{tag}") for u in users)

        short = run_drill(
            server.url,
            tmp_path,
            "--scenario",
            str(scenario),
            "--during",
            "sleep 4",
            "--warm-up",
            "1s",
            "--cool-down",
            "1s",
        )
    assert short.code == 1, short.stdout + short.stderr
    assert short.results["verdict"]["checks"] == ["drill.scenario-too-short"]
    assert "the scenario ran out at +" in short.stdout


def _outcomes(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [r for r in map(json.loads, lines) if r.get("type") == "outcome"]
