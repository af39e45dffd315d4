"""Threshold expressions: parsing (valid and invalid) and judging raw timings."""

from __future__ import annotations

import pytest

from harness.checks.thresholds import (
    Threshold,
    evaluate,
    mix_deviations,
    parse_threshold,
    percentile,
    thresholds_to_judge,
)
from harness.errors import UsageError
from harness.results import Outcome


@pytest.mark.parametrize(
    ("text", "metric", "selector", "op", "limit", "pct"),
    [
        ("p95(tweet)<100ms", "percentile", "tweet", "<", 100.0, 95.0),
        ("p99<250ms", "percentile", None, "<", 250.0, 99.0),
        ("p99.9 <= 1s", "percentile", None, "<=", 1000.0, 99.9),
        ("p50(msgs_user)<500us", "percentile", "msgs_user", "<", 0.5, 50.0),
        ("p90(reads)<20", "percentile", "reads", "<", 20.0, 90.0),
        ("error_rate<0.1%", "error_rate", None, "<", 0.001, None),
        ("error_rate(writes)<=0.05", "error_rate", "writes", "<=", 0.05, None),
        ("rps>50", "rps", None, ">", 50.0, None),
        ("rps(latest)>=2/s", "rps", "latest", ">=", 2.0, None),
        ("avg(follow)<30ms", "avg", "follow", "<", 30.0, None),
        ("max<2s", "max", None, "<", 2000.0, None),
        ("requests>=100", "requests", None, ">=", 100.0, None),
        ("P95(TWEET)<100MS", "percentile", "tweet", "<", 100.0, 95.0),
    ],
)
def test_parse_valid(
    text: str, metric: str, selector: str | None, op: str, limit: float, pct: float | None
) -> None:
    t = parse_threshold(text)
    assert (t.metric, t.selector, t.op, t.percentile) == (metric, selector, op, pct)
    assert t.limit == pytest.approx(limit)
    assert t.text == text.strip()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("p95(tweet)", "expected e.g."),
        ("", "expected e.g."),
        ("p95(tweet)<fast", "expected e.g."),
        ("p95(nosuch)<100ms", "unknown endpoint 'nosuch'"),
        ("p0<1ms", "percentile must be in (0, 100]"),
        ("p101<1ms", "percentile must be in (0, 100]"),
        ("p95<100%", "latency unit"),
        ("error_rate<1ms", "error_rate takes"),
        ("rps>5ms", "rps takes no unit"),
        ("requests>5%", "requests takes no unit"),
        ("median<5ms", "unknown metric 'median'"),
        ("p95==5ms", "expected e.g."),
    ],
)
def test_parse_invalid_is_one_line_usage_error(text: str, says: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_threshold(text)
    message = str(info.value)
    assert f"bad threshold {text!r}" in message
    assert says in message
    assert "\n" not in message


def _outcome(command: str, latency: float, ok: bool = True, started: float = 0.0) -> Outcome:
    return Outcome(
        action_id=-1,
        command=command,
        user=None,
        status=204 if ok else 500,
        error=None,
        verdict="ok" if ok else "error",
        check=None if ok else f"simulator.{command}-status",
        latency_ms=latency,
        started=started,
        finished=started + latency / 1000,
    )


def test_percentile_is_nearest_rank_on_raw_values() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 95) == 95.0
    assert percentile(values, 99.5) == 100.0
    assert percentile([0.25, 0.75], 50) == 0.25  # sub-millisecond values are kept


def test_evaluate_per_endpoint_and_error_rate() -> None:
    outcomes = [_outcome("tweet", float(ms)) for ms in range(1, 101)]
    outcomes += [_outcome("latest", 500.0, ok=False)]
    checks = ["p95(tweet)<96ms", "p95(tweet)<95ms", "error_rate<1%", "error_rate<=1%", "rps>50"]
    results = evaluate([parse_threshold(t) for t in checks], outcomes, window_s=2.0)
    assert [r.passed for r in results] == [True, False, True, True, True]
    assert results[0].observed == 95.0
    assert results[0].samples == 100
    assert results[2].observed == pytest.approx(1 / 101)
    assert results[4].observed == pytest.approx(101 / 2.0)
    assert results[1].describe() == "FAIL  p95(tweet)<95ms  observed 95.000ms"


def test_threshold_without_samples_fails() -> None:
    results = evaluate([parse_threshold("p99(register)<1s")], [_outcome("tweet", 1.0)], 1.0)
    assert results[0].observed is None
    assert not results[0].passed
    assert "no samples" in results[0].describe()


def test_threshold_unit_reports_observed_values() -> None:
    assert Threshold("x", "error_rate", None, "<", 0.1).unit == "%"
    assert Threshold("x", "rps", None, ">", 1).unit == "/s"


def test_without_thresholds_the_default_error_rate_is_judged() -> None:
    # README, load: "Without `--threshold` the run is judged by `error_rate<1%`".
    assert thresholds_to_judge((), use_defaults=True) == (("error_rate<1%",), True)
    assert thresholds_to_judge(("p99<1s",), use_defaults=True) == (("p99<1s",), False)
    assert thresholds_to_judge((), use_defaults=False) == ((), False)


def _kinds(*commands: str) -> list[Outcome]:
    return [Outcome(-1, c, None, 200, None, "ok", None, 1.0, 0.0, 0.0) for c in commands]


def test_a_mix_that_strayed_more_than_5_points_is_named() -> None:
    configured = {"read": 0.5, "register": 0.004, "tweet": 0.22, "follow": 0.19, "unfollow": 0.09}
    kept = _kinds(*["msgs"] * 50, *["tweet"] * 22, *["follow"] * 19, *["unfollow"] * 9)
    assert mix_deviations(configured, kept) == {}
    # The overloaded run of issue 14: 43% registers.
    strayed = _kinds(*["latest"] * 32, *["register"] * 43, *["tweet"] * 25)
    deviations = mix_deviations(configured, strayed)
    assert deviations["register"] == pytest.approx((0.43, 0.004))
    assert set(deviations) == {"read", "register", "follow", "unfollow"}
