"""The summary of a replay from its outcomes: root causes and consequences, latency, findings."""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.checks.verdicts import READ_TIMEOUT, simulator_accepted
from harness.findings import Exchange, Finding, Profile, Severity
from harness.planning.causal import causal_predecessors
from harness.results import Outcome
from harness.scenario.model import Action, Command
from harness.target import target_url

#: Warning: ReadTimeouts while other requests of the run were in flight.
ABOVE_PACING_CHECK = "replay.timeout-above-pacing"
#: Warning (strict profile): the judged answer came after a redirect.
REDIRECTED_CHECK = "strict.redirected"


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
    accepted = simulator_accepted(outcome.command) or frozenset()
    return outcome.error is None and outcome.status in accepted


def latest_per_action(outcomes: Iterable[Outcome]) -> list[Outcome]:
    """The last outcome of each action (``--retry-failed`` records a failed one twice)."""
    last: dict[int, Outcome] = {}
    for outcome in outcomes:
        last[outcome.action_id] = outcome
    return [last[i] for i in sorted(last)]


def requests_in_flight(outcomes: Sequence[Outcome], chosen: Iterable[Outcome]) -> dict[int, int]:
    """For each chosen outcome: how many of the run's requests were in flight during it
    (itself included), from the recorded start and end times."""
    starts = sorted(o.started for o in outcomes)
    ends = sorted(o.finished for o in outcomes)
    # Requests that started before it ended, minus those that ended before it started.
    return {
        o.action_id: bisect_left(starts, o.finished) - bisect_right(ends, o.started) for o in chosen
    }


def consequences_of(actions: Sequence[Action], outcomes: Mapping[int, Outcome]) -> dict[int, int]:
    """Failed actions that failed because a causal predecessor failed, mapped to the root.

    A 404 (the answer to an unknown user) after a register of the user or of the follow
    target that was not acknowledged (error, timeout) is that register's consequence, and
    so is a 404 after the same user's previous action was one.
    """
    predecessors = causal_predecessors(actions)
    registers = {a.id for a in actions if a.command is Command.REGISTER}
    cause: dict[int, int] = {}
    for action in actions:
        outcome = outcomes.get(action.id)
        if outcome is None or outcome.verdict == "ok" or outcome.status != 404:
            continue
        for before in predecessors.get(action.id, ()):
            if before in cause:
                cause[action.id] = cause[before]
                break
            earlier = outcomes.get(before)
            if before in registers and earlier is not None and not acknowledged(earlier):
                cause[action.id] = before
                break
    return cause


@dataclass
class ReplaySummary:
    """Everything the final report of a replay shows.

    Failed actions come in three kinds: target defects (``errors_by_class``, the findings),
    timeouts above the simulator's pacing (``above_pacing``: other requests of the run were
    in flight, so the simulator, one request at a time, would not necessarily see them) and
    consequences (``consequences``: failed because a causal predecessor failed).
    """

    total: int
    verdicts: dict[str, int]
    errors_by_class: dict[str, int]
    latency_ms: dict[str, dict[str, float]]
    acknowledged: set[int] = field(default_factory=set)
    consequences: dict[int, int] = field(default_factory=dict)  # action id -> root cause id
    above_pacing: dict[int, int] = field(default_factory=dict)  # action id -> in flight
    resent: int = 0  # actions with more than one outcome (--retry-failed)
    redirected: int = 0  # actions judged on the answer after a redirect
    concurrency: int | None = None  # the run's --concurrency, for the pacing note

    def lines(self) -> list[str]:
        """Human-readable summary lines."""
        out = [
            f"replay: {self.total} outcomes, "
            + ", ".join(f"{k} {v}" for k, v in sorted(self.verdicts.items()))
        ]
        if self.resent:
            out.append(
                f"  sent again after failing (--retry-failed): {self.resent}; a failed attempt "
                "may have landed too (possibly duplicated), so verify accepts a second copy"
            )
        defects = sum(self.errors_by_class.values())
        if defects or self.above_pacing or self.consequences:
            out.append(
                f"  root causes {defects + len(self.above_pacing)} "
                f"(target errors {defects}, timeouts above the simulator's pacing "
                f"{len(self.above_pacing)}), consequences {len(self.consequences)}"
            )
        for name, count in sorted(self.errors_by_class.items()):
            out.append(f"  error {name}: {count}")
        if self.above_pacing:
            out.append("  " + pacing_note(self.above_pacing, self.concurrency))
        if self.consequences:
            first, root = min(self.consequences.items())
            out.append(
                f"  consequences: {len(self.consequences)} action(s) failed because an earlier "
                f"action they depend on failed (e.g. #{first} after #{root})"
            )
        out.append("  latency ms      count      p50      p95      p99      max")
        for command, row in self.latency_ms.items():
            out.append(
                f"  {command:<10} {int(row['count']):>10} {row['p50']:>8.3f} "
                f"{row['p95']:>8.3f} {row['p99']:>8.3f} {row['max']:>8.3f}"
            )
        return out


def pacing_note(above_pacing: Mapping[int, int], concurrency: int | None = None) -> str:
    """One line: how many timeouts, at which concurrency, and what to do."""
    low, high = min(above_pacing.values()) - 1, max(above_pacing.values()) - 1
    others = f"{low}" if low == high else f"{low}-{high}"
    at = f" at --concurrency {concurrency}" if concurrency is not None else ""
    return (
        f"timeouts above the simulator's pacing: {len(above_pacing)} ReadTimeout(s){at}, "
        f"each overlapping {others} other request(s), none alone; the course simulator sends "
        "one at a time: run with --concurrency 1 to judge them"
    )


def summarize(outcomes: Sequence[Outcome], actions: Sequence[Action] = ()) -> ReplaySummary:
    """Count verdicts, separate root causes from consequences, tabulate latency."""
    latest = latest_per_action(outcomes)
    by_id = {o.action_id: o for o in latest}
    failed = [o for o in latest if o.verdict != "ok"]
    timeouts = [o for o in failed if o.error == READ_TIMEOUT]
    in_flight = requests_in_flight(outcomes, timeouts) if timeouts else {}
    above = {i: n for i, n in in_flight.items() if n > 1}
    consequences = consequences_of(actions, by_id) if failed else {}
    defects = [o for o in failed if o.action_id not in above and o.action_id not in consequences]
    return ReplaySummary(
        total=len(latest),
        verdicts=dict(Counter(o.verdict for o in latest)),
        errors_by_class=dict(Counter(error_class(o) for o in defects)),
        latency_ms=latency_table(latest),
        acknowledged={o.action_id for o in outcomes if acknowledged(o)},
        consequences=consequences,
        above_pacing=above,
        resent=len(outcomes) - len(latest),
        redirected=sum(1 for o in latest if o.redirects),
    )


def _exchanges(evidence: Sequence[dict[str, Any]], check: str, target: str) -> tuple[Exchange, ...]:
    return tuple(
        Exchange(
            method=str(e.get("method", "POST")),
            url=target_url(target, str(e.get("path", ""))),
            status=e.get("status"),
            response_body=e.get("body"),
            error=e.get("error"),
        )
        for e in evidence
        if e.get("check") == check
    )


def findings_from(
    summary: ReplaySummary,
    outcomes: Sequence[Outcome],
    evidence: Sequence[dict[str, Any]],
    target: str,
    *,
    profile: str = "simulator",
) -> list[Finding]:
    """One finding per failed check of the root causes, with its count, its consequences and
    the first recorded exchanges; a warning for timeouts above the simulator's pacing."""
    failed: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in latest_per_action(outcomes):
        if outcome.verdict == "ok" or outcome.action_id in summary.consequences:
            continue
        if outcome.action_id not in summary.above_pacing:
            failed[outcome.check or error_class(outcome)].append(outcome)
    follow_ups = Counter(summary.consequences.values())
    findings: list[Finding] = []
    for check, items in sorted(failed.items()):
        ids = ", ".join(str(o.action_id) for o in items[:5])
        details = [str(e.get("detail")) for e in evidence if e.get("check") == check]
        detail = f" ({details[0]})" if details and details[0] else ""
        led = sum(follow_ups[o.action_id] for o in items)
        then = f"; {led} later action(s) failed as their consequence" if led else ""
        findings.append(
            Finding(
                check=check,
                severity=Severity.ERROR,
                profile=Profile.STRICT if check.startswith("strict.") else Profile.SIMULATOR,
                message=f"{len(items)} action(s) failed {check}{detail}; first ids: {ids}{then}",
                stage="replay",
                target=target,
                where=items[0].command,
                evidence=_exchanges(evidence, check, target),
            )
        )
    if summary.above_pacing:
        led = sum(follow_ups[i] for i in summary.above_pacing)
        then = f"; {led} later action(s) failed as their consequence" if led else ""
        ids = ", ".join(str(i) for i in sorted(summary.above_pacing)[:5])
        findings.append(
            Finding(
                check=ABOVE_PACING_CHECK,
                severity=Severity.WARNING,
                profile=Profile.SIMULATOR,
                message=f"{pacing_note(summary.above_pacing, summary.concurrency)} "
                f"(first ids: {ids}){then}; "
                "not judged as target errors",
                stage="replay",
                target=target,
            )
        )
    if profile == "strict" and summary.redirected:
        findings.append(
            Finding(
                check=REDIRECTED_CHECK,
                severity=Severity.WARNING,
                profile=Profile.STRICT,
                message=f"{summary.redirected} action(s) were answered through a redirect; the "
                "simulator follows it and judges the final answer, the normative API answers "
                "directly",
                stage="replay",
                target=target,
            )
        )
    return findings
