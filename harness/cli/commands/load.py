"""``minitwit-harness load``: simulator traffic on Locust with thresholds from raw timings."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from harness.cli.options import add_command, add_option, add_target
from harness.config import Config
from harness.constants import ExitCode


def register(subparsers: Any) -> None:
    """Add the ``load`` subcommand."""
    parser = add_command(
        subparsers, "load", run, "load test on Locust: simulator traffic, reads, thresholds"
    )
    add_target(parser, required=True)
    opt = add_option
    opt(parser, "load.users", "--users", type=int, metavar="N", help="Locust users (default 10)")
    opt(parser, "load.spawn_rate", "--spawn-rate", type=float, metavar="N", help="users/s")
    opt(parser, "load.run_time", "--run-time", type=float, metavar="S", help="seconds (30)")
    opt(
        parser,
        "load.rate",
        "--rate",
        type=float,
        metavar="RPS",
        help="target requests/s in total (constant arrival rate; users default to RPS/5)",
    )
    opt(parser, "load.read_ratio", "--read-ratio", type=float, metavar="F", help="reads 0..1")
    opt(parser, "load.workers", "--workers", type=int, metavar="N", help="N local workers")
    opt(
        parser,
        "load.thresholds",
        "--threshold",
        action="append",
        metavar="EXPR",
        help="e.g. 'p95(tweet)<100ms', 'p99<250ms', 'error_rate<0.1%%', 'rps>50' (repeatable)",
    )
    opt(parser, "load.profile", "--profile", choices=["simulator", "strict"], help="verdicts")
    opt(parser, "load.scenario", "--scenario", metavar="FILE", help="scenario (else generated)")
    opt(parser, "load.timeout", "--timeout", type=float, metavar="S", help="per request (0.3)")
    opt(parser, "load.keep_alive", "--keep-alive", action="store_true", help="reuse connections")
    opt(parser, "load.max_requests", "--max-requests", type=int, metavar="N", help="request cap")
    opt(parser, "load.results", "--results", metavar="FILE", help="results file")
    opt(parser, "output_dir", "--output-dir", metavar="DIR", help="default harness-output")


def run(config: Config, args: argparse.Namespace) -> int:
    """Run the load test; print per-endpoint statistics and thresholds; 1 if any fails."""
    from harness.execution.load import run_load
    from harness.execution.load.stats import format_table
    from harness.reporting.progress import ProgressPrinter

    # Live progress on stderr (requests so far, rate, errors by class), every 2 s.
    result = run_load(config, ProgressPrinter(sys.stderr))
    print(format_table(result.endpoints))
    if result.errors_by_check:
        errors = ", ".join(f"{k}: {v}" for k, v in sorted(result.errors_by_check.items()))
        print(f"errors: {errors}")
    workers = ", ".join(f"{k}: {v}" for k, v in sorted(result.by_worker.items()))
    print(f"requests by process: {workers}")
    for t in result.thresholds:
        print(t.describe())
    print(f"results: {result.results_path}", file=sys.stderr)
    return int(ExitCode.OK if result.ok else ExitCode.FINDINGS)
