"""A follow that timed out and landed after the unfollow sent next: ambiguous, not an error.

Issue 14: a write that was not acknowledged may have landed at any time after it was sent;
verify judges the follow pair against every order that allows, and notes the ambiguity.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests

from harness.constants import SIMULATOR_AUTH
from harness.results import read_outcomes
from tests.verify.support import run_harness, serve_wrapped_reference

SCENARIO = (
    "0\t0\t1\tregister\tAnn Lee\tann@x.dk\tpw\n"
    "1\t0\t2\tregister\tBob Ek\tbob@x.dk\tpw\n"
    "2\t0\t3\ttweet\tAnn Lee\thello there\n"
    "3\t0\t4\tfollow\tAnn Lee\tBob Ek\n"  # held past the 0.3 s timeout ...
    "4\t0\t5\tunfollow\tAnn Lee\tBob Ek\n"  # ... and applied after this one
    "5\t0\t6\ttweet\tAnn Lee\tbye now\n"
)


def _follows(url: str, user: str) -> list[str]:
    response = requests.get(
        f"{url}/fllws/{user}", headers={"Authorization": SIMULATOR_AUTH}, timeout=5
    )
    follows: list[str] = response.json()["follows"]
    return follows


@pytest.mark.slow
def test_a_follow_applied_after_its_unfollow_is_no_error(tmp_path: Path) -> None:
    scenario = tmp_path / "late.tsv"
    scenario.write_text(SCENARIO, encoding="utf-8")
    results = tmp_path / "results.jsonl"
    with serve_wrapped_reference("tests.verify.late_follow", tmp_path) as url:
        replay = run_harness(
            *("replay", "--target", url, "--scenario", str(scenario)),
            *("--results", str(results), "--output-dir", str(tmp_path / "out")),
        )
        outcomes = {o.action_id: o for o in read_outcomes(results)}
        assert outcomes[3].error == "ReadTimeout", replay.stdout + replay.stderr
        assert outcomes[4].verdict == "ok"  # the unfollow was acknowledged
        # The held follow lands after the unfollow: the pair ends followed.
        deadline = time.monotonic() + 10
        while _follows(url, "Ann%20Lee") != ["Bob Ek"] and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _follows(url, "Ann%20Lee") == ["Bob Ek"]

        verify = run_harness(
            *("verify", "--target", url, "--scenario", str(scenario)),
            *("--results", str(results)),
        )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "verify passed: 0 difference(s)" in verify.stdout
    assert "ambiguous (not an error): 'Ann Lee' -> 'Bob Ek': unacknowledged #3" in verify.stdout
