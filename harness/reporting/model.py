"""What a report shows, computed once from bundles and shared by every renderer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from harness.reporting import aggregate
from harness.reporting.bundle import Bundle
from harness.reporting.regression import Regression, compare


@dataclass(frozen=True)
class Comparison:
    """A side-by-side table: ``keys`` name each row, ``cells[label]`` holds one per target."""

    key_names: tuple[str, ...]
    value_names: tuple[str, ...]
    rows: list[tuple[tuple[Any, ...], dict[str, tuple[Any, ...] | None]]] = field(
        default_factory=list
    )


@dataclass(frozen=True)
class ReportData:
    """Everything the renderers need, for any number of targets and an optional baseline."""

    targets: tuple[Bundle, ...]
    baseline: Bundle | None
    tolerance: float
    floor_ms: float
    regressions: tuple[Regression, ...]
    frame: pd.DataFrame
    errors: Comparison
    latency: Comparison
    throughput: Comparison
    findings: Comparison
    verify: pd.DataFrame

    @property
    def labels(self) -> list[str]:
        """Target labels in column order (the baseline first when there is one)."""
        return [b.label for b in self.all_bundles]

    @property
    def all_bundles(self) -> tuple[Bundle, ...]:
        """The baseline (if any) followed by the targets."""
        return ((self.baseline,) if self.baseline else ()) + self.targets

    @property
    def gate_passed(self) -> bool:
        """The regression gate: no candidate regressed against the baseline."""
        return not self.regressions

    @property
    def stage_names(self) -> list[str]:
        """Every stage any bundle ran, in first-seen order."""
        names: list[str] = []
        for b in self.all_bundles:
            names += [s.name for s in b.summary.stages if s.name not in names]
        return names


def severity_counts(bundle: Bundle) -> dict[str, int]:
    """Findings of one target by severity (error, warning, quirk)."""
    counts = Counter(str(f.severity) for f in bundle.findings)
    return {k: counts.get(k, 0) for k in ("error", "warning", "quirk")}


def _compare(
    table: pd.DataFrame, keys: Sequence[str], values: Sequence[str], labels: Sequence[str]
) -> Comparison:
    """Pivot a long table (one row per target and key) into side-by-side rows."""
    out = Comparison(tuple(keys), tuple(values))
    if table.empty:
        return out
    for key, group in table.groupby(list(keys), sort=True):
        key_t = key if isinstance(key, tuple) else (key,)
        cells: dict[str, tuple[Any, ...] | None] = {}
        for label in labels:
            match = group[group["label"] == label]
            cells[label] = None if match.empty else tuple(match.iloc[0][v] for v in values)
        out.rows.append((key_t, cells))
    return out


def build_report(
    targets: Sequence[Bundle],
    baseline: Bundle | None = None,
    *,
    tolerance: float = 0.25,
    floor_ms: float = 10.0,
) -> ReportData:
    """Aggregate the bundles and compare each target with the baseline."""
    everything = ([baseline] if baseline else []) + list(targets)
    labels = [b.label for b in everything]
    frame = aggregate.outcomes_frame(everything)
    regressions = (
        compare(baseline, targets, tolerance=tolerance, floor_ms=floor_ms) if baseline else []
    )
    findings = aggregate.findings_table(everything)
    verify = findings[findings["stage"] == "verify"] if not findings.empty else findings
    return ReportData(
        targets=tuple(targets),
        baseline=baseline,
        tolerance=tolerance,
        floor_ms=floor_ms,
        regressions=tuple(regressions),
        frame=frame,
        errors=_compare(
            aggregate.errors_table(frame), ["stage", "endpoint", "class"], ["count"], labels
        ),
        latency=_compare(
            aggregate.latency_table(frame),
            ["stage", "endpoint"],
            ["count", "errors", "p50", "p95", "p99", "max"],
            labels,
        ),
        throughput=_compare(
            aggregate.throughput_table(frame),
            ["stage"],
            ["requests", "errors", "seconds", "per_second"],
            labels,
        ),
        findings=_compare(
            findings[findings["stage"] != "verify"] if not findings.empty else findings,
            ["stage", "check", "severity", "profile"],
            ["count", "where", "message"],
            labels,
        ),
        verify=verify,
    )
