"""The gate: run the configured stages against one target, write the bundle and the reports."""

from __future__ import annotations

import datetime as dt
import importlib
import time
import traceback
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from harness import __version__
from harness.buffers import return_large_buffers
from harness.config import REPORTS_DIR, Config
from harness.constants import ExitCode
from harness.errors import HarnessError, TargetUnreachable, UsageError
from harness.events import EventSink
from harness.findings import CRASH_CHECK, Exchange, Finding, Severity
from harness.gate.crashes import CrashWatch, crash_finding, wait_for_target
from harness.gate.defaults import gate_defaults
from harness.gate.embedded import FirstExchange, embedded_reference_app, first_exchange
from harness.gate.stages import STAGES, StageRun, contract_stage
from harness.output_paths import writable_dir
from harness.reporting.bundle import (
    ERROR,
    FAILED,
    NOT_RUN,
    PASSED,
    StageSummary,
    Summary,
    read_bundle,
    write_bundle_findings,
    write_summary,
)

if TYPE_CHECKING:
    from harness.reporting.write import WrittenReport

Say = Callable[[str], None]

#: The contract check that judges the gate's first ``GET /latest`` on a fresh target.
FRESH_CHECK = "latest.fresh"


@dataclass(frozen=True)
class GateResult:
    """The verdict of one gate run and where its bundle and report are."""

    summary: Summary
    bundle: Path
    report: WrittenReport
    exit_code: ExitCode


def bundle_dir(config: Config, now: float) -> Path:
    """Where this run's bundle goes: ``[check] bundle`` or ``reports/check-<UTC time>``."""
    if config.check.bundle:
        return Path(config.check.bundle)
    stamp = dt.datetime.fromtimestamp(now, dt.UTC).strftime("%Y%m%d-%H%M%S")
    return Path(REPORTS_DIR) / f"check-{stamp}"


def _label(config: Config, target: str, embedded: bool) -> str:
    if config.label:
        return config.label
    if embedded:
        return "reference (embedded)"
    return urlsplit(target).netloc or target


def _stage_runs(config: Config) -> list[str]:
    """The stage functions to run, in order: ``verify`` is part of replay's stage."""
    names: list[str] = []
    for stage in config.check.stages:
        name = "replay" if stage == "verify" else stage
        if name not in names:
            names.append(name)
    return names


def _validate(config: Config) -> None:
    unknown = [s for s in _stage_runs(config) if s not in STAGES]
    if unknown:
        raise UsageError(f"check.stages: unknown stage {unknown[0]!r} (known: {', '.join(STAGES)})")
    if not config.check.stages:
        raise UsageError("check.stages: no stage to run")


def _scenario(config: Config, bundle: Path) -> Config:
    """Use the configured scenario, or generate a small one into the bundle."""
    if config.replay.scenario or "replay" not in _stage_runs(config):
        return config
    generate = importlib.import_module("harness.scenario.generate")
    path = bundle / "scenario.tsv"
    sc = config.scenario
    generate.write_scenario(path, generate.generate_actions(sc.users, sc.actions, sc.seed))
    return replace(config, replay=replace(config.replay, scenario=str(path)))


def _run_stage(
    name: str, config: Config, sink: EventSink, bundle: Path, say: Say, first: FirstExchange
) -> StageRun:
    """One stage; a tool error or crash inside it is recorded, never lost or a traceback."""
    started = time.monotonic()
    try:
        if name == "contract":  # judges the first GET /latest under fresh_target
            return contract_stage(config, sink, bundle, first.exchange)
        return STAGES[name](config, sink, bundle)
    except TargetUnreachable as exc:  # it answered at the start: the target failed, not us
        say(f"✘ {name}: the target stopped answering: {exc}")
        finding = crash_finding(name, config.target or "", f"the target stopped answering: {exc}")
        stage = StageSummary(
            name=name,
            status=FAILED,
            detail=f"the target stopped answering: {exc}",
            duration_s=time.monotonic() - started,
        )
        return StageRun(stages=(stage,), findings=(finding,))
    except HarnessError as exc:
        detail = str(exc)
    except Exception as exc:  # a bug in an engine must not lose the other stages' results
        detail = f"internal error: {type(exc).__name__}: {exc}"
        with open(bundle / "gate-errors.log", "a", encoding="utf-8") as log:
            log.write(f"--- stage {name}\n{traceback.format_exc()}\n")
    say(f"✘ {name}: could not run: {detail}")
    partial = bundle / f"{name}.jsonl"  # what the stage recorded before it stopped
    stage = StageSummary(
        name=name,
        status=ERROR,
        detail=detail,
        duration_s=time.monotonic() - started,
        results=partial.name if partial.is_file() else None,
    )
    return StageRun(stages=(stage,))


def _overall(stages: list[StageSummary], findings: list[Finding]) -> str:
    if any(s.status == ERROR for s in stages):
        return ERROR
    if any(s.status == FAILED for s in stages) or any(f.check == CRASH_CHECK for f in findings):
        return FAILED
    return PASSED


def _unanswered(finding: Finding) -> bool:
    """A verify read that got no answer: not judged while the target was down."""
    return (
        finding.stage == "verify"
        and bool(finding.evidence)
        and all(e.status is None for e in finding.evidence)
    )


def _with_crashes(run: StageRun, crashes: list[Finding]) -> StageRun:
    """A stage that crashed the target failed, whatever its engine judged.

    Verify reads that got no answer while it was down judged nothing: they are counted in
    the stage's detail instead of standing as findings of their own.
    """
    if not crashes:
        return run
    crashed = {f.stage for f in crashes}
    kept = [f for f in run.findings if not (f.stage in crashed and _unanswered(f))]
    stages = []
    for stage in run.stages:
        n = sum(1 for f in crashes if f.stage == stage.name)
        if n and stage.status != ERROR:
            lost = sum(1 for f in run.findings if f.stage == stage.name and _unanswered(f))
            detail = f"{stage.detail}; the target crashed {n} time(s)"
            if lost:
                detail += f"; {lost} read(s) not judged: no answer while it was down"
            stage = replace(stage, status=FAILED, detail=detail.lstrip("; "))
        stages.append(stage)
    return StageRun(stages=tuple(stages), findings=(*kept, *crashes))


def _down(name: str, target: str, waited: float) -> StageRun:
    """A stage not run because the target did not answer when it was due."""
    detail = f"not run: the target did not answer within --restart-wait {waited:g} s"
    stage = StageSummary(name=name, status=NOT_RUN, detail=detail)
    message = f"the target was not answering when stage {name} was due to start"
    return StageRun(stages=(stage,), findings=(crash_finding(name, target, message),))


def _first_crash(first: FirstExchange, target: str, restart_wait: float) -> list[Finding]:
    """The finding for a first ``GET /latest`` answered by a dropped connection, if it was."""
    if first.status is not None:
        return []
    back = wait_for_target(target, restart_wait)
    state = "it did not come back" if back is None else "the gate went on"
    message = f"the target dropped the connection without an answer to GET {first.url}; {state}"
    return [
        crash_finding("gate", target, message, Exchange("GET", first.url, error="ConnectionError"))
    ]


def _quirk_not_crash(findings: list[Finding], first: FirstExchange) -> list[Finding]:
    """Without the gate's crash when ``latest.fresh`` judged its first drop the quirk.

    One cause, one finding: the target went on answering and later read back a value, as
    the course reference under gunicorn does when it drops a fresh ``GET /latest``.

    A crash anywhere else, or a drop the contract could not confirm as the quirk, stays.
    """
    if first.exchange is None or first.status is not None:
        return findings
    quirk = any(
        f.check == FRESH_CHECK and f.severity is Severity.QUIRK and first.exchange in f.evidence
        for f in findings
    )
    if not quirk:
        return findings
    return [f for f in findings if not (f.check == CRASH_CHECK and f.stage == "gate")]


def _run_against(
    config: Config,
    target: str,
    embedded: bool,
    sink: EventSink,
    say: Say,
    bundle: Path,
    first: FirstExchange,
) -> tuple[Summary, list[Finding]]:
    started = time.time()
    # Engines keep their scratch files (Locust logs, parts) inside the bundle.
    scoped = replace(config, target=target, output_dir=str(bundle / "work"))
    if embedded:  # started for this run: nothing was sent to it before
        scoped = replace(scoped, contract=replace(scoped.contract, fresh_target=True))
    config = _scenario(gate_defaults(scoped), bundle)
    stages: list[StageSummary] = []
    findings: list[Finding] = _first_crash(first, target, config.restart_wait)
    watch = CrashWatch(target, config.restart_wait, sink)
    for name in _stage_runs(config):
        if wait_for_target(target, config.restart_wait) is None:
            say(f"✘ {name}: not run: the target is not answering")
            run = _down(name, target, config.restart_wait)
        else:
            run = _run_stage(name, config, watch, bundle, say, first)
            run = _with_crashes(run, watch.findings(tuple(s.name for s in run.stages)))
        stages.extend(run.stages)
        findings = _quirk_not_crash([*findings, *run.findings], first)
        for stage in run.stages:
            if stage.status != ERROR:  # errors were announced where they happened
                say(f"  {stage.name}: {stage.status} ({stage.detail})")
        # Written after every stage, so an interrupted gate still leaves a readable bundle.
        summary = Summary(
            label=_label(config, target, embedded),
            target=target,
            started=started,
            finished=time.time(),
            status=_overall(stages, findings),
            stages=tuple(stages),
            embedded=embedded,
            scenario=config.replay.scenario,
            harness_version=__version__,
        )
        write_bundle_findings(bundle, findings)
        write_summary(bundle, summary)
    return summary, findings


def run_gate(config: Config, sink: EventSink, say: Say) -> GateResult:
    """Check ``config.target`` (or the embedded reference app) and write bundle and report."""
    return_large_buffers()  # targets may answer megabytes, read by many threads
    _validate(config)
    bundle = bundle_dir(config, time.time())
    writable_dir(bundle, config.where("check.bundle"))
    with ExitStack() as stack:
        target, embedded = config.target, False
        if not target:
            say("starting the reference app on a temporary SQLite database ...")
            target = stack.enter_context(embedded_reference_app(config.serve, bundle))
            embedded = True
            say(f"reference app: {target}")
        exchange: FirstExchange = first_exchange(target)
        say(exchange.describe())
        summary, _ = _run_against(config, target, embedded, sink, say, bundle, exchange)
    # pandas and matplotlib (~90 MB) only now: the stages run without them.
    from harness.reporting.model import build_report
    from harness.reporting.write import write_reports

    baseline = read_bundle(config.report.baseline) if config.report.baseline else None
    tolerance, floor_ms = config.report.latency_tolerance, config.report.latency_floor_ms
    if baseline is not None:  # the regression verdict belongs to the bundle, before reports
        data = build_report([read_bundle(bundle)], baseline, tolerance=tolerance, floor_ms=floor_ms)
        regressions = [r.to_dict() for r in data.regressions]
        extra = {"baseline": str(baseline.path), "regressions": regressions}
        summary = replace(summary, extra={**summary.extra, **extra})
        if regressions and summary.status == PASSED:
            summary = replace(summary, status=FAILED)
        write_summary(bundle, summary)
    report = write_reports(
        bundle / "report",
        [read_bundle(bundle)],
        baseline,
        tolerance=tolerance,
        floor_ms=floor_ms,
    )
    if summary.status == ERROR:
        code = ExitCode.TOOL_ERROR
    elif summary.status == FAILED or not report.data.gate_passed:
        code = ExitCode.FINDINGS
    else:
        code = ExitCode.OK
    return GateResult(summary=summary, bundle=bundle, report=report, exit_code=code)
