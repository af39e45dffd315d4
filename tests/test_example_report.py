"""The committed example report: small, self-contained, the reference app beside a deviant."""

from __future__ import annotations

from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "reports" / "example"


def test_the_example_report_is_committed_small_and_compares_two_apps() -> None:
    files = {p.name: p for p in EXAMPLE.iterdir() if p.is_file()}

    assert set(files) == {"report.html", "summary.md", "junit.xml"}
    assert sum(p.stat().st_size for p in files.values()) < 300_000
    summary = files["summary.md"].read_text(encoding="utf-8")
    assert "| reference | ✅ pass |" in summary
    assert "| deviant | ❌ fail |" in summary
    html = files["report.html"].read_text(encoding="utf-8")
    assert "<svg" in html and "/work/" not in html and "/home/" not in html
