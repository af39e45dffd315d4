"""The committed sample is exactly what the documented command generates."""

from __future__ import annotations

from pathlib import Path

from harness.scenario.generate import generate_actions, write_scenario
from harness.scenario.parse import read_scenario

SAMPLE = Path(__file__).resolve().parents[2] / "scenarios" / "sample.tsv"


def test_sample_matches_its_generating_command(tmp_path: Path) -> None:
    # README: minitwit-harness scenario generate --users 30 --actions 2000 --seed 1
    fresh = tmp_path / "sample.tsv"
    write_scenario(fresh, generate_actions(30, 2000, 1))
    assert fresh.read_bytes() == SAMPLE.read_bytes()
    assert len(read_scenario(SAMPLE).actions) == 2000
