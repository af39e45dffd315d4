"""Findings whose cause a suite check named after they were seen: one cause, one finding.

Some checks run after the answers that show their defect: the planting checks run after the
property phase (they write values a dashboard would plot), and a gate's replayed data is read
back by every check. When the whole suite has run, a finding another check's cause explains
is merged into that check's finding.
"""

from __future__ import annotations

from collections.abc import Mapping

from harness.checks.contract.st_events import named_by
from harness.findings import Finding

_PROPERTY = "schemathesis."


def explained_by(
    finding: Finding, known: list[Finding], causes: Mapping[int, tuple[str, ...]]
) -> str | None:
    """The suite check whose finding in ``known`` names ``finding``'s cause, or None.

    ``causes`` holds, per finding's id, the checks whose finding would name its cause (the
    body judgement and the property phase's hooks say so where they saw the whole body).
    """
    suite = {f.check for f in known if not f.check.startswith(_PROPERTY)} - {finding.check}
    candidates = causes.get(id(finding), ())
    cause = next((name for name in candidates if name in suite), None)
    if cause is None and finding.check.startswith(_PROPERTY) and finding.evidence:
        check = finding.check.removeprefix(_PROPERTY)
        cause = named_by(check, finding.where or "", finding.evidence[0], known)
    return cause


def merge_explained(
    findings: list[Finding], causes: Mapping[int, tuple[str, ...]]
) -> list[Finding]:
    """``findings`` without those another finding's cause explains."""
    return [f for f in findings if explained_by(f, findings, causes) is None]
