"""The dashboard's controls change a real ``simulate --dashboard`` run: pause and resume a
target, add one; a wrong token changes nothing."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from harness.local import free_port
from harness.scenario.generate import generate_actions, write_scenario
from tests.simulate.support import simulate_cmd, start_simulate, write_teams
from tests.support.faulty_target import faulty_target

ACTIONS = generate_actions(6, 60, 11)
TOKEN = "class-token"


def _wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


def _post(url: str, token: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body or {}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, json.load(exc)


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def test_pause_resume_and_add_through_the_dashboard(tmp_path: Path) -> None:
    scenario = tmp_path / "s.tsv"
    write_scenario(scenario, ACTIONS)
    speed = 10.0 / (sum(a.delay_ms for a in ACTIONS[1:]) / 1000)
    db = f"sqlite:///{tmp_path / 'sim.db'}"
    console = tmp_path / "console.txt"
    listen = f"127.0.0.1:{free_port()}"
    with faulty_target() as a, faulty_target() as c:
        teams = write_teams(tmp_path / "teams.toml", [("a", a.url)])
        cmd = simulate_cmd(teams, db, tmp_path / "logs", "--scenario", str(scenario))
        sim = start_simulate(
            [*cmd, "--speed", f"{speed:.8f}", "--dashboard", listen, "--dashboard-token", TOKEN],
            console,
        )
        try:
            _wait_for(lambda: "status page" in console.read_text(), 30, "the status page")
            found = re.search(r"status page (http://\S+) \(controls on\)", console.read_text())
            assert found is not None, console.read_text()
            base = found[1]
            _wait_for(lambda: len(a.received_ids()) >= 5, 20, "a's first actions")

            assert _post(base + "api/targets/a/pause", "wrong")[0] == 401
            assert _post(base + "api/targets/a/pause", TOKEN) == (
                200,
                {"name": "a", "paused": True},
            )
            time.sleep(1.2)  # the engine polls the store every second
            during_pause = len(a.received_ids())
            time.sleep(1.5)
            assert len(a.received_ids()) == during_pause  # nothing sent while paused
            assert _get(base + "api/targets/a")["paused"] is True

            status, added = _post(base + "api/targets", TOKEN, {"name": "c", "url": c.url})
            assert status == 201, added
            _wait_for(lambda: len(c.received_ids()) >= 3, 10, "the added target's actions")
            _wait_for(
                lambda: _get(base + "api/targets/c")["actions"]["total"] == len(ACTIONS),
                5,
                "the engine to set the added target's total",
            )

            assert _post(base + "api/targets/a/resume", TOKEN)[0] == 200
            _wait_for(lambda: len(a.received_ids()) > during_pause, 5, "a to resume")
            code = sim.wait(timeout=60)
        finally:
            if sim.poll() is None:
                sim.kill()
            sim.wait()
    out = console.read_text()
    assert code == 0, out
    assert "a: paused" in out and "a: resumed" in out, out
    n = len(ACTIONS)
    assert f"  c: {n}/{n} sent, 0 errors, 0 outages" in out, out
    assert sorted(a.received_ids()) == [x.id for x in ACTIONS]
    assert sorted(c.received_ids()) == [x.id for x in ACTIONS]
