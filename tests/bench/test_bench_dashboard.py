"""The dashboard benchmark runs (quick size) and measures what it says."""

from __future__ import annotations

from pathlib import Path

from bench.bench_dashboard import run


def test_quick_run_measures_every_page(tmp_path: Path) -> None:
    result = run(quick=True, out_dir=tmp_path)
    assert result["outcomes"] == 20 * 2_600
    assert set(result["median_s"]) == {"/api/status", "/", "/metrics", "/targets/team-001"}
    assert result["first_snapshot_s"] > 0
    assert result["passed"] is True
    assert list(tmp_path.iterdir()) == []  # the store was temporary
