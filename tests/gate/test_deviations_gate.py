"""The whole gate against the deviant app, one deviation at a time: exactly its findings.

Each run is ``minitwit-harness check --target URL --fresh-target`` with the gate's shortest
sensible settings (a tiny scenario, a two-second load stage, a short property phase). The
expected (check, severity) pairs are the contract's (tests/support/deviation_findings.py)
plus what the other stages see of the same deviation; the property phase's findings are
judged with the rest (one severity policy, its echoes merged), so the set is exact.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.gate.gate_cli import harness
from tests.support.deviant_app import serve_deviant_app
from tests.support.deviation_findings import CONTRACT, E, Found, Q, W, found

pytestmark = pytest.mark.slow

#: The gate at its shortest: every stage still runs and judges.
FAST = {
    "MINITWIT_SCENARIO_USERS": "5",
    "MINITWIT_SCENARIO_ACTIONS": "40",
    "MINITWIT_CONTRACT_MAX_EXAMPLES": "2",
    "MINITWIT_CONTRACT_TIME_BUDGET": "3",
    "MINITWIT_LOAD_RUN_TIME": "2",
    "MINITWIT_LOAD_USERS": "2",
    "MINITWIT_LOAD_SPAWN_RATE": "2",
}

#: What replay + verify and load add to the contract's findings.
OTHER_STAGES: dict[str, Found] = {
    "html-escape": found(("verify.altered-content.html-escaped", E)),
    # The generated scenario has an empty tweet (a hazard of the course's recording).
    "empty-content-dropped": found(("verify.lost-write", E)),
    # ... and a tweet that looks like a number.
    "numeric-coercion": found(("verify.altered-content.coerced", E)),
}
#: In the gate the contract runs last: the fresh-start quirks of GET /latest are seen on the
#: gate's first request, which latest.fresh judges (latest.initial reads a recorded value).
INSTEAD: dict[str, Found] = {
    "latest-500-before-first": found(("latest.fresh", Q)),
    "latest-dropped-before-first": found(("latest.fresh", Q)),
}


def gate(deviations: list[str], tmp_path: Path) -> tuple[int, list[dict[str, object]], str]:
    """Run the gate against the deviant app; its exit code, findings and output."""
    bundle = tmp_path / "bundle"
    with serve_deviant_app(deviations, tmp_path) as app:
        proc = harness(
            "check",
            "--target",
            app.url,
            "--fresh-target",
            "--bundle",
            str(bundle),
            "--no-progress",
            env=FAST,
            cwd=tmp_path,
        )
    findings = json.loads((bundle / "findings.json").read_text())["findings"]
    return proc.returncode, findings, proc.stdout + proc.stderr


def expected(*deviations: str) -> Found:
    """The distinct findings the gate must report for these deviations together."""
    pairs: set[tuple[str, str]] = set()
    for deviation in deviations:
        pairs |= INSTEAD.get(deviation, CONTRACT[deviation])
        pairs |= OTHER_STAGES.get(deviation, frozenset())
    return frozenset(pairs)


def distinct(findings: list[dict[str, object]]) -> set[tuple[str, str]]:
    """The (check, severity) pairs of a findings list, the property phase's included.

    One policy grades every stage, and a Schemathesis failure a deterministic check names is
    merged into that check's finding: whatever the property phase sees of a deviation is
    already in its set, so a ``schemathesis.*`` pair is always one too many.
    """
    return {(str(f["check"]), str(f["severity"])) for f in findings}


@pytest.mark.parametrize("deviation", sorted(CONTRACT))
def test_gate_reports_exactly_the_deviation(deviation: str, tmp_path: Path) -> None:
    """One deviation: its findings in every stage, nothing else; exit 1 only on errors."""
    code, findings, output = gate([deviation], tmp_path)
    assert distinct(findings) == expected(deviation), output[-3000:]
    assert code == (1 if any(sev == E for _, sev in expected(deviation)) else 0), output[-3000:]


def test_gate_against_the_reference_behaviour_reports_nothing(tmp_path: Path) -> None:
    """No deviation: no finding in any stage, exit 0."""
    code, findings, output = gate([], tmp_path)
    assert findings == [] and code == 0, output[-3000:]


def test_fixtures_do_not_mask_checks(tmp_path: Path) -> None:
    """Unique emails enforced and content HTML-escaped: both found, and nothing else."""
    code, findings, output = gate(["unique-emails", "html-escape"], tmp_path)
    assert distinct(findings) == {
        ("register.email-not-unique", W),
        ("msgs.content-preserved", E),
        ("verify.altered-content.html-escaped", E),
    }, output[-3000:]
    assert code == 1
