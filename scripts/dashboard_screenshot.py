"""Regenerate ``docs/simulate-dashboard.png``: the status page over a made-up class.

Run with ``make dashboard-screenshot``. Six made-up teams get two hours of outcomes in a
temporary SQLite store (deterministic: a fixed seed), each with its own trouble (none, 500s on
follows, an outage going on, timeouts, paused, a ``/latest`` that lags); the dashboard serves
it on loopback and headless Chromium takes the picture. No third-party data.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the store writer and the browser driver live in tests/support

from harness.dashboard.serve import start_dashboard  # noqa: E402
from tests.support.cdp import Page  # noqa: E402
from tests.support.sim_store import SimWriter  # noqa: E402

OUT = ROOT / "docs" / "simulate-dashboard.png"
COMMANDS = ("tweet", "tweet", "tweet", "follow", "unfollow", "register")
TEAMS = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot")


def _fill(url: str, now: float) -> None:
    rnd = random.Random(18)
    start = now - 2 * 3600
    with SimWriter(url) as w:
        for team in TEAMS:
            w.target(
                f"team-{team}",
                26_000,
                paused=team == "echo",
                url=f"http://10.0.0.{TEAMS.index(team) + 10}:5001",
            )
            at, action = start, 0
            stop = now - 900 if team == "echo" else now
            while at < stop:
                action += 1
                command = rnd.choice(COMMANDS) if action > 1 else "register"
                latency = rnd.lognormvariate(2.6, 0.4)
                status: int | None = 204
                error = None
                if team == "bravo" and command == "follow" and at > now - 3000:
                    status = 500
                if team == "charlie" and at > now - 240:
                    status, error, latency = None, "ConnectionError", 1.0
                if team == "delta" and rnd.random() < 0.08:
                    status, error, latency = None, "ReadTimeout", 300.5
                if rnd.random() < 0.01:
                    status = 400
                w.attempt(f"team-{team}", action, command, at, latency, status=status, error=error)
                if action % 10 == 0:
                    reported = action - (40 if team == "foxtrot" else 0)
                    w.poll(f"team-{team}", at + 1, None if error else reported, action, error)
                at += rnd.uniform(4, 8)
        w.outage("team-charlie", now - 240, None)
        w.outage("team-delta", now - 5000, now - 4980)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'simulation.db'}"
        _fill(url, time.time())
        handle = start_dashboard(url, "127.0.0.1", 0, "made-up-token")
        try:
            with Page(Path(tmp)) as page:
                page.viewport(1400, 720)
                page.open(handle.url)
                page.wait_for("document.querySelectorAll('tr[data-target]').length === 6")
                page.screenshot(OUT, full_page=False)
        finally:
            handle.stop()
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
