"""What a drill did and proved, and which verify findings its lost-write list already names."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.checks.drill import DrillVerdict, LostWrite, StaleLatest
from harness.checks.drill_timeline import Outage
from harness.findings import Finding

#: verify findings that the lost-write list already names write by write.
LOSS_CHECKS = frozenset({"verify.lost-write", "verify.missing-user", "verify.lost-follow"})
#: Follow-list findings the lost-write list names too (a lost follow, a lost unfollow);
#: verify pairs them as "altered" when names look alike, and the drill's names all end
#: in the same namespace tag.
FOLLOW_LOSS_CHECKS = ("verify.unexpected-follow", "verify.altered-content.")


def named_by_lost_writes(finding: Finding) -> bool:
    """Whether the lost-write list already names what ``finding`` says."""
    if finding.check in LOSS_CHECKS:
        return True
    return finding.where == "GET /fllws/<user>" and finding.check.startswith(FOLLOW_LOSS_CHECKS)


@dataclass
class DrillResult:
    """What a drill did and proved."""

    verdict: DrillVerdict
    results_path: Path
    lost: list[LostWrite] = field(default_factory=list)
    stale: list[StaleLatest] = field(default_factory=list)
    outages: list[Outage] = field(default_factory=list)
    document: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)  # the verdict's and verify's

    @property
    def ok(self) -> bool:
        """Whether the drill passed."""
        return self.verdict.ok

    @property
    def interrupted(self) -> bool:
        """Whether the operator stopped it (Ctrl-C) before its end."""
        return any(check == "drill.interrupted" for check, _ in self.verdict.failures)
