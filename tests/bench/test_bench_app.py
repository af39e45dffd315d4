"""Ratios to the baseline and the acceptance verdict of the app benchmark (pure)."""

from __future__ import annotations

from typing import Any

from bench.bench_app import _acceptance, _with_ratios


def _server(rps: float, p50: float, errors: int = 0, cpu_ms: float = 0.3) -> dict[str, Any]:
    return {
        "rps": rps,
        "server_cpu_ms_per_request": cpu_ms,
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


def _verdict(
    ref: dict[str, Any], small: float, large: float, pg: dict[str, Any] | None = None
) -> dict[str, Any]:
    postgres = pg if pg is not None else _server(500, 10, cpu_ms=1.0)
    servers = {"baseline": _server(100, 40), "reference-sqlite": ref}
    servers["reference-postgres"] = postgres
    _with_ratios(servers)
    return _acceptance({"servers": servers}, _reads(small, large), (10_000, 1_000_000))


def test_acceptance_holds_at_issue_16s_lines_and_flat_reads() -> None:
    # Issue 16: >= 10x on SQLite, >= 5x on PostgreSQL, <= 0.4 ms of server CPU on SQLite.
    verdict = _verdict(_server(1000, 10, cpu_ms=0.4), small=4.0, large=8.0)
    assert verdict["sqlite_rps_ok"] and verdict["sqlite_msgs_growth_ok"]
    assert verdict["postgres_rps_ok"] and verdict["sqlite_server_cpu_ok"]
    assert verdict["sqlite_write_errors"] == 0 and verdict["postgres_write_errors"] == 0


def test_acceptance_fails_below_the_lines_or_with_growing_reads() -> None:
    assert not _verdict(_server(999, 10), small=4.0, large=4.0)["sqlite_rps_ok"]
    assert not _verdict(_server(1000, 10, cpu_ms=0.41), 4.0, 4.0)["sqlite_server_cpu_ok"]
    assert not _verdict(_server(1000, 10), 4.0, 4.0, pg=_server(499, 10))["postgres_rps_ok"]
    assert not _verdict(_server(1000, 10), small=4.0, large=8.1)["sqlite_msgs_growth_ok"]
    assert _verdict(_server(1000, 10, errors=2), small=4.0, large=4.0)["sqlite_write_errors"] == 2
    pg_errors = _verdict(_server(1000, 10), 4.0, 4.0, pg=_server(600, 10, errors=3))
    assert pg_errors["postgres_write_errors"] == 3
