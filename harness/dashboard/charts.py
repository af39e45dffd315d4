"""Small inline SVG charts of error rates (no script, no external asset)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from markupsafe import Markup, escape

OK_COLOUR = "#9bb7d4"
ERROR_COLOUR = "#c0392b"


def _label(start: int, step: int) -> str:
    when = dt.datetime.fromtimestamp(start, dt.UTC)
    text = when.strftime("%H:%M" if step < 3600 else "%Y-%m-%d %H:00")
    return f"{text} UTC"


def rate_bars(
    buckets: Sequence[tuple[int, int, int]],
    *,
    step: int,
    width: int = 180,
    height: int = 28,
    title: str = "error rate",
) -> Markup:
    """One bar per bucket ``(start, requests, errors)``: a thin blue line where requests went
    through without error, a red bar as tall as the bucket's error rate; nothing where no
    request finished. Each bar's tooltip gives the numbers."""
    n = max(len(buckets), 1)
    bar = width / n
    parts = [
        # As wide as the room it has (a phone), up to ``width``; bars stretch with it.
        f'<svg class="chart" viewBox="0 0 {width} {height}" preserveAspectRatio="none"'
        f' style="width:100%;max-width:{width}px;min-width:{min(width, 120)}px;'
        f'height:{height}px" role="img" aria-label="{escape(title)}"'
        ' xmlns="http://www.w3.org/2000/svg">',
        f'<line x1="0" y1="{height - 0.5}" x2="{width}" y2="{height - 0.5}" stroke="#ddd"/>',
    ]
    for i, (start, requests, errors) in enumerate(buckets):
        if not requests:
            continue
        x = i * bar
        tip = f"{_label(start, step)}: {errors} errors of {requests} requests"
        if errors:
            h = max(2.0, (height - 2) * errors / requests)
            colour = ERROR_COLOUR
        else:
            h = 2.0
            colour = OK_COLOUR
        parts.append(
            f'<rect x="{x:.1f}" y="{height - h:.1f}" width="{max(bar - 0.5, 0.5):.1f}"'
            f' height="{h:.1f}" fill="{colour}"><title>{escape(tip)}</title></rect>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def hourly(hours: Sequence[tuple[int, str, int, int]]) -> list[tuple[int, int, int]]:
    """Per-hour-and-command rows summed per hour, every hour from the first to the last."""
    totals: dict[int, list[int]] = {}
    for hour, _, requests, errors in hours:
        cell = totals.setdefault(hour, [0, 0])
        cell[0] += requests
        cell[1] += errors
    if not totals:
        return []
    first, last = min(totals), max(totals)
    out: list[tuple[int, int, int]] = []
    for h in range(first, last + 3600, 3600):
        requests, errors = totals.get(h) or [0, 0]
        out.append((h, requests, errors))
    return out
