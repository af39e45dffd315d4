"""``minitwit-harness verify``: read a target back and diff it with a scenario's end state."""

from __future__ import annotations

import argparse
from typing import Any

from harness.cli.options import add_command, add_option, add_target
from harness.config import Config
from harness.constants import ExitCode
from harness.errors import UsageError
from harness.events import Event, RunFinished
from harness.findings import Finding
from harness.planning.expected import acknowledged_ids
from harness.results import read_outcomes, recorded_namespace
from harness.scenario.namespace import AUTO, namespaced, resolve
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
        "verify.namespace",
        "--namespace",
        metavar="TAG|none",
        help="the namespace the replay ran in (default: the one --results recorded)",
    )
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
    acknowledged = outcomes = None
    recorded = None
    if config.verify.results:
        outcomes = list(read_outcomes(config.verify.results))
        acknowledged = acknowledged_ids(outcomes)
        recorded = recorded_namespace(config.verify.results)
    actions = namespaced(scenario.actions, _namespace(config.verify.namespace, recorded))
    from harness.verify import run_verify  # heavy (requests): imported only to run

    notes: list[str] = []
    verdict: list[bool] = []

    def keep_summary(event: Event) -> None:
        if isinstance(event, RunFinished):
            notes.extend(event.summary.splitlines()[1:])
            verdict.append(event.ok)

    findings = run_verify(
        config.target,
        actions,
        acknowledged,
        outcomes=outcomes,
        sink=keep_summary,
        timeout=config.verify.timeout,
        concurrency=config.verify.concurrency,
    )
    basis = "all actions" if acknowledged is None else f"{len(acknowledged)} acknowledged"
    for note in notes:
        print(note)
    ok = all(verdict)  # errors, or reads not compared (warnings alone pass)
    print(render(findings, config.target, f"{scenario_path}, {basis}", ok=ok))
    return int(ExitCode.OK if ok else ExitCode.FINDINGS)


def _namespace(option: str | None, recorded: str | None) -> str | None:
    """The tag to read the scenario's users in: ``--namespace``, else the recorded one."""
    if not option:
        return recorded
    if option == AUTO:
        raise UsageError("verify --namespace: give the replay's tag (or --results FILE), not auto")
    try:
        return resolve(option)
    except ValueError as exc:
        raise UsageError(f"--namespace: {exc}") from None


def render(findings: list[Finding], target: str, basis: str, *, ok: bool) -> str:
    """One line per finding (with its severity) and a verdict line."""
    lines = [f"[{f.check}] {f.where}: {f.message} ({f.severity})" for f in findings]
    verdict = "passed" if ok else "FAILED"
    lines.append(f"verify {verdict}: {len(findings)} difference(s) on {target} ({basis})")
    return "\n".join(lines)
