"""The gate's JUnit XML: a case per stage, check and threshold; tool errors are errors."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from harness.reporting.bundle import (
    CheckRecord,
    StageSummary,
    Summary,
    ThresholdRecord,
    read_bundle,
    write_bundle_findings,
    write_summary,
)
from harness.reporting.gate_junit import render_junit
from harness.reporting.model import build_report
from tests.reporting.factory import finding


def test_stages_checks_thresholds_and_tool_errors_become_test_cases(tmp_path: Path) -> None:
    stages = (
        StageSummary(
            "contract", "failed", "1 finding", checks=(CheckRecord("msgs.order", "failed", "x"),)
        ),
        StageSummary("load", "passed", thresholds=(ThresholdRecord("error_rate<1%", 0.0, True),)),
        StageSummary("allowlist", "not-run", "no sources"),
        StageSummary("replay", "error", "scenario.tsv:3: bad line"),
    )
    write_summary(tmp_path, Summary("team", "http://t", 0.0, 1.0, "error", stages))
    write_bundle_findings(tmp_path, [finding("msgs.order")])

    root = ET.fromstring(render_junit(build_report([read_bundle(tmp_path)])))

    (suite,) = root.findall("testsuite")
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert set(cases) == {
        "contract",
        "contract: msgs.order",
        "load",
        "load: error_rate<1%",
        "allowlist",
        "replay",
    }
    assert cases["contract"].find("failure") is not None
    assert cases["contract: msgs.order"].find("failure") is not None
    assert (
        cases["load"].find("failure") is None
        and cases["load: error_rate<1%"].find("failure") is None
    )
    assert cases["allowlist"].find("skipped") is not None
    error = cases["replay"].find("error")
    assert error is not None and error.get("message") == "scenario.tsv:3: bad line"
    assert suite.get("errors") == "1"
