"""``minitwit-harness load``: simulator traffic on Locust with thresholds from raw timings."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from harness.cli.options import add_command, add_option, add_target
from harness.config import Config
from harness.constants import ExitCode
from harness.output_paths import writable_dir, writable_file


def register(subparsers: Any) -> None:
    """Add the ``load`` subcommand."""
    parser = add_command(
        subparsers, "load", run, "load test on Locust: simulator traffic, reads, thresholds"
    )
    add_target(parser, required=True)
    opt = add_option
    opt(parser, "load.users", "--users", help="Locust users (default: 10, or RPS/5 under --rate)")
    opt(parser, "load.spawn_rate", "--spawn-rate", help="users started per second")
    opt(parser, "load.run_time", "--run-time", help="how long the load runs")
    opt(
        parser,
        "load.rate",
        "--rate",
        metavar="RPS",
        help="target requests/s in total, a constant arrival rate (default: none, as fast as "
        "the users go)",
    )
    opt(parser, "load.read_ratio", "--read-ratio", help="share of reads among requests, 0..1")
    opt(parser, "load.workers", "--workers", help="local Locust worker processes (0 = one process)")
    opt(
        parser,
        "load.thresholds",
        "--threshold",
        action="append",
        metavar="EXPR",
        help="a threshold the run must hold, e.g. 'p95(tweet)<100ms', 'p99<250ms', "
        "'error_rate<0.1%%', 'rps>50'; repeatable",
    )
    opt(
        parser,
        "load.default_thresholds",
        "--no-default-thresholds",
        action="store_false",
        help="without --threshold, judge nothing (default: the run fails above 1%% errors)",
    )
    opt(parser, "load.profile", "--profile", help="verdicts: the simulator's, or also the API's")
    opt(parser, "load.scenario", "--scenario", metavar="FILE", help="scenario to draw actions from")
    opt(parser, "load.timeout", "--timeout", help="timeout per request, like the simulator's")
    opt(
        parser,
        "load.keep_alive",
        "--keep-alive",
        action="store_true",
        help="reuse connections (the simulator opens one per request)",
    )
    opt(parser, "load.max_requests", "--max-requests", help="stop after this many requests")
    opt(
        parser,
        "load.results",
        "--results",
        metavar="FILE",
        help="results file (default: <output-dir>/load/results.jsonl)",
    )
    opt(parser, "output_dir", "--output-dir", metavar="DIR", help="where results and logs go")


def run(config: Config, args: argparse.Namespace) -> int:
    """Run the load test; print per-endpoint statistics and thresholds; 1 if any fails."""
    from harness.checks.thresholds import thresholds_to_judge
    from harness.execution.load import run_load
    from harness.execution.load.stats import format_table
    from harness.reporting.progress import ProgressPrinter

    if config.load.results:
        writable_file(config.load.results, config.where("load.results"))
    writable_dir(config.output_dir, config.where("output_dir"))
    expressions, default = thresholds_to_judge(
        config.load.thresholds, config.load.default_thresholds
    )
    if default:
        print(
            f"load: default threshold {', '.join(expressions)} "
            "(--threshold EXPR to set your own, --no-default-thresholds for none)",
            flush=True,
        )
    elif not expressions:
        print("load: no thresholds: this run judges nothing and passes", flush=True)
    # Live progress on stderr (requests so far, rate, errors by class), every 2 s.
    result = run_load(config, ProgressPrinter(sys.stderr))
    if result.warmup is not None:
        print(result.warmup.describe())
    print(format_table(result.endpoints))
    mix = ", ".join(
        f"{k} {v:.1%} ({result.configured_mix.get(k, 0.0):.1%})" for k, v in result.mix.items()
    )
    print(f"request mix (configured): {mix}")
    for finding in result.findings:
        if finding.check == "load.mix":
            print(f"warning: {finding.message}")
    if result.errors_by_check:
        errors = ", ".join(f"{k}: {v}" for k, v in sorted(result.errors_by_check.items()))
        print(f"errors: {errors}")
    workers = ", ".join(f"{k}: {v}" for k, v in sorted(result.by_worker.items()))
    print(f"requests by process: {workers}")
    for t in result.thresholds:
        print(t.describe())
    print(f"results: {result.results_path}", file=sys.stderr)
    return int(ExitCode.OK if result.ok else ExitCode.FINDINGS)
