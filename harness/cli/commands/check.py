"""``minitwit-harness check``: the release gate (``make run`` without a target)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from harness.cli.commands.contract import add_fresh_target
from harness.cli.commands.report import add_regression_options
from harness.cli.options import add_command, add_option, add_restart_wait, add_target
from harness.config import Config
from harness.events import null_sink


def register(subparsers: Any) -> None:
    """Add the ``check`` subcommand."""
    parser = add_command(
        subparsers,
        "check",
        run,
        "run the release gate (replay + verify, contract, allowlist, load) against a target; "
        "without --target, against the embedded reference app",
    )
    add_target(parser)
    add_restart_wait(parser)
    add_option(
        parser,
        "check.stages",
        "--stages",
        metavar="LIST",
        help="comma-separated stages to run, of replay, verify (runs replay, then reads the "
        "target back), contract, allowlist, load, drill (off by default: [drill] during)",
    )
    add_option(
        parser,
        "check.bundle",
        "--bundle",
        metavar="DIR",
        help="results bundle directory (default: reports/check-<UTC time>)",
    )
    add_option(
        parser, "label", "--label", help="name of the target in reports (default: its host:port)"
    )
    add_option(
        parser,
        "report.baseline",
        "--baseline",
        metavar="RESULTS",
        help="bundle of an earlier run; a regression against it fails the gate",
    )
    add_regression_options(parser)
    add_fresh_target(parser)
    add_option(
        parser,
        "check.progress",
        "--no-progress",
        action="store_false",
        help="no progress lines while stages run",
    )


def _say(text: str) -> None:
    print(text, flush=True)


def run(config: Config, args: argparse.Namespace) -> int:
    """Run the gate; 0 passed, 1 the target failed or regressed, 2 the tool could not run."""
    # Imported here: pandas and matplotlib are heavy, and every other command starts faster.
    from harness.gate.run import run_gate
    from harness.reporting.progress import ProgressPrinter

    sink = ProgressPrinter(sys.stderr) if config.check.progress else null_sink
    result = run_gate(config, sink, _say)
    s = result.summary
    data = result.report.data
    if data.baseline is not None:
        state = "pass" if data.gate_passed else f"FAIL ({len(data.regressions)} regressions)"
        _say(f"regression gate vs {data.baseline.label}: {state}")
        for r in data.regressions:
            _say(f"  {r.kind}: {r.subject}: {r.baseline} -> {r.observed}")
    from harness.findings import problem_line

    for bundle in data.targets:
        _say(f"findings: {problem_line(bundle.findings)}")
    verdict = {0: "PASSED", 1: "FAILED"}.get(int(result.exit_code), "ERROR")
    _say(f"verdict: {verdict} for {s.label} ({s.target})")
    _say(f"results bundle: {result.bundle}")
    _say(f"report: {result.report.html}")
    return int(result.exit_code)
