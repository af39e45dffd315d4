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
    add_option(parser, "load.users", "--users", type=int, help="Locust users (default 10)")
    add_option(parser, "load.spawn_rate", "--spawn-rate", type=float, help="users started/s")
    add_option(parser, "load.run_time", "--run-time", type=float, help="seconds (default 30)")
    add_option(
        parser,
        "load.rate",
        "--rate",
        type=float,
        help="target requests/s in total (constant arrival rate; users default to rate/5)",
    )
    add_option(parser, "load.read_ratio", "--read-ratio", type=float, help="share of reads 0..1")
    add_option(
        parser, "load.workers", "--workers", type=int, help="N local Locust workers + a master"
    )
    add_option(
        parser,
        "load.thresholds",
        "--threshold",
        action="append",
        metavar="EXPR",
        help="e.g. 'p95(tweet)<100ms', 'p99<250ms', 'error_rate<0.1%%', 'rps>50' (repeatable)",
    )
    add_option(
        parser, "load.profile", "--profile", choices=["simulator", "strict"], help="verdicts"
    )
    add_option(parser, "load.scenario", "--scenario", metavar="FILE", help="scenario file")
    add_option(parser, "load.timeout", "--timeout", type=float, help="per request (s, 0.3)")
    add_option(
        parser, "load.keep_alive", "--keep-alive", action="store_true", help="reuse connections"
    )
    add_option(parser, "load.max_requests", "--max-requests", type=int, help="request cap")
    add_option(parser, "load.results", "--results", metavar="FILE", help="results file")
    add_option(parser, "output_dir", "--output-dir", metavar="DIR", help="harness-output")


def run(config: Config, args: argparse.Namespace) -> int:
    """Run the load test; print per-endpoint statistics and thresholds; 1 if any fails."""
    from harness.execution.load import run_load
    from harness.execution.load.stats import format_table

    result = run_load(config)
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
