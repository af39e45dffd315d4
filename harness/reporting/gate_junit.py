"""The gate's JUnit XML: one test suite per target (a test case per stage and per check)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from harness.reporting.bundle import ERROR, FAILED, NOT_RUN, Bundle
from harness.reporting.model import ReportData


def _suite(root: ET.Element, name: str) -> ET.Element:
    return ET.SubElement(root, "testsuite", name=name)


def _case(
    suite: ET.Element, classname: str, name: str, status: str, message: str, text: str = ""
) -> None:
    case = ET.SubElement(suite, "testcase", classname=classname, name=name)
    if status == FAILED:
        ET.SubElement(case, "failure", message=message).text = text or message
    elif status == ERROR:
        ET.SubElement(case, "error", message=message).text = text or message
    elif status == NOT_RUN:
        ET.SubElement(case, "skipped", message=message or "not run")


def _bundle_suite(root: ET.Element, bundle: Bundle) -> None:
    suite = _suite(root, f"gate: {bundle.label}")
    for stage in bundle.summary.stages:
        findings = [f for f in bundle.findings if f.stage in (stage.name, "verify")]
        text = "\n".join(f"[{f.severity}] {f.check}: {f.message}" for f in findings[:50])
        _case(suite, f"gate.{bundle.label}", stage.name, stage.status, stage.detail, text)
        for check in stage.checks:
            _case(
                suite, f"gate.{bundle.label}.{stage.name}", check.name, check.status, check.detail
            )
        for t in stage.thresholds:
            _case(
                suite,
                f"gate.{bundle.label}.{stage.name}",
                t.expression,
                "passed" if t.passed else FAILED,
                f"observed {t.observed}",
            )


def render_junit(data: ReportData) -> str:
    """JUnit XML for CI test reporters; the regression gate is one suite of its own."""
    root = ET.Element("testsuites", name="minitwit-harness gate")
    for bundle in data.all_bundles:
        _bundle_suite(root, bundle)
    if data.baseline is not None:
        suite = _suite(root, f"regressions vs {data.baseline.label}")
        for target in data.targets:
            mine = [r for r in data.regressions if r.candidate == target.label]
            text = "\n".join(f"{r.kind}: {r.subject}: {r.baseline} -> {r.observed}" for r in mine)
            _case(
                suite,
                "gate.regression",
                target.label,
                FAILED if mine else "passed",
                f"{len(mine)} regressions",
                text,
            )
    for suite in root.iter("testsuite"):
        cases = list(suite.iter("testcase"))
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(sum(c.find("failure") is not None for c in cases)))
        suite.set("errors", str(sum(c.find("error") is not None for c in cases)))
        suite.set("skipped", str(sum(c.find("skipped") is not None for c in cases)))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def write_junit(data: ReportData, path: Path) -> Path:
    """Render and write the JUnit XML file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_junit(data), encoding="utf-8")
    return path
