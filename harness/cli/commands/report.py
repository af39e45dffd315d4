"""``minitwit-harness report``: HTML, Markdown and JUnit reports of results bundles."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from harness.cli.options import add_command, add_option
from harness.config import Config
from harness.constants import ExitCode
from harness.errors import UsageError
from harness.output_paths import writable_dir


def register(subparsers: Any) -> None:
    """Add the ``report`` subcommand."""
    parser = add_command(
        subparsers,
        "report",
        run,
        "compare results bundles side by side (HTML, Markdown, JUnit) and gate on regressions",
    )
    parser.add_argument(
        "_results",
        nargs="*",
        metavar="RESULTS",
        help="results bundle directories written by 'check' (or bare results .jsonl files)",
    )
    add_option(
        parser,
        "report.simulation",
        "--simulation",
        metavar="DB_URL",
        help="also every target of the simulation store 'simulate' writes (sqlite:///PATH or "
        "postgresql://...), from its stored outcomes, during or after the run",
    )
    add_option(
        parser,
        "report.baseline",
        "--baseline",
        metavar="RESULTS",
        help="bundle to compare against; any regression makes the exit code 1",
    )
    add_option(
        parser,
        "report.output",
        "-o",
        "--output",
        metavar="DIR",
        help="directory for report.html, summary.md and junit.xml",
    )
    add_regression_options(parser)


def add_regression_options(parser: argparse.ArgumentParser) -> None:
    """The regression-gate tolerances shared by ``report`` and ``check``."""
    add_option(
        parser,
        "report.latency_tolerance",
        "--latency-tolerance",
        metavar="FRACTION",
        help="how much slower than the baseline is tolerated (0.25 = 25%%)",
    )
    add_option(
        parser,
        "report.latency_floor_ms",
        "--latency-floor-ms",
        metavar="MS",
        help="latency differences below this many ms never count as a regression",
    )


def run(config: Config, args: argparse.Namespace) -> int:
    """Read the bundles, write the reports, gate on regressions against the baseline."""
    # Imported here: pandas and matplotlib are heavy, and every other command starts faster.
    from harness.reporting.bundle import read_bundle, unique_labels
    from harness.reporting.simulation import simulation_bundles
    from harness.reporting.write import write_reports

    if not args._results and not config.report.simulation:
        raise UsageError("report needs RESULTS bundles or --simulation DB_URL")
    out_dir = writable_dir(config.report.output, config.where("report.output"))
    targets = [read_bundle(p) for p in args._results]
    if config.report.simulation:
        targets += simulation_bundles(config.report.simulation)
    baseline = read_bundle(config.report.baseline) if config.report.baseline else None
    everything = unique_labels(([baseline] if baseline else []) + targets)
    if baseline is not None:
        baseline, targets = everything[0], everything[1:]
    else:
        targets = everything
    written = write_reports(
        out_dir,
        targets,
        baseline,
        tolerance=config.report.latency_tolerance,
        floor_ms=config.report.latency_floor_ms,
    )
    print(f"report: {written.html}")
    print(f"summary: {written.markdown}")
    print(f"junit: {written.junit}")
    if baseline is None:
        return int(ExitCode.OK)
    data = written.data
    if data.gate_passed:
        print(f"regression gate: pass (vs baseline {baseline.label})")
        return int(ExitCode.OK)
    print(
        f"regression gate: FAIL: {len(data.regressions)} regressions vs {baseline.label}",
        file=sys.stderr,
    )
    for r in data.regressions:
        print(
            f"  {r.candidate}: {r.kind}: {r.subject}: {r.baseline} -> {r.observed}", file=sys.stderr
        )
    return int(ExitCode.FINDINGS)
