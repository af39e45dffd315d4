"""Replay+verify of a generated scenario catches silent data changes (issue 14).

The generator puts numeric-looking and empty tweets into every scenario (README, scenario);
an app that coerces ``"007"`` to ``7`` or answers 204 to an empty tweet and stores nothing
passes the simulator's verdicts but not verify.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.results import read_outcomes
from harness.scenario.parse import read_scenario
from tests.support.deviant_app import serve_deviant_app
from tests.support.servers import serve_reference_app
from tests.verify.support import run_harness

pytestmark = pytest.mark.slow


def _replay(url: str, tmp_path: Path) -> tuple[str, Path]:
    scenario, results = tmp_path / "gen.tsv", tmp_path / "results.jsonl"
    generate = run_harness(
        *("scenario", "generate", "--users", "6", "--actions", "60", "--seed", "9"),
        *("-o", str(scenario)),
    )
    assert generate.returncode == 0, generate.stderr
    replay = run_harness(
        *("replay", "--target", url, "--scenario", str(scenario), "--timeout", "2"),
        *("--results", str(results), "--output-dir", str(tmp_path / "out"), "--verify"),
    )
    return replay.stdout + replay.stderr, results


@pytest.mark.parametrize(
    ("deviation", "finding", "example"),
    [
        ("numeric-coercion", "verify.altered-content.coerced", "'007' stored as 7"),
        ("empty-content-dropped", "verify.lost-write", "''"),
    ],
)
def test_a_silent_change_is_a_verify_finding(
    deviation: str, finding: str, example: str, tmp_path: Path
) -> None:
    with serve_deviant_app([deviation], tmp_path) as app:
        output, results = _replay(app.url, tmp_path)
    # The simulator's verdicts see nothing wrong ...
    assert all(o.verdict == "ok" for o in read_outcomes(results)), output
    # ... verify does.
    assert f"finding [strict] {finding}: " in output, output
    assert example in output
    assert "verify: FAILED" in output


def test_the_generated_scenario_carries_the_hazards_and_the_reference_passes(
    tmp_path: Path,
) -> None:
    with serve_reference_app(f"sqlite:///{tmp_path / 'ref.db'}", tmp_path) as app:
        output, results = _replay(app.url, tmp_path)
    tweets = [
        a.content for a in read_scenario(tmp_path / "gen.tsv").actions if a.content is not None
    ]
    assert "" in tweets and "007" in tweets  # what the cases above rely on
    assert "verify: passed" in output, output
    assert all(o.verdict == "ok" for o in read_outcomes(results))
