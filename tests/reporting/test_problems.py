"""One finding per cause: findings grouped by (check, endpoint, observed answer), every report
says "N problems (M occurrences)", and group labels count the real statuses."""

from __future__ import annotations

import json
from pathlib import Path

from harness.findings import Exchange, Finding, Profile, Severity, problem_line, problems
from harness.reporting.bundle import read_bundle
from harness.reporting.write import write_reports
from tests.reporting.factory import make_bundle


def _follow(status: int, stage: str = "replay", severity: Severity = Severity.ERROR) -> Finding:
    answer = Exchange("POST", "http://x.test/fllws/a?latest=1", status=status)
    return Finding(
        "simulator.follow-status",
        severity,
        Profile.SIMULATOR,
        f"follow answered {status}",
        stage,
        where="POST /fllws/<user>",
        evidence=(answer,),
    )


def test_findings_group_by_check_endpoint_and_answer() -> None:
    findings = [_follow(404)] * 3 + [_follow(400)] * 2 + [_follow(404, "verify", Severity.WARNING)]
    grouped = problems(findings)
    assert [(p.observed, p.occurrences) for p in grouped] == [("404 ×4", 4), ("400 ×2", 2)]
    [not_found] = [p for p in grouped if p.observed.startswith("404")]
    assert not_found.stages == ("replay", "verify")
    assert not_found.severity is Severity.ERROR  # the worst of its occurrences
    assert problem_line(findings) == "2 problems (6 occurrences)"
    assert problem_line([]) == "0 problems (0 occurrences)"


def test_every_report_shows_the_problem_count(tmp_path: Path) -> None:
    findings = [_follow(404)] * 3 + [_follow(400)]
    bundle = read_bundle(make_bundle(tmp_path / "b", "team", findings=findings))
    report = write_reports(tmp_path / "report", [bundle])
    line = "2 problems (4 occurrences)"
    assert line in report.markdown.read_text()
    assert line in report.html.read_text()
    assert f'name="problems" value="{line}"' in report.junit.read_text()
    document = json.loads((tmp_path / "b" / "findings.json").read_text())
    assert document["problems_line"] == line
    assert [p["observed"] for p in document["problems"]] == ["404 ×3", "400"]
