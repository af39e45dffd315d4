"""``simulate --dashboard``: the status page's controls reach the running engine (pause,
add, resume through the store), and paused targets keep the run going while the page can
resume them."""

from __future__ import annotations

import re
import time
from pathlib import Path

import requests

from harness.scenario.generate import generate_actions, write_scenario
from tests.simulate.support import rows, simulate_cmd, start_simulate, write_teams
from tests.support.faulty_target import faulty_target
from tests.support.waiting import wait_until

ACTIONS = generate_actions(5, 40, 4)
TOKEN = "s3cret-token"


def test_the_status_page_pauses_adds_and_resumes_targets(tmp_path: Path) -> None:
    scenario = tmp_path / "s.tsv"
    write_scenario(scenario, ACTIONS)
    speed = f"{6.0 / (sum(a.delay_ms for a in ACTIONS[1:]) / 1000):.8f}"
    db = f"sqlite:///{tmp_path / 'sim.db'}"
    console = tmp_path / "console.txt"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with faulty_target() as one, faulty_target() as two:
        teams = write_teams(tmp_path / "teams.toml", [("one", one.url)])
        cmd = simulate_cmd(teams, db, tmp_path / "logs", "--scenario", str(scenario))
        cmd += ["--speed", speed, "--dashboard", "127.0.0.1:0", "--dashboard-token", TOKEN]
        sim = start_simulate(cmd, console)
        try:
            wait_until(lambda: "status page http" in console.read_text(), 20, "the status page")
            match = re.search(r"status page (http://\S+) \(controls on\)", console.read_text())
            assert match, console.read_text()
            page = match.group(1).rstrip("/")
            wait_until(lambda: len(one.received_ids()) >= 3, 20, "the first actions")
            answer = requests.post(f"{page}/api/targets/one/pause", headers=auth, timeout=5)
            assert answer.status_code == 200, answer.text
            wait_until(lambda: "one: paused" in console.read_text(), 1.5, "the pause")
            held = len(one.received_ids())
            added = requests.post(
                f"{page}/api/targets", json={"name": "two", "url": two.url}, headers=auth, timeout=5
            )
            assert added.status_code in (200, 201), added.text
            wait_until(lambda: len(two.received_ids()) >= 1, 2.5, "the added target")
            # "two" finishes its whole scenario while "one" stays paused: the run goes on.
            wait_until(lambda: len(two.received_ids()) == len(ACTIONS), 30, "two's scenario")
            time.sleep(1.0)
            assert sim.poll() is None, console.read_text()
            assert len(one.received_ids()) <= held + 1  # at most the one in flight
            answer = requests.post(f"{page}/api/targets/one/resume", headers=auth, timeout=5)
            assert answer.status_code == 200, answer.text
            code = sim.wait(timeout=60)
        finally:
            sim.kill()
            sim.wait()
        received = {"one": sorted(one.received_ids()), "two": sorted(two.received_ids())}
    out = console.read_text()
    assert code == 0, out
    assert "one: resumed" in out
    assert "simulate: finished; 2 targets" in out
    ids = [a.id for a in ACTIONS]
    assert received == {"one": ids, "two": ids}  # each action once, nothing skipped
    assert rows(db, "SELECT name, total_actions FROM sim_targets ORDER BY name") == [
        ("one", len(ids)),
        ("two", len(ids)),
    ]
