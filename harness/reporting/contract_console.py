"""The console report of a contract run: a table of checks, then the findings."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from harness.checks.contract.bodies import BODY_CHECKS
from harness.checks.contract.model import ContractResult
from harness.checks.contract.property_phase import PROPERTY_CHECK
from harness.checks.contract.suite import SUITE
from harness.events import Event, RunStarted
from harness.findings import Finding, Severity, problem_line

#: Characters of a response body ``-v`` shows per exchange.
VERBOSE_BODY = 300

_MARK = {"passed": "ok", "failed": "FAIL", "not-run": "--", "inconclusive": "??"}
_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.QUIRK: 2}


def _counts(findings: list[Finding]) -> str:
    counts = Counter(f.severity for f in findings)
    return " ".join(f"{counts[s]}{s.value[0].upper()}" for s in Severity if counts[s]) or "-"


def _clip(text: str, width: int) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def render(result: ContractResult, *, verbose: bool = False) -> str:
    """The whole report as text (the table lists every check; findings follow, worst first)."""
    by_check: dict[str, list[Finding]] = {}
    for finding in result.findings:
        key = (
            finding.check.split(".")[0]
            if finding.check.startswith("schemathesis.")
            else finding.check
        )
        by_check.setdefault(key, []).append(finding)
    width = max((len(c.name) for c in result.checks), default=10)
    lines = [f"Contract checks against {result.target}", ""]
    lines.append(f"{'check':<{width}}  {'status':<6}  {'found':<8}  detail")
    # ok passed, FAIL found something, -- not run, ?? started but could not judge (inconclusive)
    for check in result.checks:
        found = _counts(by_check.get(check.name, []))
        detail = _clip(check.detail, 70)
        lines.append(f"{check.name:<{width}}  {_MARK[check.status]:<6}  {found:<8}  {detail}")
    if result.findings:
        lines += ["", "Findings (E error, W warning, Q reference quirk):"]
        for finding in sorted(result.findings, key=lambda f: _ORDER[f.severity]):
            head = f"  {finding.severity.value.upper():<7} {finding.check} [{finding.where or '-'}]"
            lines.append(head)
            lines.append(f"          {_clip(finding.message, 160)}")
            if verbose:
                for ex in finding.evidence:
                    answer = ex.status if ex.status is not None else ex.error
                    lines.append(f"          {ex.method} {ex.url} -> {answer}")
                    lines.append(f"            {ex.curl()}")
                    if ex.response_body:
                        size = ex.response_body_size
                        cut = f" (cut; {size} in all)" if size is not None else ""
                        body = _clip(ex.response_body, VERBOSE_BODY)
                        lines.append(f"            response body{cut}: {body}")
    if result.died_after:
        lines += ["", f"The target stopped answering after {result.died_after}."]
    verdict = "PASSED" if result.ok else "FAILED"
    lines += ["", f"{verdict}: {result.summary()} ({result.duration_s:.1f}s)"]
    lines.append(f"findings: {problem_line(result.findings)}")
    return "\n".join(lines)


def check_list() -> str:
    """Every check of a run, in run order, with what it verifies (``--list-checks``)."""
    rows = [(c.name, c.doc + (" (fragile: runs last)" if c.fragile else "")) for c in SUITE]
    rows += list(BODY_CHECKS.items())
    rows.append((PROPERTY_CHECK, "Schemathesis on the OpenAPI document (schemathesis.<check>)"))
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {doc}" for name, doc in rows)


class Progress:
    """A sink that tells the user what is running (the property phase takes its budget)."""

    def __init__(self, stream: TextIO, budget_s: float, property_phase: bool) -> None:
        self.stream = stream
        self.budget_s = budget_s
        self.property_phase = property_phase

    def __call__(self, event: Event) -> None:
        """Print one line when the run starts."""
        if isinstance(event, RunStarted):
            extra = f", then the property phase (up to {self.budget_s:.0f}s)" * self.property_phase
            print(f"contract: {event.total} checks against {event.target}{extra}", file=self.stream)
            self.stream.flush()
