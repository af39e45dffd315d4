"""The recovery benchmark's summary of its probes (pure)."""

from __future__ import annotations

from bench.bench_recovery import _summary


def test_a_server_that_settles_within_two_seconds() -> None:
    # (start offset s, latency ms, answered 200): slow at first, then quick from 0.5 s on.
    samples = [(0.0, 400.0, True), (0.4, 60.0, True)]
    samples += [(0.5 + i / 100, 1.0, True) for i in range(400)]
    summary = _summary(samples)
    assert summary["recovered_after_s"] == 0.46  # the end of the last probe over 50 ms
    assert summary["settled_probes"] == 250  # started at 2 s or later
    assert summary["settled_p99_ms"] == 1.0
    assert summary["failed_probes"] == 0


def test_a_failed_probe_is_never_normal() -> None:
    samples = [(0.0, 1.0, True)] + [(2.0 + i / 10, 1.0, i != 5) for i in range(10)]
    summary = _summary(samples)
    assert summary["failed_probes"] == 1
    assert summary["settled_p99_ms"] == float("inf")
    assert summary["recovered_after_s"] == 2.5
