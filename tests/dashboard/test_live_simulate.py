"""``simulate --dashboard``: a real run of the engine against two real targets, its status
page in headless Chromium; the counts change on the open page while the run goes on.

The screenshot is saved as ``<tmp_path>/simulate-live.png``.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from harness.local import free_port
from harness.scenario.generate import generate_actions, write_scenario
from tests.simulate.support import simulate_cmd, start_simulate, write_teams
from tests.support.cdp import Page
from tests.support.faulty_target import faulty_target

pytestmark = pytest.mark.chromium

ACTIONS = generate_actions(6, 80, 5)
ROW = "document.querySelector('tr[data-target=\"{}\"] td.{}')"


def _count(page: Page, name: str, cell: str) -> int:
    text = str(page.evaluate(f"{ROW.format(name, cell)}.innerText"))
    return int(text.split()[0].replace(",", ""))


def test_status_page_of_a_real_run(tmp_path: Path) -> None:
    scenario = tmp_path / "s.tsv"
    write_scenario(scenario, ACTIONS)
    speed = 12.0 / (sum(a.delay_ms for a in ACTIONS[1:]) / 1000)  # the run lasts ~12 s
    db = f"sqlite:///{tmp_path / 'sim.db'}"
    console = tmp_path / "console.txt"
    port = free_port()
    # b answers every fifth action 200 instead of 204: an error the simulator counts.
    with faulty_target() as a, faulty_target("status200", set(range(5, 1000, 5))) as b:
        teams = write_teams(tmp_path / "teams.toml", [("a", a.url), ("b", b.url)])
        cmd = simulate_cmd(teams, db, tmp_path / "logs", "--scenario", str(scenario))
        sim = start_simulate(
            [*cmd, "--speed", f"{speed:.8f}", "--dashboard", f"127.0.0.1:{port}"], console
        )
        try:
            deadline = time.monotonic() + 30
            while not (found := re.search(r"status page (http://\S+)", console.read_text())):
                assert time.monotonic() < deadline and sim.poll() is None, console.read_text()
                time.sleep(0.05)
            with Page(tmp_path) as page:
                page.open(found[1])
                page.wait_for(f"{ROW.format('b', 'sent')} !== null")
                page.evaluate("window.notReloaded = 'same document'")
                first = _count(page, "a", "sent")
                page.wait_for(
                    f"Number({ROW.format('a', 'sent')}.innerText.split(/\\s/)[0]) > {first}"
                )
                page.wait_for(f"Number({ROW.format('b', 'errors')}.innerText.split(/\\s/)[0]) > 0")
                assert _count(page, "a", "sent") > first
                assert _count(page, "a", "errors") == 0
                assert page.evaluate("window.notReloaded") == "same document"
                assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
                page.screenshot(tmp_path / "simulate-live.png")
                assert page.console_errors() == []
            assert sim.wait(timeout=60) == 1  # b's errors
        finally:
            if sim.poll() is None:
                sim.kill()
            sim.wait()
