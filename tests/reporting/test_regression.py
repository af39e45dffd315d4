"""The regression gate flags what got slower beyond the tolerance or newly fails, nothing else."""

from __future__ import annotations

from pathlib import Path

from harness.reporting.bundle import read_bundle
from harness.reporting.regression import compare
from tests.reporting.factory import finding, make_bundle


def _kinds(base: Path, cand: Path, tolerance: float = 0.25, floor: float = 10.0) -> set[str]:
    regs = compare(read_bundle(base), [read_bundle(cand)], tolerance=tolerance, floor_ms=floor)
    return {r.kind for r in regs}


def test_unchanged_candidate_has_no_regression(tmp_path: Path) -> None:
    base = make_bundle(tmp_path / "a", "main", seed=1)
    cand = make_bundle(tmp_path / "b", "pr", seed=2)
    assert _kinds(base, cand) == set()


def test_slower_beyond_tolerance_and_floor_is_a_regression(tmp_path: Path) -> None:
    base = make_bundle(tmp_path / "a", "main", latency_ms=20.0)
    cand = make_bundle(tmp_path / "b", "pr", latency_ms=40.0)
    assert _kinds(base, cand) == {"slower"}


def test_slower_within_tolerance_or_below_floor_is_not(tmp_path: Path) -> None:
    base = make_bundle(tmp_path / "a", "main", latency_ms=20.0)
    within = make_bundle(tmp_path / "b", "pr", latency_ms=22.0)
    tiny = make_bundle(tmp_path / "c", "pr2", latency_ms=40.0)
    assert _kinds(base, within) == set()
    assert _kinds(base, tiny, floor=50.0) == set()


def test_newly_failing_stage_and_new_error_finding_are_regressions(tmp_path: Path) -> None:
    base = make_bundle(tmp_path / "a", "main", findings=[finding("known.one")])
    cand = make_bundle(
        tmp_path / "b", "pr", failing_ids=[7], findings=[finding("known.one"), finding("new.one")]
    )
    regs = compare(read_bundle(base), [read_bundle(cand)], tolerance=0.25, floor_ms=10.0)
    subjects = {(r.kind, r.subject) for r in regs}
    assert ("newly-failing-stage", "replay") in subjects
    assert ("new-errors", "replay") in subjects
    assert ("new-finding", "contract: new.one") in subjects
    assert not any("known.one" in s for _, s in subjects)
