"""Re-runnable against a shared server: unique users per run, `latest` put back afterwards."""

from __future__ import annotations

from pathlib import Path

import requests

from tests.contract.conftest import run
from tests.support.deviant_app import serve_deviant_app
from tests.support.spec import SIMULATOR_AUTH


def test_two_runs_on_one_server_leave_latest_as_found(tmp_path: Path) -> None:
    """A simulator run is in progress (latest=4242): two contract runs pass and restore it."""
    with serve_deviant_app([], tmp_path) as server:
        requests.post(
            f"{server.url}/register?latest=4242",
            json={"username": "Roger Histand", "email": "r@example.org", "pwd": "pw"},
            headers={"Authorization": SIMULATOR_AUTH},
            timeout=5,
        )
        first, _ = run(server.url)
        latest_between = requests.get(f"{server.url}/latest", timeout=5).json()
        second, _ = run(server.url)
        latest_after = requests.get(f"{server.url}/latest", timeout=5).json()
        users = requests.get(
            f"{server.url}/msgs",
            params={"no": "1000"},
            headers={"Authorization": SIMULATOR_AUTH},
            timeout=5,
        ).json()
    assert first.findings == [] and second.findings == []
    assert latest_between == latest_after == {"latest": 4242}
    prefixes = {m["user"].split(" ")[0] for m in users if m["user"].startswith("mth-")}
    assert len(prefixes) == 2  # each run wrote under its own prefix
