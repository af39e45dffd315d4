"""The summary of a replay from its outcomes: counts, error classes, latency, findings."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.checks.verdicts import SIMULATOR_ACCEPTED
from harness.findings import Exchange, Finding, Profile, Severity
from harness.results import Outcome


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of already sorted values (0 for none)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(q / 100.0 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def latency_table(outcomes: Iterable[Outcome]) -> dict[str, dict[str, float]]:
    """p50/p95/p99/max latency (ms, sub-ms precision) per command."""
    by_command: dict[str, list[float]] = defaultdict(list)
    for outcome in outcomes:
        by_command[outcome.command].append(outcome.latency_ms)
    table: dict[str, dict[str, float]] = {}
    for command, values in sorted(by_command.items()):
        values.sort()
        table[command] = {
            "count": float(len(values)),
            "p50": round(percentile(values, 50), 3),
            "p95": round(percentile(values, 95), 3),
            "p99": round(percentile(values, 99), 3),
            "max": round(values[-1], 3),
        }
    return table


def error_class(outcome: Outcome) -> str:
    """The class an error is counted under: the exception class, else the failed check."""
    return outcome.error or outcome.check or "error"


def acknowledged(outcome: Outcome) -> bool:
    """Whether the target acknowledged the write the way the simulator reads statuses."""
    accepted = SIMULATOR_ACCEPTED.get(outcome.command, frozenset())
    return outcome.error is None and outcome.status in accepted


@dataclass
class Summary:
    """Everything the final report of a replay shows."""

    total: int
    verdicts: dict[str, int]
    errors_by_class: dict[str, int]
    latency_ms: dict[str, dict[str, float]]
    acknowledged: set[int] = field(default_factory=set)

    def lines(self) -> list[str]:
        """Human-readable summary lines."""
        out = [
            f"replay: {self.total} outcomes, "
            + ", ".join(f"{k} {v}" for k, v in sorted(self.verdicts.items()))
        ]
        for name, count in sorted(self.errors_by_class.items()):
            out.append(f"  error {name}: {count}")
        out.append("  latency ms      count      p50      p95      p99      max")
        for command, row in self.latency_ms.items():
            out.append(
                f"  {command:<10} {int(row['count']):>10} {row['p50']:>8.3f} "
                f"{row['p95']:>8.3f} {row['p99']:>8.3f} {row['max']:>8.3f}"
            )
        return out


def summarize(outcomes: Sequence[Outcome]) -> Summary:
    """Count verdicts and error classes and tabulate latency."""
    verdicts = Counter(o.verdict for o in outcomes)
    errors = Counter(error_class(o) for o in outcomes if o.verdict != "ok")
    return Summary(
        total=len(outcomes),
        verdicts=dict(verdicts),
        errors_by_class=dict(errors),
        latency_ms=latency_table(outcomes),
        acknowledged={o.action_id for o in outcomes if acknowledged(o)},
    )


def findings_from(
    outcomes: Sequence[Outcome], evidence: Sequence[dict[str, Any]], target: str
) -> list[Finding]:
    """One finding per failed check, with its count and the first recorded exchanges."""
    failed: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        if outcome.verdict != "ok":
            failed[outcome.check or error_class(outcome)].append(outcome)
    findings: list[Finding] = []
    for check, items in sorted(failed.items()):
        proof = tuple(
            Exchange(
                method=str(e.get("method", "POST")),
                url=target.rstrip("/") + str(e.get("path", "")),
                status=e.get("status"),
                response_body=e.get("body"),
                error=e.get("error"),
            )
            for e in evidence
            if e.get("check") == check
        )
        ids = ", ".join(str(o.action_id) for o in items[:5])
        details = [str(e.get("detail")) for e in evidence if e.get("check") == check]
        detail = f" ({details[0]})" if details and details[0] else ""
        findings.append(
            Finding(
                check=check,
                severity=Severity.ERROR,
                profile=Profile.STRICT if check.startswith("strict.") else Profile.SIMULATOR,
                message=f"{len(items)} action(s) failed {check}{detail}; first ids: {ids}",
                stage="replay",
                target=target,
                where=items[0].command,
                evidence=proof,
            )
        )
    return findings
