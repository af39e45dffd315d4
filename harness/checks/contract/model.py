"""Data of a contract run: check specs, per-check statuses and the run's result."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from harness.findings import Finding, Severity

if TYPE_CHECKING:
    from harness.checks.contract.context import CheckContext

CheckFn = Callable[["CheckContext"], Iterator[Finding]]
Status = Literal["passed", "failed", "not-run"]


@dataclass(frozen=True)
class Check:
    """One named check of the deterministic suite: ``fn`` yields findings, or nothing."""

    name: str
    fn: CheckFn
    doc: str
    fragile: bool = False  # likely to crash a fragile server: runs last


@dataclass(frozen=True)
class CheckStatus:
    """How one named check ended; ``detail`` says why it failed or did not run."""

    name: str
    status: Status
    detail: str = ""
    duration_s: float = 0.0


@dataclass
class ContractResult:
    """Everything a contract run found (the gate and the reporters consume it)."""

    target: str
    ok: bool
    findings: list[Finding] = field(default_factory=list)
    checks: list[CheckStatus] = field(default_factory=list)
    died_after: str | None = None  # the probe after which the target stopped answering
    property_phase: str = "not-run"  # passed, failed, not-run, or skipped (disabled)
    duration_s: float = 0.0

    def count(self, severity: Severity) -> int:
        """Number of findings of one severity."""
        return sum(1 for f in self.findings if f.severity is severity)

    def summary(self) -> str:
        """One line: counts of checks by status and of findings by severity."""
        by = {
            s: sum(1 for c in self.checks if c.status == s) for s in ("passed", "failed", "not-run")
        }
        counts = ", ".join(f"{self.count(sev)} {sev}" for sev in Severity)
        line = f"{by['passed']} passed, {by['failed']} failed, {by['not-run']} not run; {counts}"
        if self.died_after:
            line += f"; target died after {self.died_after}"
        return line


def is_failing(findings: list[Finding], fail_on: str) -> bool:
    """Whether findings fail the run: errors always; warnings and quirks with ``warning``."""
    bad = {Severity.ERROR}
    if fail_on == "warning":
        bad |= {Severity.WARNING, Severity.QUIRK}
    return any(f.severity in bad for f in findings)
