"""The gate's JUnit XML, built with the contract's JUnit writer: one suite per target.

Each stage, contract check and load threshold is a test case; a failed one carries the
findings that explain it. A stage the tool could not run is an ``error``. With a baseline,
the regression gate is one more suite (a case per candidate).
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from pathlib import Path

from harness.checks.contract.model import CheckStatus, Status
from harness.findings import Finding, Profile, Severity
from harness.reporting.bundle import ERROR, FAILED, NOT_RUN, Bundle
from harness.reporting.junit import JUnitSuite, junit_tree
from harness.reporting.model import ReportData


def _failure(case: str, message: str) -> Finding:
    """What fails a test case that has no error-severity finding of its own."""
    return Finding(case, Severity.ERROR, Profile.STRICT, message or f"{case} failed", "gate")


def _cases(bundle: Bundle) -> tuple[list[CheckStatus], list[Finding], dict[str, str]]:
    checks: list[CheckStatus] = []
    findings: list[Finding] = []
    errors: dict[str, str] = {}
    for stage in bundle.summary.stages:
        ran = stage.status != NOT_RUN
        checks.append(
            CheckStatus(stage.name, "passed" if ran else "not-run", stage.detail, stage.duration_s)
        )
        # The stage's findings explain its test case (the contract's writer keys on check).
        mine = [dataclasses.replace(f, check=stage.name) for f in bundle.findings]
        mine = [f for f, o in zip(mine, bundle.findings, strict=True) if o.stage == stage.name]
        findings += mine
        if stage.status == FAILED and not any(f.severity is Severity.ERROR for f in mine):
            findings.append(_failure(stage.name, stage.detail))
        if stage.status == ERROR:
            errors[stage.name] = stage.detail
        for check in stage.checks:
            name = f"{stage.name}: {check.name}"
            # Not run and inconclusive checks are skipped with their reason.
            status: Status = "passed"
            if check.status in (NOT_RUN, "inconclusive"):
                status = "not-run" if check.status == NOT_RUN else "inconclusive"
            checks.append(CheckStatus(name, status, "" if status == "passed" else check.detail))
            if check.status == FAILED:
                findings.append(_failure(name, check.detail))
        for t in stage.thresholds:
            name = f"{stage.name}: {t.expression}"
            checks.append(CheckStatus(name, "passed", f"observed {t.observed}"))
            if not t.passed:
                findings.append(_failure(name, f"observed {t.observed}"))
    return checks, findings, errors


def _regression_suite(data: ReportData) -> JUnitSuite:
    assert data.baseline is not None
    checks = [CheckStatus(t.label, "passed") for t in data.targets]
    findings = [
        _failure(r.candidate, f"{r.kind}: {r.subject}: {r.baseline} -> {r.observed}")
        for r in data.regressions
    ]
    return JUnitSuite(f"regressions vs {data.baseline.label}", checks, findings)


def render_junit(data: ReportData) -> str:
    """JUnit XML for CI test reporters."""
    suites: list[JUnitSuite] = []
    errors: dict[str, dict[str, str]] = {}
    for bundle in data.all_bundles:
        checks, findings, stage_errors = _cases(bundle)
        suites.append(JUnitSuite(f"gate: {bundle.label}", checks, findings))
        errors[f"gate: {bundle.label}"] = stage_errors
    if data.baseline is not None:
        suites.append(_regression_suite(data))
    root = junit_tree(suites).getroot()
    root.set("name", "minitwit-harness gate")
    for suite in root.iter("testsuite"):
        mine = errors.get(suite.get("name", ""), {})
        for case in suite.iter("testcase"):
            message = mine.get(case.get("name", ""))
            if message is not None:  # the tool could not run this stage: not a failure
                ET.SubElement(case, "error", message=message).text = message
        suite.set("errors", str(len(mine)))
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def write_junit(data: ReportData, path: Path) -> Path:
    """Render and write the JUnit XML file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_junit(data), encoding="utf-8")
    return path
