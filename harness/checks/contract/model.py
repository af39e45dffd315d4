"""Data of a contract run: check specs, per-check statuses and the run's result."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from harness.findings import Finding, Severity

if TYPE_CHECKING:
    from harness.checks.contract.context import CheckContext

CheckFn = Callable[["CheckContext"], Iterator[Finding]]
#: How a check ended: it judged and found nothing (passed) or something (failed); it was
#: never started (not-run, e.g. the target died earlier); or it started but could not judge
#: (inconclusive, e.g. a precondition failed). The last two always carry a reason.
Status = Literal["passed", "failed", "not-run", "inconclusive"]
STATUSES: tuple[Status, ...] = ("passed", "failed", "not-run", "inconclusive")


@dataclass(frozen=True)
class Check:
    """One named check of the deterministic suite: ``fn`` yields findings, or nothing."""

    name: str
    fn: CheckFn
    doc: str
    fragile: bool = False  # likely to crash a fragile server: runs last


@dataclass(frozen=True)
class CheckStatus:
    """How one named check ended; ``detail`` says why it failed, did not run or was inconclusive."""

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
        counts = ", ".join(f"{self.count(sev)} {sev}" for sev in Severity)
        line = f"{status_line(self.checks)}; {counts}"
        if self.died_after:
            line += f"; target died after {self.died_after}"
        return line


def status_counts(checks: Iterable[CheckStatus]) -> dict[Status, int]:
    """How many checks ended in each status (every status present, zeros included)."""
    by: dict[Status, int] = dict.fromkeys(STATUSES, 0)
    for check in checks:
        by[check.status] += 1
    return by


def status_line(checks: Iterable[CheckStatus]) -> str:
    """``40 passed, 2 failed, 1 not run, 3 inconclusive``: the counts every report shows."""
    by = status_counts(checks)
    return ", ".join(f"{n} {s.replace('-', ' ')}" for s, n in by.items())


def is_failing(findings: list[Finding], fail_on: str) -> bool:
    """Whether findings fail the run: errors always; warnings and quirks with ``warning``."""
    bad = {Severity.ERROR}
    if fail_on == "warning":
        bad |= {Severity.WARNING, Severity.QUIRK}
    return any(f.severity in bad for f in findings)
