"""``minitwit-harness drill``: rehearse an operation under simulator traffic, then prove it."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from harness.cli.options import add_command, add_option, add_target
from harness.config import Config
from harness.constants import ExitCode


def register(subparsers: Any) -> None:
    """Add the ``drill`` subcommand."""
    p = add_command(
        subparsers,
        "drill",
        run,
        "run an operation (migration, restart, deploy) under steady simulator traffic and "
        "prove, write by write, that nothing acknowledged was lost",
    )
    add_target(p, required=True)
    add_option(p, "drill.during", "--during", metavar="COMMAND", help="the operation (sh -c)")
    add_option(
        p,
        "drill.manual",
        "--manual",
        action="store_true",
        help="mark the operation's start and end with Enter or SIGUSR1 instead",
    )
    add_option(p, "drill.rate", "--rate", help="writes per second")
    add_option(p, "drill.warm_up", "--warm-up", help="traffic before the operation")
    add_option(p, "drill.cool_down", "--cool-down", help="traffic after the operation")
    add_option(
        p, "drill.scenario", "--scenario", metavar="FILE", help="scenario (default: generated)"
    )
    add_option(p, "drill.max_outage", "--max-outage", help="fail when an outage is longer")
    add_option(p, "drill.operation_timeout", "--operation-timeout", help="end the operation after")
    add_option(p, "drill.timeout", "--timeout", help="timeout per request, like the simulator's")
    add_option(p, "drill.concurrency", "--concurrency", help="concurrent senders")
    add_option(p, "drill.seed", "--seed", help="seed of the generated traffic")
    add_option(
        p,
        "drill.results",
        "--results",
        metavar="FILE",
        help="JSON results (default: <output-dir>/drill/drill.json)",
    )
    add_option(p, "output_dir", "--output-dir", metavar="DIR", help="where outputs go")


def run(config: Config, args: argparse.Namespace) -> int:
    """Run the drill; exit 1 when an acknowledged write or ``latest`` was lost.

    Ctrl-C stops the traffic, proves what was sent, writes the results and exits 130.
    """
    from harness.execution.drill import run_drill  # heavy: imported only to run
    from harness.reporting.drill_console import DrillProgress

    def prompt(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    result = run_drill(config, DrillProgress(sys.stderr, sys.stdout), prompt=prompt)
    from harness.reporting.drill_report import write_drill_report  # matplotlib, Jinja2

    html, markdown = write_drill_report(result.document, result.results_path)
    print(f"drill: results in {result.results_path}; report {html} and {markdown}")
    if result.interrupted:
        return int(ExitCode.INTERRUPTED)
    return int(ExitCode.OK if result.ok else ExitCode.FINDINGS)
