"""``minitwit-harness contract``: conformance suite and property-based phase against a target."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from harness.cli.options import add_command, add_option, add_restart_wait, add_target
from harness.config import Config, get_setting
from harness.constants import ExitCode
from harness.errors import HarnessError, UsageError
from harness.output_paths import writable_file

if TYPE_CHECKING:
    from harness.checks.contract import ContractResult


def register(subparsers: Any) -> None:
    """Add the ``contract`` subcommand."""
    parser = add_command(
        subparsers,
        "contract",
        run,
        "check an implementation against the API contract (deterministic suite + Schemathesis)",
    )
    add_target(parser, required=True)
    add_restart_wait(parser)
    add_option(
        parser,
        "contract.max_examples",
        "--max-examples",
        metavar="N",
        help="property phase: test cases per operation and phase",
    )
    add_option(
        parser,
        "contract.time_budget",
        "--time-budget",
        help="property phase: how long it may run",
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
        metavar="N",
        help="property phase: Hypothesis seed (same seed, same cases)",
    )
    add_option(
        parser,
        "contract.timeout",
        "--timeout",
        help="timeout per request",
    )
    add_option(
        parser,
        "contract.fail_on",
        "--fail-on",
        help="exit 1 on errors only (default) or also on warnings and quirks",
    )
    add_fresh_target(parser)
    add_option(parser, "contract.json", "--json", metavar="FILE", help="write findings JSON")
    add_option(parser, "contract.junit", "--junit", metavar="FILE", help="write JUnit XML")
    parser.add_argument(
        "-v", "--verbose", dest="_verbose", action="store_true", help="show evidence requests"
    )
    parser.add_argument(
        "--list-checks", dest="_list", action="store_true", help="list the checks and exit"
    )


def add_fresh_target(parser: argparse.ArgumentParser) -> None:
    """``--fresh-target``: nothing was sent to the target yet, so GET /latest must be -1."""
    add_option(
        parser,
        "contract.fresh_target",
        "--fresh-target",
        action="store_true",
        help="the target is fresh (nothing sent to it yet): GET /latest must answer -1",
    )


def validate(config: Config) -> str:
    """The target URL, after checking every contract option; UsageError names a bad one."""
    target = config.target
    if not target:
        raise UsageError("--target URL is required")
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
    for key in ("contract.json", "contract.junit"):
        if path := get_setting(config, key):
            writable_file(path, config.where(key))
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
