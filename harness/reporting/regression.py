"""The regression gate: what got slower beyond a tolerance, or newly fails, vs a baseline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from harness.reporting.aggregate import endpoint, latency_table, outcomes_frame
from harness.reporting.bundle import FAILED, PASSED, Bundle

#: Endpoints with fewer samples than this are too noisy to judge at all ...
MIN_SAMPLES = 20
#: ... and the p95 is judged only with this many: with fewer, it is one or two outliers.
TAIL_SAMPLES = 100


@dataclass(frozen=True)
class Regression:
    """One way a candidate is worse than the baseline."""

    candidate: str  # label of the candidate target
    kind: str  # "slower", "newly-failing-stage", "new-finding", "new-errors"
    subject: str  # endpoint, stage or check name
    baseline: str
    observed: str
    detail: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def _slower(
    baseline: Bundle, candidate: Bundle, tolerance: float, floor_ms: float
) -> list[Regression]:
    base = latency_table(outcomes_frame([baseline]))
    cand = latency_table(outcomes_frame([candidate]))
    out: list[Regression] = []
    base_idx = {(r["stage"], r["command"]): r for r in base.to_dict("records")}
    for row in cand.to_dict("records"):
        ref = base_idx.get((row["stage"], row["command"]))
        if ref is None or int(ref["count"]) < MIN_SAMPLES or int(row["count"]) < MIN_SAMPLES:
            continue
        tail = min(int(ref["count"]), int(row["count"])) >= TAIL_SAMPLES
        for pct in ("p50", "p95") if tail else ("p50",):
            old, new = float(ref[pct]), float(row[pct])
            if new > old * (1.0 + tolerance) and new - old > floor_ms:
                out.append(
                    Regression(
                        candidate=candidate.label,
                        kind="slower",
                        subject=f"{row['stage']}: {endpoint(str(row['command']))} {pct}",
                        baseline=f"{old:.1f} ms",
                        observed=f"{new:.1f} ms",
                        detail=(
                            f"{(new / old - 1.0) * 100 if old > 0 else float('inf'):.0f}% "
                            f"slower (tolerance {tolerance * 100:.0f}%, floor {floor_ms:g} ms)"
                        ),
                    )
                )
    return out


def _newly_failing(baseline: Bundle, candidate: Bundle) -> list[Regression]:
    out: list[Regression] = []
    for stage in candidate.summary.stages:
        ref = baseline.summary.stage(stage.name)
        if stage.status == FAILED and (ref is None or ref.status == PASSED):
            out.append(
                Regression(
                    candidate=candidate.label,
                    kind="newly-failing-stage",
                    subject=stage.name,
                    baseline=ref.status if ref else "absent",
                    observed=stage.status,
                    detail=stage.detail,
                )
            )
    known = {(f.stage, f.check) for f in baseline.findings}
    seen: set[tuple[str, str]] = set()
    for f in candidate.findings:
        key = (f.stage, f.check)
        if key in known or key in seen or str(f.severity) != "error":
            continue
        seen.add(key)
        out.append(
            Regression(
                candidate=candidate.label,
                kind="new-finding",
                subject=f"{f.stage}: {f.check}",
                baseline="absent",
                observed=str(f.severity),
                detail=f.message,
            )
        )
    base_err = outcomes_frame([baseline])
    cand_err = outcomes_frame([candidate])
    base_counts = base_err[base_err["verdict"] != "ok"].groupby("stage").size().to_dict()
    for stage_name, count in (
        cand_err[cand_err["verdict"] != "ok"].groupby("stage").size().to_dict().items()
    ):
        old = int(base_counts.get(stage_name, 0))
        if old == 0 and int(count) > 0:
            out.append(
                Regression(
                    candidate=candidate.label,
                    kind="new-errors",
                    subject=str(stage_name),
                    baseline="0 errors",
                    observed=f"{int(count)} errors",
                    detail="requests that failed the simulator's checks",
                )
            )
    return out


def compare(
    baseline: Bundle,
    candidates: Sequence[Bundle],
    *,
    tolerance: float,
    floor_ms: float,
) -> list[Regression]:
    """Every regression of every candidate against ``baseline``."""
    out: list[Regression] = []
    for candidate in candidates:
        out.extend(_newly_failing(baseline, candidate))
        out.extend(_slower(baseline, candidate, tolerance, floor_ms))
    return out
