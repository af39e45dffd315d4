"""JUnit XML from check statuses and findings: one testcase per check (CI dashboards read it).

A check fails in JUnit when it has a finding of a failing severity (errors; with
``fail_on="warning"`` also warnings and quirks); other findings go to ``system-out``, so a
warning never turns a CI run red unless asked to. A check that did not run, or could not
judge (inconclusive), is ``skipped`` with its reason.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.checks.contract.model import CheckStatus
from harness.findings import Finding, Severity, problem_line


def _failing(severity: Severity, fail_on: str) -> bool:
    return severity is Severity.ERROR or fail_on == "warning"


def _describe(finding: Finding) -> str:
    lines = [f"[{finding.severity}/{finding.profile}] {finding.where or ''}: {finding.message}"]
    for ex in finding.evidence:
        answer = f"{ex.status}" if ex.status is not None else (ex.error or "no answer")
        lines.append(f"    {ex.method} {ex.url} -> {answer}")
        if ex.request_body:
            lines.append(f"      request body: {ex.request_body[:500]}")
        if ex.response_body:
            lines.append(f"      response body: {ex.response_body[:500]}")
    return "\n".join(lines)


@dataclass(frozen=True)
class JUnitSuite:
    """One ``testsuite``: a stage's check statuses and its findings."""

    name: str
    checks: Sequence[CheckStatus]
    findings: Sequence[Finding]


def _group(suite: JUnitSuite) -> dict[str, list[Finding]]:
    """Findings by check; those of checks without a status (schemathesis.*) go to their phase."""
    by_check: dict[str, list[Finding]] = {}
    for finding in suite.findings:
        by_check.setdefault(finding.check, []).append(finding)
    names = {c.name for c in suite.checks}
    for name in list(by_check):
        if name not in names and "." in name and name.split(".")[0] in names:
            by_check.setdefault(name.split(".")[0], []).extend(by_check.pop(name))
    return by_check


def _add_suite(root: ET.Element, suite: JUnitSuite, fail_on: str) -> None:
    by_check = _group(suite)
    ts = ET.SubElement(root, "testsuite", name=suite.name)
    props = ET.SubElement(ts, "properties")
    ET.SubElement(props, "property", name="problems", value=problem_line(suite.findings))
    failures = skipped = 0
    total_time = 0.0
    for check in suite.checks:
        case = ET.SubElement(
            ts, "testcase", classname=suite.name, name=check.name, time=f"{check.duration_s:.3f}"
        )
        total_time += check.duration_s
        mine = by_check.get(check.name, [])
        bad = [f for f in mine if _failing(f.severity, fail_on)]
        if check.status in ("not-run", "inconclusive"):
            skipped += 1
            reason = check.detail or check.status
            label = "inconclusive: " if check.status == "inconclusive" else ""
            ET.SubElement(case, "skipped", message=label + reason)
        elif bad:
            failures += 1
            failure = ET.SubElement(
                case, "failure", message=bad[0].message, type=str(bad[0].severity)
            )
            failure.text = "\n".join(_describe(f) for f in bad)
        rest = [f for f in mine if f not in bad]
        if rest:
            ET.SubElement(case, "system-out").text = "\n".join(_describe(f) for f in rest)
    ts.set("tests", str(len(suite.checks)))
    ts.set("failures", str(failures))
    ts.set("errors", "0")
    ts.set("skipped", str(skipped))
    ts.set("time", f"{total_time:.3f}")


def junit_tree(
    suites: Sequence[JUnitSuite], *, fail_on: str = "error"
) -> ET.ElementTree[ET.Element]:
    """The XML tree: ``testsuites`` with one ``testsuite`` per stage."""
    root = ET.Element("testsuites")
    for suite in suites:
        _add_suite(root, suite, fail_on)
    ET.indent(root)
    return ET.ElementTree(root)


def write_junit_suites(
    path: str | Path, suites: Sequence[JUnitSuite], *, fail_on: str = "error"
) -> None:
    """Write a JUnit XML file with several test suites (the gate: one per stage)."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    junit_tree(suites, fail_on=fail_on).write(out, encoding="utf-8", xml_declaration=True)


def write_junit(
    path: str | Path,
    suite: str,
    checks: Sequence[CheckStatus],
    findings: Sequence[Finding],
    *,
    fail_on: str = "error",
) -> None:
    """Write a JUnit XML file with one test suite."""
    write_junit_suites(path, [JUnitSuite(suite, checks, findings)], fail_on=fail_on)
