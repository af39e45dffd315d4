"""Drills against targets that lose state on a restart: exit 1, and the drill says what."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.drill.restartable import restartable
from tests.drill.support import run_drill
from tests.support.net import free_port


def _outcomes(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [r for r in map(json.loads, lines) if r.get("type") == "outcome"]


def _clock(epoch: float) -> str:
    return datetime.fromtimestamp(epoch).strftime("%H:%M:%S")


def test_in_memory_store_loses_acknowledged_writes(tmp_path: Path) -> None:
    """The deviant app keeps everything in memory: a restart drops every acknowledged write."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "tests.support.deviant_app", "--port", str(port)]
    with restartable(cmd, url, tmp_path) as restart:
        run = run_drill(url, tmp_path, "--during", restart)
    assert run.code == 1, run.stdout + run.stderr
    doc = run.results
    lost = doc["lost"]
    op_start = doc["operation"]["start"]
    # Every register and tweet acknowledged before the restart is gone, each named by id.
    before = {
        o["action_id"]
        for o in _outcomes(Path(doc["traffic_results"]))
        if o["verdict"] == "ok"
        and o["finished"] < op_start
        and o["command"] in ("register", "tweet")
    }
    assert len(before) >= 30
    assert before <= {w["action_id"] for w in lost}
    assert all(w["acknowledged"] < op_start + 5 for w in lost)
    first = min(w["acknowledged"] for w in lost)
    last = max(w["acknowledged"] for w in lost)
    summary = (
        f"{len(lost)} acknowledged writes lost, all acknowledged between "
        f"{_clock(first)} and {_clock(last)}"
    )
    assert doc["lost_summary"] == summary
    assert summary in run.stdout
    assert f"lost #{lost[0]['action_id']} " in run.stdout
    assert not doc["verdict"]["ok"]
    assert doc["verdict"]["checks"][0] == "drill.lost-writes"


def test_latest_in_memory_fails_on_latest_alone(tmp_path: Path) -> None:
    """Data in SQLite, ``latest`` in memory: nothing is lost but ``latest`` resets to -1."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable,
        "-m",
        "tests.drill.memory_latest_app",
        "--port",
        str(port),
        "--db",
        str(tmp_path / "data.db"),
    ]
    with restartable(cmd, url, tmp_path) as restart:
        run = run_drill(url, tmp_path, "--during", restart)
    assert run.code == 1, run.stdout + run.stderr
    doc = run.results
    assert doc["lost"] == []
    stale = doc["latest"]["stale"]
    assert stale, doc["latest"]["readings"]
    assert stale[0]["reading"]["value"] == -1
    assert stale[0]["reading"]["started"] > doc["operation"]["start"]
    assert "latest reset to -1" in run.stdout
    assert doc["verdict"]["checks"] == ["drill.latest-went-back"]


def test_a_target_that_never_comes_back_fails_with_its_results(tmp_path: Path) -> None:
    """The operation stops the server for good: exit 1 with the results, not a tool error."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [
        sys.executable,
        "-m",
        "tests.drill.memory_latest_app",
        "--port",
        str(port),
        "--db",
        str(tmp_path / "data.db"),
    ]
    with restartable(cmd, url, tmp_path):
        pidfile = next(tmp_path.glob("server-*.pid"))
        run = run_drill(
            url,
            tmp_path,
            "--during",
            f"kill $(cat {pidfile})",
            "--warm-up",
            "2s",
            "--cool-down",
            "2s",
        )
    assert run.code == 1, run.stdout + run.stderr
    doc = run.results
    assert doc["verdict"]["checks"][:2] == ["drill.unreadable", "drill.no-recovery"]
    assert doc["lost_summary"] == "nothing read back: the target did not answer"
    assert doc["totals"]["failed"]["ConnectionError"] > 0
    assert "drill: FAILED: the target did not answer after the drill" in run.stdout
