"""Ratios to the baseline and the acceptance verdict of the app benchmark (pure)."""

from __future__ import annotations

from typing import Any

from bench.bench_app import _acceptance, _with_ratios


def _server(rps: float, p50: float, errors: int = 0) -> dict[str, Any]:
    return {
        "rps": rps,
        "errors": errors,
        "not_sent": 0,
        "errors_per_round": [errors],
        "endpoints": {"POST /msgs/<user>": {"p50_ms": p50, "p99_ms": p50 * 4}},
    }


def _reads(small: float, large: float) -> dict[str, Any]:
    return {
        "reference-sqlite": {
            "10000": {"GET /msgs?no=100": {"p50_ms": small}},
            "1000000": {"GET /msgs?no=100": {"p50_ms": large}},
        }
    }


def test_ratios_are_relative_to_the_baseline() -> None:
    servers = {"baseline": _server(100, 40), "reference-sqlite": _server(600, 10)}
    _with_ratios(servers)
    assert servers["baseline"]["rps_vs_baseline"] == 1.0
    assert servers["reference-sqlite"]["rps_vs_baseline"] == 6.0
    assert servers["reference-sqlite"]["endpoints"]["POST /msgs/<user>"]["p50_vs_baseline"] == 0.25


def _verdict(ref: dict[str, Any], small: float, large: float) -> dict[str, Any]:
    servers = {"baseline": _server(100, 40), "reference-sqlite": ref}
    _with_ratios(servers)
    return _acceptance({"servers": servers}, _reads(small, large), (10_000, 1_000_000))


def test_acceptance_holds_at_five_times_and_flat_reads() -> None:
    verdict = _verdict(_server(500, 10), small=4.0, large=8.0)
    assert verdict["sqlite_rps_ok"] and verdict["sqlite_msgs_growth_ok"]
    assert verdict["sqlite_write_errors"] == 0


def test_acceptance_fails_below_five_times_or_with_growing_reads() -> None:
    assert not _verdict(_server(499, 10), small=4.0, large=4.0)["sqlite_rps_ok"]
    assert not _verdict(_server(900, 10), small=4.0, large=8.1)["sqlite_msgs_growth_ok"]
    assert _verdict(_server(900, 10, errors=2), small=4.0, large=4.0)["sqlite_write_errors"] == 2
