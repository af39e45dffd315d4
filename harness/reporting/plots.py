"""Plots of the HTML report as inline SVG (matplotlib's Agg/SVG, imported only when drawing)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import pandas as pd

from harness.reporting.aggregate import endpoint

#: Colour-blind-safe palette (Okabe-Ito), one colour per target in label order.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")


def _figure(width: float, height: float) -> Any:
    """A matplotlib Figure without pyplot's global state (safe in any thread)."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _svg(fig: Any) -> str:
    """The figure as an SVG element ready to inline (no XML prolog, no fixed pixel size)."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        fig.savefig(buf, format="svg")
    text = buf.getvalue()
    return text[text.index("<svg") :]


def colours(labels: Sequence[str]) -> dict[str, str]:
    """A stable colour per target label."""
    return {label: PALETTE[i % len(PALETTE)] for i, label in enumerate(labels)}


def latency_distribution(frame: pd.DataFrame, labels: Sequence[str]) -> str | None:
    """Box plot of latency per endpoint, one box per target; None without data."""
    if frame.empty:
        return None
    commands = sorted(frame["command"].unique(), key=lambda c: endpoint(str(c)))
    colour = colours(labels)
    fig = _figure(9.0, 0.5 + 0.45 * len(commands) * max(1, len(labels)))
    ax = fig.add_subplot()
    data, names, fills = [], [], []
    for command in commands:
        for label in labels:
            values = frame[(frame["command"] == command) & (frame["label"] == label)]
            if values.empty:
                continue
            data.append(values["latency_ms"].clip(lower=0.01).to_numpy())
            names.append(f"{endpoint(str(command))} · {label}")
            fills.append(colour[label])
    boxes = ax.boxplot(
        data, orientation="horizontal", patch_artist=True, showfliers=True, widths=0.6
    )
    for patch, fill in zip(boxes["boxes"], fills, strict=True):
        patch.set_facecolor(fill)
        patch.set_alpha(0.6)
    ax.set_yticks(range(1, len(names) + 1), names)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("latency (ms, log scale); box = p25–p75, line = median, whiskers = 1.5 IQR")
    ax.axvline(300, color="#999999", linestyle="--", linewidth=1)
    ax.text(300, 0.4, " simulator timeout 300 ms", color="#666666", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    return _svg(fig)


def _lines(
    table: pd.DataFrame,
    labels: Sequence[str],
    x: str,
    y: str,
    xlabel: str,
    ylabel: str,
    drawstyle: str = "steps-post",
) -> str | None:
    if table.empty:
        return None
    colour = colours(labels)
    fig = _figure(9.0, 3.2)
    ax = fig.add_subplot()
    for label in labels:
        part = table[table["label"] == label]
        if part.empty:
            continue
        ax.plot(part[x], part[y], label=label, color=colour[label], drawstyle=drawstyle)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(title="target", loc="upper left")
    return _svg(fig)


def errors_along(table: pd.DataFrame, labels: Sequence[str]) -> str | None:
    """Cumulative errors by scenario action id, one line per target."""
    return _lines(table, labels, "action_id", "errors", "scenario action id", "errors so far")


def latest_over_time(table: pd.DataFrame, labels: Sequence[str]) -> str | None:
    """Highest acknowledged action id over time (the course dashboard's /latest curve)."""
    return _lines(
        table,
        labels,
        "seconds",
        "latest",
        "seconds since the replay started",
        "highest acknowledged action (/latest)",
    )
