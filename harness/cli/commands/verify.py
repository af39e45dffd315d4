"""``minitwit-harness verify``: read a target back and diff it with a scenario's end state."""

from __future__ import annotations

import argparse
from typing import Any

from harness.cli.options import add_command, add_option, add_target
from harness.config import Config
from harness.constants import ExitCode
from harness.errors import UsageError
from harness.findings import Finding
from harness.planning.expected import acknowledged_ids
from harness.results import read_outcomes
from harness.scenario.parse import read_scenario


def register(subparsers: Any) -> None:
    """Add the ``verify`` subcommand."""
    parser = add_command(
        subparsers, "verify", run, "read the target back and report every difference"
    )
    add_target(parser, required=True)
    add_option(
        parser,
        "verify.scenario",
        "--scenario",
        metavar="FILE",
        help="the scenario that was replayed (default: [replay] scenario)",
    )
    add_option(
        parser,
        "verify.results",
        "--results",
        metavar="FILE",
        help="results file of a replay: only the actions it acknowledged must be there",
    )
    add_option(parser, "verify.timeout", "--timeout", help="timeout per read")
    add_option(parser, "verify.concurrency", "--concurrency", help="reads in flight")
    add_option(
        parser,
        "scenario.skip_bad_lines",
        "--skip-bad-lines",
        action="store_true",
        help="report malformed scenario lines and go on",
    )


def run(config: Config, args: argparse.Namespace) -> int:
    """Verify and print the differences; exit 1 when there are any."""
    if not config.target:
        raise UsageError("verify needs --target URL")
    scenario_path = config.verify.scenario or config.replay.scenario
    if not scenario_path:
        raise UsageError("verify needs --scenario FILE")
    scenario = read_scenario(scenario_path, skip_bad_lines=config.scenario.skip_bad_lines)
    for bad in scenario.bad_lines:
        print(f"{scenario_path}:{bad.line}: skipped: {bad.problem}")
    acknowledged = None
    if config.verify.results:
        acknowledged = acknowledged_ids(read_outcomes(config.verify.results))
    from harness.verify import run_verify  # heavy (requests): imported only to run

    findings = run_verify(
        config.target,
        scenario.actions,
        acknowledged,
        timeout=config.verify.timeout,
        concurrency=config.verify.concurrency,
    )
    basis = "all actions" if acknowledged is None else f"{len(acknowledged)} acknowledged"
    print(render(findings, config.target, f"{scenario_path}, {basis}"))
    return int(ExitCode.FINDINGS if findings else ExitCode.OK)


def render(findings: list[Finding], target: str, basis: str) -> str:
    """One line per finding and a verdict line."""
    lines = [f"[{f.check}] {f.where}: {f.message}" for f in findings]
    verdict = "FAILED" if findings else "passed"
    lines.append(f"verify {verdict}: {len(findings)} difference(s) on {target} ({basis})")
    return "\n".join(lines)
