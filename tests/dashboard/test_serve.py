"""``start_dashboard``: served from a background thread; an idle connection blocks no one."""

from __future__ import annotations

import json
import socket
import time
import urllib.request
from pathlib import Path

from harness.dashboard.serve import start_dashboard
from tests.support.sim_store import known_rows


def test_an_idle_connection_does_not_hold_up_the_page(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sim.db'}"
    known_rows(url)
    handle = start_dashboard(url, "127.0.0.1", 0)
    try:
        with socket.create_connection((handle.server.host, handle.server.port)) as idle:
            idle.sendall(b"GET /api/status HTTP/1.1\r\n")  # and never the rest
            for _ in range(3):  # viewers polling meanwhile
                with urllib.request.urlopen(handle.url + "api/status", timeout=5) as response:
                    assert [t["name"] for t in json.load(response)["targets"]] == ["a", "b"]
            with urllib.request.urlopen(handle.url, timeout=5) as response:
                assert b"8 / 10" in response.read()
    finally:
        started = time.monotonic()
        handle.stop()
    assert time.monotonic() - started < 5
    assert not handle.thread.is_alive()
