"""The HTML report renders in a real headless Chromium, offline, and its tables show deviations."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.reporting.bundle import read_bundle
from harness.reporting.write import write_reports
from tests.reporting.browser import render
from tests.reporting.dom import TableCells
from tests.reporting.factory import finding, make_bundle

pytestmark = pytest.mark.chromium


def test_report_renders_offline_and_shows_each_deviation(tmp_path: Path) -> None:
    reference = read_bundle(make_bundle(tmp_path / "ref", "reference"))
    deviant = read_bundle(
        make_bundle(
            tmp_path / "dev",
            "deviant",
            latency_ms=60.0,
            failing_ids=[39, 41, 42],  # two tweets, one unfollow
            findings=[
                finding("tweet.unknown-user-404"),
                finding("verify.lost-write", stage="verify"),
            ],
        )
    )
    written = write_reports(tmp_path / "out", [deviant], reference)

    page = render(written.html, tmp_path)

    assert page.console == [], page.console
    assert page.pixel_spread() > 0.05  # not a blank page
    dom = TableCells.of(page.dom)
    assert dom.external == []
    assert dom.svgs >= 3  # latency distribution, errors along the scenario, /latest progress
    assert dom.row("verdict-table", "reference")[2] == "PASS"
    assert dom.row("verdict-table", "deviant")[2] == "FAIL"
    errors = dom.row("errors-table", "POST /msgs/<user>")
    assert errors[2:] == ["HTTP 500", "–", "2"]  # none for the reference, 2 for the deviant
    assert dom.row("findings-table", "tweet.unknown-user-404")[4:8] == ["–", "–", "–", "1"]
    assert dom.row("verify-table", "verify.lost-write")[0] == "deviant"
    kinds = set(dom.column("regression-table", 1))
    assert {"slower", "new-finding", "newly-failing-stage"} <= kinds
