"""Tables the reports show, computed with pandas from bundles (pure: no IO, no clock)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from harness.reporting.bundle import Bundle
from harness.scenario.api import label_of

OUTCOME_COLUMNS = [
    "label",
    "stage",
    "action_id",
    "command",
    "user",
    "status",
    "error",
    "verdict",
    "check",
    "latency_ms",
    "started",
    "finished",
    "worker",
]


def endpoint(command: str) -> str:
    """The endpoint a command hits (the command itself when unknown)."""
    return label_of(command)


def outcomes_frame(bundles: Sequence[Bundle]) -> pd.DataFrame:
    """Every outcome of every bundle, one row each, with its target label and stage.

    Built column by column: ``dataclasses.asdict`` per outcome (a recursive deep copy) took
    most of a report's time on a simulation's millions of outcomes.
    """
    columns: dict[str, list[object]] = {c: [] for c in OUTCOME_COLUMNS}
    fields = OUTCOME_COLUMNS[2:]  # after label and stage: Outcome's own fields
    for b in bundles:
        for stage, outcomes in b.outcomes.items():
            columns["label"] += [b.label] * len(outcomes)
            columns["stage"] += [stage] * len(outcomes)
            for name in fields:
                columns[name] += [getattr(o, name) for o in outcomes]
    if not columns["label"]:  # the dtypes of an empty frame as before: object
        return pd.DataFrame([], columns=OUTCOME_COLUMNS)
    return pd.DataFrame(columns, columns=OUTCOME_COLUMNS)


def error_class(status: object, error: object) -> str:
    """How the simulator would name an error: its exception class or ``HTTP <status>``."""
    if isinstance(error, str) and error:
        return error
    if status is None or pd.isna(status):  # type: ignore[call-overload]
        return "no response"
    return f"HTTP {int(status)}"  # type: ignore[call-overload]


def errors_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Errors by target, stage, command and class (the simulator's view of failures)."""
    cols = ["label", "stage", "command", "endpoint", "class", "count"]
    errors = frame[frame["verdict"] != "ok"]
    if errors.empty:
        return pd.DataFrame(columns=cols)
    errors = errors.assign(
        endpoint=errors["command"].map(endpoint),
        **{
            "class": [
                error_class(s, e) for s, e in zip(errors["status"], errors["error"], strict=True)
            ]
        },
    )
    table = (
        errors.groupby(["label", "stage", "command", "endpoint", "class"], sort=True)
        .size()
        .reset_index(name="count")
    )
    return table[cols]


def latency_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Latency percentiles (ms) per target, stage and endpoint, with counts and errors."""
    cols = ["label", "stage", "command", "endpoint", "count", "errors"]
    cols += ["p50", "p95", "p99", "max"]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    grouped = frame.groupby(["label", "stage", "command"], sort=True)
    lat = grouped["latency_ms"]
    table = pd.DataFrame(
        {
            "count": grouped.size(),
            "errors": grouped["verdict"].apply(lambda v: int((v != "ok").sum())),
            "p50": lat.quantile(0.50),
            "p95": lat.quantile(0.95),
            "p99": lat.quantile(0.99),
            "max": lat.max(),
        }
    ).reset_index()
    table["endpoint"] = table["command"].map(endpoint)
    return table[cols]


def throughput_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Requests, wall time and requests per second per target and stage."""
    cols = ["label", "stage", "requests", "errors", "seconds", "per_second"]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    grouped = frame.groupby(["label", "stage"], sort=True)
    table = pd.DataFrame(
        {
            "requests": grouped.size(),
            "errors": grouped["verdict"].apply(lambda v: int((v != "ok").sum())),
            "seconds": grouped["finished"].max() - grouped["started"].min(),
        }
    ).reset_index()
    seconds = table["seconds"].where(table["seconds"] > 0)
    table["per_second"] = (table["requests"] / seconds).fillna(0.0)
    return table[cols]


def findings_table(bundles: Sequence[Bundle]) -> pd.DataFrame:
    """Findings per target grouped by stage, check, severity and profile, with an example."""
    cols = ["label", "stage", "check", "severity", "profile", "where", "count", "message"]
    rows = [
        {
            "label": b.label,
            "stage": f.stage,
            "check": f.check,
            "severity": str(f.severity),
            "profile": str(f.profile),
            "where": f.where or "",
            "message": f.message,
        }
        for b in bundles
        for f in b.findings
    ]
    if not rows:
        return pd.DataFrame(columns=cols)
    frame = pd.DataFrame(rows)
    table = (
        frame.groupby(["label", "stage", "check", "severity", "profile"], sort=True)
        .agg(count=("message", "size"), message=("message", "first"), where=("where", "first"))
        .reset_index()
    )
    return table[cols]


def latest_progress(frame: pd.DataFrame, stage: str = "replay") -> pd.DataFrame:
    """Highest acknowledged action id over time per target: what ``/latest`` would show."""
    cols = ["label", "seconds", "latest"]
    acked = frame[(frame["stage"] == stage) & (frame["verdict"] == "ok")]
    acked = acked[acked["action_id"] >= 0]
    if acked.empty:
        return pd.DataFrame(columns=cols)
    parts = []
    for label, group in acked.groupby("label", sort=True):
        start = frame[(frame["label"] == label) & (frame["stage"] == stage)]["started"].min()
        g = group.sort_values("finished")
        parts.append(
            pd.DataFrame(
                {
                    "label": label,
                    "seconds": g["finished"] - start,
                    "latest": g["action_id"].cummax(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)[cols]


def errors_along_scenario(frame: pd.DataFrame, stage: str = "replay") -> pd.DataFrame:
    """Cumulative error count by action id per target (where in the scenario errors hit)."""
    cols = ["label", "action_id", "errors"]
    rows = frame[(frame["stage"] == stage) & (frame["action_id"] >= 0)]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    parts = []
    for label, group in rows.groupby("label", sort=True):
        g = group.sort_values("action_id")
        parts.append(
            pd.DataFrame(
                {
                    "label": label,
                    "action_id": g["action_id"],
                    "errors": (g["verdict"] != "ok").cumsum(),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)[cols]
