"""Load-test thresholds: parse expressions like ``p95(tweet)<100ms`` and judge raw timings.

Pure: no clock, no IO. An expression is ``METRIC[(SELECTOR)] OP VALUE[UNIT]``:

- METRIC: ``pNN`` / ``pNN.N`` (percentile, nearest rank), ``avg``, ``min``, ``max``
  (latencies, units ``us``/``ms``/``s``, default ``ms``); ``error_rate`` (``%`` or a
  fraction); ``rps`` (requests per second over the run window, unit ``/s`` optional);
  ``requests`` (a count).
- SELECTOR: a command (``register``, ``tweet``, ``follow``, ``unfollow``, ``msgs``,
  ``msgs_user``, ``fllws``, ``latest``) or a group (``writes``, ``reads``); none = all.
- OP: ``<``, ``<=``, ``>``, ``>=``.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from harness.errors import UsageError
from harness.results import Outcome

WRITE_COMMANDS: tuple[str, ...] = ("register", "tweet", "follow", "unfollow")
READ_COMMANDS: tuple[str, ...] = ("msgs", "msgs_user", "fllws", "latest")
GROUPS: dict[str, tuple[str, ...]] = {"writes": WRITE_COMMANDS, "reads": READ_COMMANDS}
SELECTORS: tuple[str, ...] = (*WRITE_COMMANDS, *READ_COMMANDS, *GROUPS)

_OPS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}
_LATENCY_UNITS: dict[str, float] = {"": 1.0, "ms": 1.0, "s": 1000.0, "us": 0.001}
_EXPR = re.compile(
    r"^\s*(?P<metric>[a-z_]+|p\d+(?:\.\d+)?)\s*(?:\(\s*(?P<sel>[a-z_]+)\s*\))?\s*"
    r"(?P<op><=|>=|<|>)\s*(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>[a-z%/]*)\s*$"
)


@dataclass(frozen=True)
class Threshold:
    """One parsed expression; ``limit`` is in ms for latencies, a fraction for error_rate."""

    text: str
    metric: str  # "percentile", "avg", "min", "max", "error_rate", "rps", "requests"
    selector: str | None
    op: str
    limit: float
    percentile: float | None = None

    @property
    def unit(self) -> str:
        """The unit observed values are reported in."""
        if self.metric == "error_rate":
            return "%"
        if self.metric == "rps":
            return "/s"
        if self.metric == "requests":
            return ""
        return "ms"


@dataclass(frozen=True)
class ThresholdResult:
    """A threshold judged against a run: the observed value (None: no samples) and verdict."""

    threshold: Threshold
    observed: float | None
    passed: bool
    samples: int

    @property
    def expression(self) -> str:
        """The expression as the user wrote it."""
        return self.threshold.text

    def describe(self) -> str:
        """One line: expression, observed value, PASS/FAIL."""
        verdict = "PASS" if self.passed else "FAIL"
        if self.observed is None:
            return f"{verdict}  {self.expression}  (no samples)"
        shown = self.observed * 100 if self.threshold.metric == "error_rate" else self.observed
        return f"{verdict}  {self.expression}  observed {shown:.3f}{self.threshold.unit}"


def parse_threshold(text: str) -> Threshold:
    """Parse one expression; a bad one is a one-line UsageError naming it."""
    match = _EXPR.match(text.lower())
    if match is None:
        raise UsageError(f"bad threshold {text!r}: expected e.g. 'p95(tweet)<100ms'")
    metric, sel, op, unit = (match.group(k) for k in ("metric", "sel", "op", "unit"))
    value = float(match.group("value"))
    if sel is not None and sel not in SELECTORS:
        raise UsageError(f"bad threshold {text!r}: unknown endpoint {sel!r} (one of {SELECTORS})")
    percentile: float | None = None
    if metric.startswith("p") and metric[1:2].isdigit():
        percentile = float(metric[1:])
        if not 0 < percentile <= 100:
            raise UsageError(f"bad threshold {text!r}: percentile must be in (0, 100]")
        metric = "percentile"
    if metric in ("percentile", "avg", "min", "max"):
        if unit not in _LATENCY_UNITS:
            raise UsageError(f"bad threshold {text!r}: latency unit must be us, ms or s")
        limit = value * _LATENCY_UNITS[unit]
    elif metric == "error_rate":
        if unit not in ("", "%"):
            raise UsageError(f"bad threshold {text!r}: error_rate takes % or a fraction")
        limit = value / 100 if unit == "%" else value
    elif metric == "rps":
        if unit not in ("", "/s"):
            raise UsageError(f"bad threshold {text!r}: rps takes no unit (or /s)")
        limit = value
    elif metric == "requests":
        if unit:
            raise UsageError(f"bad threshold {text!r}: requests takes no unit")
        limit = value
    else:
        raise UsageError(f"bad threshold {text!r}: unknown metric {metric!r}")
    return Threshold(text.strip(), metric, sel, op, limit, percentile)


def parse_thresholds(texts: Sequence[str]) -> list[Threshold]:
    """Parse every expression (the first bad one raises)."""
    return [parse_threshold(t) for t in texts]


def select(outcomes: Sequence[Outcome], selector: str | None) -> list[Outcome]:
    """The outcomes an endpoint selector covers."""
    if selector is None:
        return list(outcomes)
    commands = GROUPS.get(selector, (selector,))
    return [o for o in outcomes if o.command in commands]


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of ascending values: the smallest value >= p% of them."""
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def observe(threshold: Threshold, outcomes: Sequence[Outcome], window_s: float) -> float | None:
    """The metric's value over the selected outcomes; None when there are no samples."""
    chosen = select(outcomes, threshold.selector)
    if threshold.metric == "requests":
        return float(len(chosen))
    if threshold.metric == "rps":
        return len(chosen) / window_s if window_s > 0 else None
    if not chosen:
        return None
    if threshold.metric == "error_rate":
        return sum(1 for o in chosen if o.verdict != "ok") / len(chosen)
    latencies = sorted(o.latency_ms for o in chosen)
    if threshold.metric == "percentile":
        assert threshold.percentile is not None
        return percentile(latencies, threshold.percentile)
    if threshold.metric == "avg":
        return sum(latencies) / len(latencies)
    return latencies[0] if threshold.metric == "min" else latencies[-1]


def evaluate(
    thresholds: Sequence[Threshold], outcomes: Sequence[Outcome], window_s: float
) -> list[ThresholdResult]:
    """Judge every threshold; one without samples fails (nothing proves it holds)."""
    results = []
    for t in thresholds:
        value = observe(t, outcomes, window_s)
        passed = value is not None and _OPS[t.op](value, t.limit)
        results.append(ThresholdResult(t, value, passed, len(select(outcomes, t.selector))))
    return results


#: Judged when a load run names no threshold (``--no-default-thresholds`` turns it off):
#: a run that mostly failed must never print "passed".
DEFAULT_THRESHOLDS: tuple[str, ...] = ("error_rate<1%",)
#: How far (as a share of all requests) a run's mix may stray from its configured mix.
MIX_TOLERANCE = 0.05


def thresholds_to_judge(given: Sequence[str], use_defaults: bool) -> tuple[tuple[str, ...], bool]:
    """The expressions a run judges, and whether they are the defaults."""
    if given or not use_defaults:
        return tuple(given), False
    return DEFAULT_THRESHOLDS, True


def observed_mix(outcomes: Sequence[Outcome]) -> dict[str, float]:
    """Shares of all requests by kind: ``read`` (every read endpoint) and each write command."""
    counts = dict.fromkeys(("read", *WRITE_COMMANDS), 0)
    for o in outcomes:
        kind = "read" if o.command in READ_COMMANDS else o.command
        counts[kind] = counts.get(kind, 0) + 1
    total = sum(counts.values()) or 1
    return {k: n / total for k, n in counts.items()}


def mix_deviations(
    configured: dict[str, float], outcomes: Sequence[Outcome], tolerance: float = MIX_TOLERANCE
) -> dict[str, tuple[float, float]]:
    """Kinds whose observed share strays more than ``tolerance``: (observed, configured)."""
    observed = observed_mix(outcomes)
    out = {}
    for kind in sorted(set(configured) | set(observed)):
        want, got = configured.get(kind, 0.0), observed.get(kind, 0.0)
        if abs(got - want) > tolerance:
            out[kind] = (got, want)
    return out
