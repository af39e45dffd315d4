"""Per-endpoint statistics of a load run from raw timings (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from harness.checks.thresholds import percentile
from harness.results import Outcome


@dataclass(frozen=True)
class EndpointStats:
    """Counts, throughput and latency percentiles (ms, nearest rank) of one command."""

    command: str
    requests: int
    errors: int
    rps: float
    p50: float
    p95: float
    p99: float
    max: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def window_seconds(outcomes: Sequence[Outcome]) -> float:
    """From the first request's start to the last one's end."""
    if not outcomes:
        return 0.0
    return max(o.finished for o in outcomes) - min(o.started for o in outcomes)


def _stats(command: str, chosen: Sequence[Outcome], window: float) -> EndpointStats:
    latencies = sorted(o.latency_ms for o in chosen)
    return EndpointStats(
        command=command,
        requests=len(chosen),
        errors=sum(1 for o in chosen if o.verdict != "ok"),
        rps=len(chosen) / window if window > 0 else 0.0,
        p50=percentile(latencies, 50),
        p95=percentile(latencies, 95),
        p99=percentile(latencies, 99),
        max=latencies[-1],
    )


def endpoint_stats(outcomes: Sequence[Outcome]) -> list[EndpointStats]:
    """One row per command seen (sorted by name), then ``all``."""
    if not outcomes:
        return []
    window = window_seconds(outcomes)
    by_command: dict[str, list[Outcome]] = {}
    for o in outcomes:
        by_command.setdefault(o.command, []).append(o)
    rows = [_stats(c, by_command[c], window) for c in sorted(by_command)]
    return [*rows, _stats("all", outcomes, window)]


def errors_by_check(outcomes: Sequence[Outcome]) -> dict[str, int]:
    """How often each check failed (``simulator.tweet-status``, ``simulator.ReadTimeout``...)."""
    return dict(Counter(o.check or "error" for o in outcomes if o.verdict != "ok"))


def requests_by_worker(outcomes: Sequence[Outcome]) -> dict[str, int]:
    """How many requests each Locust process sent (from the records' ``worker`` field)."""
    return dict(Counter(o.worker or "unknown" for o in outcomes))


def format_table(rows: Sequence[EndpointStats]) -> str:
    """A fixed-width text table for the console."""
    head = f"{'endpoint':<10} {'requests':>9} {'errors':>7} {'rps':>8} "
    head += f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    lines = [head]
    for r in rows:
        lines.append(
            f"{r.command:<10} {r.requests:>9} {r.errors:>7} {r.rps:>8.1f} "
            f"{r.p50:>8.2f} {r.p95:>8.2f} {r.p99:>8.2f} {r.max:>8.2f}"
        )
    return "\n".join(lines)
