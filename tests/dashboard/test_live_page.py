"""The status page in a real headless Chromium: its counts change without a reload while a run
writes outcomes; offline, no external asset, readable on a phone.

Screenshots are saved in the test's output: ``<tmp_path>/dashboard-live.png`` (desktop) and
``<tmp_path>/dashboard-phone.png``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.dashboard.serve import start_dashboard
from tests.support.cdp import Page
from tests.support.sim_store import LiveWriter, SimWriter

pytestmark = pytest.mark.chromium

SENT = "document.querySelector('tr[data-target=\"{}\"] td.sent').textContent.trim()"


def _sent(page: Page, name: str) -> int:
    text = str(page.evaluate(SENT.format(name)))
    return int(text.split("/")[0].replace(",", ""))


def test_counts_change_without_a_reload(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sim.db'}"
    with SimWriter(url) as w:
        w.target("team-a", 600)
        w.target("team-b", 600)
    writer = LiveWriter(url, ["team-a", "team-b"], interval=0.2, limit=600)
    handle = start_dashboard(url, "127.0.0.1", 0, "token")
    writer.start()
    try:
        with Page(tmp_path) as page:
            page.open(handle.url)
            page.wait_for("document.querySelector('tr[data-target=\"team-b\"]') !== null")
            page.evaluate("window.notReloaded = 'same document'")
            first = _sent(page, "team-a")
            first_update = page.evaluate("document.querySelector('[data-updated]').dataset.updated")
            page.wait_for(f"{SENT.format('team-a')}.split(' /')[0].replace(',', '') > {first}")
            second = _sent(page, "team-a")
            assert second > first
            assert page.evaluate("window.notReloaded") == "same document"
            assert page.evaluate("performance.getEntriesByType('navigation').length") == 1
            assert (
                page.evaluate("document.querySelector('[data-updated]').dataset.updated")
                != first_update
            )
            assert _sent(page, "team-b") > 0
            errors = page.evaluate(
                "document.querySelector('tr[data-target=\"team-a\"] td.errors').innerText"
            )
            assert int(str(errors).split()[0]) >= 1  # every 4th action answers 500
            external = page.evaluate(
                "[...document.querySelectorAll('[src],[href]')]"
                ".map(e => e.getAttribute('src') || e.getAttribute('href'))"
                ".filter(u => /^(https?:)?\\/\\//.test(u))"
            )
            assert external == []
            assert page.evaluate("document.querySelectorAll('svg.chart').length") == 2
            shot = page.screenshot(tmp_path / "dashboard-live.png")
            assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5000

            page.viewport(390, 844, mobile=True)
            page.open(handle.url + "targets/team-a")
            page.wait_for("document.querySelector('.card b.sent') !== null")
            # Nothing wider than the phone (a horizontal scroll bar), charts included.
            assert page.evaluate("document.documentElement.scrollWidth") <= 390
            page.screenshot(tmp_path / "dashboard-phone.png")
            assert page.console_errors() == []
    finally:
        writer.stop()
        handle.stop()
