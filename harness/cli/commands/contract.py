"""``minitwit-harness contract``: conformance suite and property-based phase against a target."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from harness.cli.options import add_command, add_option, add_target
from harness.config import Config
from harness.constants import ExitCode
from harness.errors import HarnessError, UsageError

if TYPE_CHECKING:
    from harness.checks.contract import ContractResult

FAIL_ON = ("error", "warning")


def register(subparsers: Any) -> None:
    """Add the ``contract`` subcommand."""
    parser = add_command(
        subparsers,
        "contract",
        run,
        "check an implementation against the API contract (deterministic suite + Schemathesis)",
    )
    add_target(parser, required=True)
    add_option(
        parser,
        "contract.max_examples",
        "--max-examples",
        type=int,
        metavar="N",
        help="property phase: test cases per operation and phase (default 25)",
    )
    add_option(
        parser,
        "contract.time_budget",
        "--time-budget",
        type=float,
        metavar="SECONDS",
        help="property phase: time budget in seconds (default 20)",
    )
    add_option(
        parser,
        "contract.property_phase",
        "--no-property-phase",
        action="store_false",
        help="run only the deterministic suite",
    )
    add_option(
        parser,
        "contract.seed",
        "--seed",
        type=int,
        metavar="N",
        help="property phase seed (default 0)",
    )
    add_option(
        parser,
        "contract.timeout",
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="seconds per request (default 5)",
    )
    add_option(
        parser,
        "contract.fail_on",
        "--fail-on",
        choices=list(FAIL_ON),
        help="exit 1 on errors only (default) or also on warnings and quirks",
    )
    add_option(parser, "contract.json", "--json", metavar="FILE", help="write findings JSON")
    add_option(parser, "contract.junit", "--junit", metavar="FILE", help="write JUnit XML")
    parser.add_argument(
        "-v", "--verbose", dest="_verbose", action="store_true", help="show evidence requests"
    )
    parser.add_argument(
        "--list-checks", dest="_list", action="store_true", help="list the checks and exit"
    )


def validate(config: Config) -> str:
    """The target URL, after checking every contract option; UsageError names a bad one."""
    target = config.target
    if not target:
        raise UsageError("--target URL is required")
    if not target.startswith(("http://", "https://")):
        raise UsageError(f"--target: not an http(s) URL: {target!r}")
    c = config.contract
    if c.fail_on not in FAIL_ON:
        raise UsageError(f"--fail-on: expected error or warning, got {c.fail_on!r}")
    if c.max_examples < 1:
        raise UsageError(f"--max-examples: must be at least 1, got {c.max_examples}")
    if c.time_budget < 1:
        raise UsageError(f"--time-budget: must be at least 1 second, got {c.time_budget}")
    if c.timeout <= 0:
        raise UsageError(f"--timeout: must be positive, got {c.timeout}")
    return target


def run(config: Config, args: argparse.Namespace) -> int:
    """Run the contract checks, print the table, write the reports, return the exit code."""
    # Heavy (jsonschema, the schemas, requests): imported only to run, not to parse flags.
    from harness.checks.contract import run_contract
    from harness.reporting.contract_console import Progress, check_list, render

    if getattr(args, "_list", False):
        print(check_list())
        return int(ExitCode.OK)
    validate(config)
    progress = Progress(sys.stdout, config.contract.time_budget, config.contract.property_phase)
    result = run_contract(config, progress)
    print(render(result, verbose=bool(getattr(args, "_verbose", False))))
    try:
        write_reports(config, result)
    except OSError as exc:
        raise HarnessError(f"cannot write report {exc.filename}: {exc.strerror}") from None
    return int(ExitCode.OK if result.ok else ExitCode.FINDINGS)


def write_reports(config: Config, result: ContractResult) -> None:
    """Write the findings JSON and the JUnit XML when asked for."""
    from harness.reporting.findings_json import findings_document, write_findings_json
    from harness.reporting.junit import write_junit

    if config.contract.json:
        document = findings_document(
            result.findings,
            stage="contract",
            target=result.target,
            ok=result.ok,
            checks=result.checks,
            died_after=result.died_after,
            property_phase=result.property_phase,
            duration_s=round(result.duration_s, 3),
        )
        write_findings_json(config.contract.json, document)
    if config.contract.junit:
        write_junit(
            config.contract.junit,
            "contract",
            result.checks,
            result.findings,
            fail_on=config.contract.fail_on,
        )
