"""The replay benchmark's diagnostic clients send the whole scenario and report it.

``bench.transport_only`` (the harness's transport from greenlets) and
``bench.minimal_client`` (plain threads and sockets, the ceiling) each time the scenario
with its registers; the benchmark samples the server's CPU at their ``ready`` line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from bench.minimal_client import succeeded
from harness.scenario.generate import generate_actions, write_scenario
from harness.scenario.model import Command
from tests.support.servers import serve_reference_app
from tests.support.spec import SIMULATOR_AUTH


@pytest.mark.parametrize("module", ["transport_only", "minimal_client"])
def test_diagnostic_client_sends_every_action(module: str, tmp_path: Path) -> None:
    actions = generate_actions(users=12, actions=300, seed=4)
    scenario = tmp_path / "s.tsv"
    write_scenario(scenario, actions)
    with serve_reference_app(f"sqlite:///{tmp_path / 'm.db'}", tmp_path) as server:
        done = subprocess.run(
            [sys.executable, "-m", f"bench.{module}", server.url, str(scenario), "4"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        lines = done.stdout.splitlines()
        assert lines[0] == "ready"
        result = json.loads(lines[-1])
        stored = requests.get(
            f"{server.url}/msgs",
            params={"no": 100000},
            headers={"Authorization": SIMULATOR_AUTH},
            timeout=10,
        ).json()
    assert result["requests"] == len(actions)
    assert result["errors"] == 0
    assert result["wall_s"] > 0 and result["cpu_s"] > 0
    # every tweet arrived (the users were registered before anything named them)
    assert len(stored) == sum(1 for a in actions if a.command is Command.TWEET)


def test_a_2xx_status_line_is_success_and_anything_else_is_not() -> None:
    assert succeeded(b"HTTP/1.1 204 No Content\r\n\r\n")
    assert succeeded(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")
    assert not succeeded(b"HTTP/1.1 400 BAD REQUEST\r\n\r\n")
    assert not succeeded(b"HTTP/1.1 500 INTERNAL SERVER ERROR\r\n\r\n")
    assert not succeeded(b"")  # the server closed without answering
    assert not succeeded(b"garbage 200")
