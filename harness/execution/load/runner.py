"""``run_load``: run Locust (local, or a master and N local workers) and judge raw timings.

Locust runs in its own processes (never in this one). Each Locust process writes a part
results file with every raw response time; while they run, this process follows the parts
and hands each request to the event sink (live progress); after the processes exit, what
it read (each part once) becomes one results file, and thresholds are judged from those
raw timings.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.checks.thresholds import (
    ThresholdResult,
    evaluate,
    mix_deviations,
    observed_mix,
    parse_thresholds,
    thresholds_to_judge,
)
from harness.config import Config
from harness.errors import HarnessError
from harness.events import (
    ActionChecked,
    CheckFinished,
    EventSink,
    RunFinished,
    RunStarted,
    null_sink,
)
from harness.findings import Finding, Profile, Severity
from harness.liveness import require_reachable
from harness.local import free_port, stop_process
from harness.results import Outcome, ResultsWriter, header_record
from harness.scenario.model import Action

from .parts import PartTail
from .plan import LoadPlan, main_command, plan_load, worker_command
from .source import configured_mix, generated_load_actions
from .stats import (
    EndpointStats,
    endpoint_stats,
    errors_by_check,
    requests_by_worker,
    window_seconds,
)
from .warmup import WarmUp, account_count, warm_up

#: Seconds a run may take beyond --run-time (start-up, worker connection, shutdown).
GRACE_S = 60.0
#: Seconds between two looks at the part files during a run.
POLL_S = 0.25


@dataclass
class LoadResult:
    """The outcome of one load run."""

    ok: bool
    results_path: Path
    thresholds: list[ThresholdResult]
    endpoints: list[EndpointStats]
    requests: int
    errors_by_check: dict[str, int]
    by_worker: dict[str, int]
    locust_summary: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)
    warmup: WarmUp | None = None
    mix: dict[str, float] = field(default_factory=dict)  # observed shares of all requests
    configured_mix: dict[str, float] = field(default_factory=dict)
    default_thresholds: bool = False  # the thresholds judged are the defaults


def _scenario_file(config: Config, run_dir: Path) -> tuple[Path, list[Action]]:
    """The scenario the Locust processes read (the user's, checked here, or a generated one)."""
    if config.load.scenario:
        from harness.scenario.parse import read_scenario

        scenario = read_scenario(config.load.scenario)
        if not scenario.actions:
            raise HarnessError(f"{config.load.scenario}: the scenario has no actions")
        return Path(config.load.scenario), scenario.actions
    from harness.scenario.generate import write_scenario

    path = run_dir / "scenario.tsv"
    s = config.scenario
    actions = generated_load_actions(s.actions, s.seed)
    write_scenario(path, actions)
    return path, actions


class _Progress:
    """Follows every part file of a run, keeps its requests and hands each to the sink."""

    def __init__(self, parts_dir: Path, sink: EventSink) -> None:
        self.parts_dir = parts_dir
        self.sink = sink
        self.outcomes: list[Outcome] = []  # every whole line of every part, read once
        self._tails: dict[Path, PartTail] = {}

    def poll(self) -> None:
        """Emit an :class:`ActionChecked` for every request written since the last poll."""
        for path in sorted(self.parts_dir.glob("part-*.tsv")):
            tail = self._tails.setdefault(path, PartTail(path))
            for outcome in tail.new_outcomes():
                self.outcomes.append(outcome)
                self.sink(ActionChecked(outcome))


def _wait(proc: subprocess.Popen[bytes], deadline: float, progress: _Progress) -> None:
    """Wait for ``proc`` to exit by ``deadline`` (monotonic), following the parts meanwhile."""
    while proc.poll() is None:
        if time.monotonic() > deadline:
            raise HarnessError(f"Locust did not stop within --run-time + {GRACE_S:.0f}s")
        progress.poll()
        time.sleep(POLL_S)
    progress.poll()


def _run_processes(plan: LoadPlan, sink: EventSink = null_sink) -> list[Outcome]:
    """Start Locust, wait for it to stop by itself (bounded), always clean up.

    Every request the Locust processes write to their parts meanwhile reaches ``sink``;
    returns them all (the parts are read once).
    """
    progress = _Progress(plan.parts_dir, sink)
    logs = plan.run_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    port = free_port() if plan.workers else None
    commands = [main_command(plan, port)]
    if port is not None:
        commands += [worker_command(port) for _ in range(plan.workers)]
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for i, cmd in enumerate(commands):
            name = "main" if i == 0 else f"worker{i}"
            with open(logs / f"{name}.log", "wb") as log:
                procs.append(subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT))
        _wait(procs[0], time.monotonic() + plan.run_time + GRACE_S, progress)
        for p in procs[1:]:
            with contextlib.suppress(subprocess.TimeoutExpired):  # killed just below
                p.wait(timeout=15)
        progress.poll()  # what the workers wrote until they exited
    finally:
        for p in procs:
            stop_process(p, grace_s=5)
    if procs[0].returncode != 0 or not plan.summary_path.exists():
        lines = (logs / "main.log").read_text(errors="replace").strip().splitlines()
        errors = [line for line in lines if "Error" in line or "error" in line] or lines or [""]
        raise HarnessError(
            f"Locust failed (exit {procs[0].returncode}; see {logs / 'main.log'}): {errors[-1]}"
        )
    return progress.outcomes


def write_results(outcomes: Sequence[Outcome], out: Path, header: dict[str, Any]) -> list[Outcome]:
    """Write one results file of ``outcomes`` ordered by start time; return them so ordered."""
    outcomes = sorted(outcomes, key=lambda o: (o.started, o.worker or ""))
    with ResultsWriter(out) as writer:
        writer.write(header)
        for o in outcomes:
            writer.outcome(o)
    return outcomes


def run_load(config: Config, sink: EventSink = null_sink) -> LoadResult:
    """Run one bounded load test and judge its thresholds from raw timings.

    Accounts are registered first (the warm-up, not measured); every process then keeps
    the configured request mix, and a run whose mix strayed anyway says so (``load.mix``).
    """
    expressions, default = thresholds_to_judge(
        config.load.thresholds, config.load.default_thresholds
    )
    thresholds = parse_thresholds(expressions)
    run_dir = Path(config.output_dir) / "load"
    plan = plan_load(config, Path("-"), run_dir)  # validate every flag before any work
    shutil.rmtree(plan.parts_dir, ignore_errors=True)
    run_dir.mkdir(parents=True, exist_ok=True)
    scenario_path, actions = _scenario_file(config, run_dir)
    plan = dataclasses.replace(plan, scenario_path=scenario_path)
    mix = configured_mix(actions, plan.read_ratio)
    require_reachable(plan.target, max(plan.timeout, 5.0))
    plan.summary_path.unlink(missing_ok=True)
    count = account_count(plan.users)
    warmup = warm_up(plan.target, actions, count, plan.timeout, plan.accounts_path)
    sink(RunStarted("load", plan.target))  # the measured run starts after the warm-up
    tailed = _run_processes(plan, sink)
    results_path = Path(config.load.results or run_dir / "results.jsonl")
    header = header_record(
        "load",
        plan.target,
        users=plan.users,
        workers=plan.workers,
        rate=plan.rate,
        read_ratio=plan.read_ratio,
        profile=plan.profile,
        run_time=plan.run_time,
        label=config.label,
        mix=mix,
        thresholds=list(expressions),
        warmup_accounts=len(warmup.accounts),
    )
    outcomes = write_results(tailed, results_path, header)
    if not outcomes:
        raise HarnessError(f"no request completed against {plan.target} (see {run_dir}/logs)")
    judged = evaluate(thresholds, outcomes, window_seconds(outcomes))
    rows = endpoint_stats(outcomes)
    findings = [
        Finding(
            check="load.threshold",
            severity=Severity.ERROR,
            profile=Profile(plan.profile),
            message=r.describe(),
            stage="load",
            target=plan.target,
            where=r.threshold.selector or "all",
        )
        for r in judged
        if not r.passed
    ]
    strayed = mix_deviations(mix, outcomes)
    if strayed:
        shown = ", ".join(
            f"{k} {got:.1%} (configured {want:.1%})" for k, (got, want) in strayed.items()
        )
        findings.append(
            Finding(
                check="load.mix",
                severity=Severity.WARNING,
                profile=Profile(plan.profile),
                message=f"the run could not keep its request mix within ±5 points: {shown}",
                stage="load",
                target=plan.target,
                where="all",
            )
        )
    if warmup.failures:
        # None registered: an error of the target (every write then acts as an account that
        # may not exist); some: a warning (the run went on with the others).
        findings.append(
            Finding(
                check="load.warm-up",
                severity=Severity.WARNING if warmup.accounts else Severity.ERROR,
                profile=Profile(plan.profile),
                message=warmup.describe(),
                stage="load",
                target=plan.target,
                where="POST /register",
            )
        )
    for r in judged:
        sink(CheckFinished(f"threshold {r.expression}", r.passed))
    ok = all(r.passed for r in judged) and bool(warmup.accounts)
    result = LoadResult(
        ok=ok,
        results_path=results_path,
        thresholds=judged,
        endpoints=rows,
        requests=len(outcomes),
        errors_by_check=errors_by_check(outcomes),
        by_worker=requests_by_worker(outcomes),
        locust_summary=json.loads(plan.summary_path.read_text()),
        findings=findings,
        warmup=warmup,
        mix=observed_mix(outcomes),
        configured_mix=mix,
        default_thresholds=default,
    )
    with ResultsWriter(results_path, append=True) as writer:
        writer.write(_summary_record(result))
    failed = sum(not r.passed for r in judged)
    sink(RunFinished("load", ok, f"{len(outcomes)} requests, {failed} thresholds failed"))
    return result


def _summary_record(result: LoadResult) -> dict[str, Any]:
    return {
        "type": "summary",
        "ok": result.ok,
        "requests": result.requests,
        "endpoints": [r.to_dict() for r in result.endpoints],
        "thresholds": [
            {"expression": t.expression, "observed": t.observed, "passed": t.passed}
            for t in result.thresholds
        ],
        "errors_by_check": result.errors_by_check,
        "by_worker": result.by_worker,
        "mix": result.mix,
    }
