"""The drill's JSON results (versioned) and its summary lines."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.checks.drill import (
    DrillVerdict,
    LatestReading,
    StaleLatest,
    clock,
    lost_summary,
)
from harness.checks.drill_timeline import Outage, Timeline, failure_class, refused
from harness.constants import DRILL_FORMAT, FORMAT_VERSION
from harness.execution.drill.operation import OperationRecord
from harness.execution.drill.proof import Proof
from harness.execution.drill.settings import DrillSettings
from harness.results import Outcome


@dataclass
class DrillRun:
    """What the traffic and the operation left behind, for the document."""

    settings: DrillSettings
    tag: str
    timeline: Timeline
    outcomes: list[Outcome]
    readings: list[LatestReading]
    operation: OperationRecord
    operation_log: Path
    traffic_results: Path
    traffic_events: dict[str, float]
    consequences: set[int]


def _last_line(path: Path) -> str:
    try:
        lines = [ln for ln in path.read_text(errors="replace").splitlines() if ln.strip()]
    except OSError:
        return "(no log)"
    return lines[-1] if lines else "(no output)"


def _first(readings: Sequence[LatestReading], why: str) -> int | None:
    return next((r.value for r in readings if r.why == why), None)


def _totals(run: DrillRun) -> dict[str, Any]:
    writes = [o for o in run.outcomes if o.action_id >= 0]
    start = run.operation.start
    end = run.operation.end if run.operation.end is not None else float("inf")
    during = [o for o in writes if start <= o.started <= end]
    later = run.consequences

    def kind(o: Outcome) -> str | None:
        return failure_class(o, o.action_id in later)

    def refusal(o: Outcome) -> bool:
        return refused(o) and o.action_id not in later

    return {
        "sent": len(writes),
        "acknowledged": sum(1 for o in writes if o.verdict == "ok"),
        "failed": dict(Counter(c for o in writes if (c := kind(o)) is not None)),
        "refused": sum(1 for o in writes if refusal(o)),
        "consequences": len(later),
        "sent_during_operation": len(during),
        "acknowledged_during_operation": sum(1 for o in during if o.verdict == "ok"),
        "refused_during_operation": sum(1 for o in during if refusal(o)),
    }


def _summary(
    run: DrillRun,
    totals: dict[str, Any],
    proof: Proof,
    verdict: DrillVerdict,
    windows: Sequence[Outage],
) -> list[str]:
    op = run.operation
    t0 = run.timeline.start
    ended = "did not end" if op.end is None else f"+{op.end - t0:.1f}s ({clock(op.end)})"
    code = "" if op.exit_code is None else f", exit {op.exit_code}"
    failed = ", ".join(f"{k} {v}" for k, v in sorted(totals["failed"].items())) or "none"
    longest = max(windows, key=lambda w: w.seconds, default=None)
    what = op.description if len(op.description) <= 60 else op.description[:59] + "…"
    lines = [
        f"drill: operation {what!r} from +{op.start - t0:.1f}s ({clock(op.start)}) "
        f"to {ended}{code}",
        f"drill: {totals['sent']} writes sent, {totals['acknowledged']} acknowledged, "
        f"failed: {failed}; {totals['refused']} refused (answered, not stored; "
        f"{totals['refused_during_operation']} during the operation); "
        f"{totals['consequences']} refused as consequences of earlier failures",
    ]
    if longest is None:
        lines.append("drill: no outage (no write failed)")
    else:
        lines.append(
            f"drill: {len(windows)} outage window(s); longest {longest.seconds:.1f}s from "
            f"{clock(longest.start)} to {clock(longest.end)} ({longest.failures} failed writes)"
        )
    lines.append(
        f"drill: latest before the operation {_first(run.readings, 'before')}, after "
        f"{_first(run.readings, 'after')}, at the end {_first(run.readings, 'final')}"
    )
    if proof.unreadable is not None:
        lines.append(f"drill: nothing read back: the target did not answer ({proof.unreadable})")
    else:
        lines.append(f"drill: {lost_summary(proof.lost)} ({proof.users} users read back)")
    for write in proof.lost[:10]:
        lines.append(
            f"  lost #{write.action_id} {write.command} acknowledged at "
            f"{clock(write.acknowledged)}: {write.detail}"
        )
    if len(proof.lost) > 10:
        lines.append(f"  ... and {len(proof.lost) - 10} more (see the results file)")
    if "exhausted" in run.traffic_events:
        at = run.traffic_events["exhausted"] - t0
        lines.append(f"drill: warning: the scenario ran out at +{at:.0f}s; no traffic after that")
    if op.exit_code not in (None, 0):
        lines.append(f"drill: the operation's last output line: {_last_line(run.operation_log)}")
    lines += [f"drill: FAILED: {reason}" for reason in verdict.reasons]
    return lines


def drill_document(
    run: DrillRun,
    proof: Proof,
    verdict: DrillVerdict,
    stale: Sequence[StaleLatest],
    windows: Sequence[Outage],
) -> dict[str, Any]:
    """The versioned JSON results of one drill."""
    s = run.settings
    op = run.operation
    t0 = run.timeline.start
    totals = _totals(run)
    return {
        "format": DRILL_FORMAT,
        "version": FORMAT_VERSION,
        "target": s.target,
        "namespace": run.tag,
        "settings": {
            "rate": s.rate,
            "warm_up_s": s.warm_up,
            "cool_down_s": s.cool_down,
            "max_outage_s": s.max_outage,
            "scenario": s.scenario,
            "timeout_s": s.timeout,
            "concurrency": s.concurrency,
        },
        "started": t0,
        "operation": {
            "description": op.description,
            "start": op.start,
            "end": op.end,
            "start_s": round(op.start - t0, 3),
            "end_s": None if op.end is None else round(op.end - t0, 3),
            "exit_code": op.exit_code,
            "timed_out": op.timed_out,
            "log": str(run.operation_log),
        },
        "totals": totals,
        "timeline": [row.to_record() for row in run.timeline.rows()],
        "outages": [w.to_record() for w in windows],
        "longest_outage_s": round(max((w.seconds for w in windows), default=0.0), 3),
        "latest": {
            "readings": [r.to_record() for r in run.readings],
            "before": _first(run.readings, "before"),
            "after": _first(run.readings, "after"),
            "final": _first(run.readings, "final"),
            "stale": [p.to_record() for p in stale],
        },
        "lost": [w.to_record() for w in proof.lost],
        "lost_summary": lost_summary(proof.lost)
        if proof.unreadable is None
        else "nothing read back: the target did not answer",
        "unreadable": proof.unreadable,
        "findings": [f.to_dict() for f in proof.findings],
        "verdict": {
            "ok": verdict.ok,
            "reasons": verdict.reasons,
            "checks": [check for check, _ in verdict.failures],
        },
        "traffic_results": str(run.traffic_results),
        "summary": _summary(run, totals, proof, verdict, windows),
    }
