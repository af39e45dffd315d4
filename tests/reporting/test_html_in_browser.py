"""The HTML report renders in a real headless Chromium, offline, and its tables show deviations."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from harness.reporting.bundle import read_bundle
from harness.reporting.write import write_reports
from tests.reporting.browser import render
from tests.reporting.factory import finding, make_bundle

pytestmark = pytest.mark.chromium


class _Cells(HTMLParser):
    """Collects the text of every table cell per table id, and external references."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[str]] = {}
        self.external: list[str] = []
        self.svgs = 0
        self._table: str | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self._table = a.get("id") or ""
            self.tables.setdefault(self._table, [])
        if tag in ("td", "th"):
            self._cell = []
        if tag == "svg":
            self.svgs += 1
        for key in ("src", "href"):
            value = a.get(key) or ""
            if value.startswith(("http:", "https:", "//")):
                self.external.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._table is not None:
            self.tables[self._table].append(" ".join("".join(self._cell).split()))
            self._cell = None
        if tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def test_report_renders_offline_and_shows_each_deviation(tmp_path: Path) -> None:
    reference = read_bundle(make_bundle(tmp_path / "ref", "reference"))
    deviant = read_bundle(
        make_bundle(
            tmp_path / "dev",
            "deviant",
            latency_ms=60.0,
            failing_ids=[40, 41, 150],
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
    dom = _Cells()
    dom.feed(page.dom)
    assert dom.external == []
    assert dom.svgs >= 3  # latency distribution, errors along the scenario, /latest progress
    verdicts = dom.tables["verdict-table"]
    assert "FAIL" in verdicts and "PASS" in verdicts
    assert "HTTP 500" in dom.tables["errors-table"]
    assert "tweet.unknown-user-404" in dom.tables["findings-table"]
    assert "verify.lost-write" in dom.tables["verify-table"]
    kinds = dom.tables["regression-table"]
    assert "slower" in kinds and "new-finding" in kinds and "newly-failing-stage" in kinds
