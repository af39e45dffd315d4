"""A report comparing the reference app with a deviating app, opened in a real Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.gate.conftest import COMPARE
from tests.gate.gate_cli import harness
from tests.reporting.browser import render
from tests.reporting.dom import TableCells

pytestmark = [pytest.mark.slow, pytest.mark.chromium]

#: Deviations that show in the contract findings and in the data-integrity table.
DEVIATIONS = ("html-escape", "null-empty-list", "unknown-user-400", "pub-date-iso")


def test_report_shows_the_deviant_apps_deviations_side_by_side(
    reference_bundle: Path, tmp_path: Path
) -> None:
    # Imported here: the deviant app belongs to the contract slice's test support.
    from tests.support.deviant_app import serve_deviant_app

    deviant = tmp_path / "deviant"
    with serve_deviant_app(DEVIATIONS, tmp_path) as app:
        gate = harness(
            "check",
            "--target",
            app.url,
            "--stages",
            "replay,contract",
            "--label",
            "deviant",
            "--bundle",
            str(deviant),
            env=COMPARE,
            cwd=tmp_path,
        )
    assert gate.returncode == 1, gate.stdout + gate.stderr  # the gate fails the deviant app

    out = tmp_path / "report"
    proc = harness("report", str(reference_bundle), str(deviant), "-o", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr

    page = render(out / "report.html", tmp_path)
    assert page.console == [], page.console
    assert page.pixel_spread() > 0.05
    dom = TableCells.of(page.dom)
    assert dom.external == []
    assert dom.row("verdict-table", "reference")[2] == "PASS"
    assert dom.row("verdict-table", "deviant")[2] == "FAIL"

    findings = json.loads((deviant / "findings.json").read_text())["findings"]
    contract = {f["check"] for f in findings if f["stage"] == "contract"}
    verify = {f["check"] for f in findings if f["stage"] == "verify"}
    assert contract and verify  # the deviations were found at all
    shown = set(dom.column("findings-table", 1))
    assert contract <= shown
    assert verify <= set(dom.column("verify-table", 1))
    for check in contract:  # counted in the deviant's column, absent in the reference's
        row = dom.row("findings-table", check)
        assert row[4] == "–" and row[7] != "–", row
