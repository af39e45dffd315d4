"""The replay engine seen from the harness process: plan, launch, summarize, verify."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.config import Config, ReplayConfig
from harness.errors import InputError, TargetUnreachable, UsageError
from harness.events import Event, EventSink, FindingReported, RunFinished, RunStarted
from harness.execution.replay.job import Job, action_to_wire
from harness.execution.replay.launcher import EngineProcess, EngineRun, run_processes, run_worker
from harness.execution.replay.summary import (
    ReplaySummary,
    acknowledged,
    findings_from,
    summarize,
)
from harness.findings import Finding, Severity
from harness.local import free_port
from harness.results import (
    Outcome,
    ResultsWriter,
    header_record,
    read_records,
    recorded_namespace,
)
from harness.scenario.model import Action
from harness.scenario.namespace import AUTO, namespaced, resolve
from harness.scenario.parse import read_scenario
from harness.target import target_url


@dataclass
class ReplayResult:
    """What a replay did and found."""

    ok: bool
    results_path: Path
    findings: list[Finding] = field(default_factory=list)
    errors_by_class: dict[str, int] = field(default_factory=dict)
    latency_ms: dict[str, dict[str, float]] = field(default_factory=dict)
    summary: ReplaySummary | None = None
    sent: int = 0  # outcomes recorded by this invocation
    stopped_early: bool = False
    skipped_lines: list[str] = field(default_factory=list)  # --skip-bad-lines reports
    namespace: str | None = None  # the tag the scenario's users were renamed with


def parse_speed(text: str) -> float | None:
    """``max`` -> None (no pacing); otherwise a positive factor on the recorded delays."""
    if text.strip().lower() == "max":
        return None
    try:
        factor = float(text)
    except ValueError:
        raise UsageError(f"--speed: expected 'max' or a number, got {text!r}") from None
    if not factor > 0:
        raise UsageError(f"--speed: the factor must be > 0, got {text!r}")
    return factor


def _target_latest(target: str, timeout: float) -> int:
    """The target's ``/latest`` (for ``--resume-from-latest``)."""
    import requests  # not at the top: the Locust process is started before it is needed

    url = target_url(target, "/latest")
    try:
        response = requests.get(url, timeout=max(timeout, 5.0))
        return int(response.json()["latest"])
    except requests.RequestException as exc:
        raise TargetUnreachable(f"{url}: {type(exc).__name__}") from None
    except (ValueError, KeyError, TypeError):
        raise TargetUnreachable(f"{url}: no {{'latest': int}} in the answer") from None


def _previous_run(path: Path, actions: list[Action], *, retry_failed: bool) -> set[int]:
    """Ids not to send again when resuming ``path``: every id with an outcome, or with
    ``retry_failed`` only the acknowledged ones (a failed action is sent again)."""
    done: set[int] = set()
    for number, record in enumerate(read_records(path)):
        if number == 0 and record.get("kind") != "replay":
            raise InputError("not a replay results file", path=str(path))
        if number == 0 and record.get("actions") not in (None, len(actions)):
            raise InputError("written for a different scenario (action count)", path=str(path))
        if record.get("type") == "outcome":
            outcome = Outcome.from_record(record)
            if not retry_failed or acknowledged(outcome):
                done.add(outcome.action_id)
    return done


def _load_actions(config: Config) -> tuple[list[Action], list[str]]:
    """The scenario's actions and, with ``--skip-bad-lines``, one line per skipped line."""
    path = config.replay.scenario
    if not path:
        raise UsageError("replay needs --scenario FILE")
    scenario = read_scenario(path, skip_bad_lines=config.scenario.skip_bad_lines)
    skipped = [f"{path}:{bad.line}: skipped: {bad.problem}" for bad in scenario.bad_lines]
    if not scenario.actions:  # a run that judged nothing must not pass
        raise InputError("the scenario has no actions to replay", path=str(path))
    return list(scenario.actions), skipped


def run_replay(config: Config, sink: EventSink) -> ReplayResult:
    """Replay a scenario against ``config.target`` under the replay config; see the README."""
    rc = config.replay
    work_dir = Path(config.output_dir) / "replay"
    work_dir.mkdir(parents=True, exist_ok=True)
    results = Path(rc.results) if rc.results else work_dir / "results.jsonl"
    if rc.worker:
        code = run_worker(
            Job(role="worker", master_host=rc.master_host, master_port=rc.master_port), work_dir
        )
        return ReplayResult(ok=code == 0, results_path=results)
    config.require_target("replay")
    speed = parse_speed(rc.speed)
    if rc.retry_failed and not rc.resume:
        raise UsageError("--retry-failed needs --resume (it resends failed actions of that run)")
    if rc.concurrency < 1 or rc.workers < 0 or rc.register_concurrency < 0:
        raise UsageError("--concurrency must be >= 1, --workers and --register-concurrency >= 0")
    if rc.concurrency < rc.workers:
        # Locust spreads the senders over the workers: a worker without one would stall.
        raise UsageError(f"--concurrency ({rc.concurrency}) must be at least --workers")
    # Started now so that it imports Locust while the scenario is read (about 1 s here).
    job_path = work_dir / f"job-{_role(rc)}.json"
    with EngineProcess(job_path, work_dir / "locust.log") as engine:
        actions, skipped = _load_actions(config)
        namespace = _namespace(config, results)
        actions = namespaced(actions, namespace)
        done = _done_before(config, results, actions, namespace)
        job, local_workers = _job(config, results, speed, actions, done)
        to_send = sum(1 for a in actions if a.id not in done)
        sink(RunStarted(kind="replay", target=config.target, total=to_send))
        run = run_processes(job, local_workers, work_dir, sink, engine=engine)
    result = _finish(config, actions, results, done, sink, run)
    result.skipped_lines = skipped
    result.namespace = namespace
    return result


def _namespace(config: Config, results: Path) -> str | None:
    """The run's namespace tag; ``--resume`` continues in the one the results file recorded."""
    rc = config.replay
    resuming = rc.resume and results.is_file()
    recorded = recorded_namespace(results) if resuming else None
    if resuming and rc.namespace in ("", AUTO):  # unset or auto: the run's own namespace
        return recorded
    try:
        tag = resolve(rc.namespace)
    except ValueError as exc:
        raise UsageError(f"--namespace: {exc}") from None
    if resuming and tag != recorded:
        raise UsageError(
            f"--namespace: {results} was written in namespace {recorded or 'none'}, "
            f"not {tag or 'none'}; resume with --namespace {recorded or 'none'} (or auto)"
        )
    return tag


def _role(rc: ReplayConfig) -> str:
    """The coordinating process's role: ``master`` when workers send, else ``local``."""
    return "master" if rc.master or rc.workers > 0 else "local"


def _done_before(
    config: Config, results: Path, actions: list[Action], namespace: str | None
) -> set[int]:
    """Ids not to send again (``--resume``, ``--resume-from-latest``); a fresh results file."""
    rc = config.replay
    assert config.target is not None
    done: set[int] = set()
    if rc.resume:
        if not results.is_file():
            raise InputError(
                "no results file to resume (run without --resume first)", path=str(results)
            )
        done = _previous_run(results, actions, retry_failed=rc.retry_failed)
    else:  # a fresh run starts its results file afresh (README: it replaces an older one)
        header = header_record(
            "replay",
            config.target,
            scenario=rc.scenario,
            actions=len(actions),
            profile=rc.profile,
            namespace=namespace,
        )
        with ResultsWriter(results) as writer:
            writer.write(header)
    if rc.resume_from_latest:
        latest = _target_latest(config.target, rc.timeout)
        done |= {a.id for a in actions if a.id <= latest}
    return done


def _job(
    config: Config, results: Path, speed: float | None, actions: list[Action], done: set[int]
) -> tuple[Job, int]:
    """The job of the coordinating process, and how many local workers to start."""
    rc = config.replay
    assert config.target is not None
    job = Job(
        role="local",
        target=config.target,
        results=str(results),
        simulator_log=rc.simulator_log,
        speed=speed,
        profile=rc.profile,
        timeout=rc.timeout,
        keep_alive=rc.keep_alive,
        concurrency=rc.concurrency,
        register_concurrency=rc.register_concurrency,
        max_errors=rc.max_errors,
        worker_wait=rc.worker_wait,
        done=sorted(done),
        actions=[action_to_wire(a) for a in actions],
    )
    local_workers = 0
    job.role = _role(rc)
    if job.role == "master":
        job.workers = max(rc.workers, 1)
        job.bind_host = rc.master_bind if rc.master else "127.0.0.1"
        job.master_port = rc.master_port if rc.master else free_port()
        local_workers = 0 if rc.master else rc.workers
    return job, local_workers


def _finish(
    config: Config,
    actions: list[Action],
    results: Path,
    done_before: set[int],
    sink: EventSink,
    run: EngineRun,
) -> ReplayResult:
    rc = config.replay
    # This run's records were read as they arrived; only earlier ones (--resume) are read here.
    outcomes: list[Outcome] = []
    evidence: list[dict[str, Any]] = []
    for record in read_records(results, end=run.offset):
        if record.get("type") == "outcome":
            outcomes.append(Outcome.from_record(record))
        elif record.get("type") == "evidence":
            evidence.append(record)
    outcomes += run.outcomes
    evidence += run.evidence
    assert config.target is not None
    summary = summarize(outcomes, actions)
    summary.concurrency = rc.concurrency
    findings = findings_from(summary, outcomes, evidence, config.target, profile=rc.profile)
    completed = {o.action_id for o in outcomes} | done_before
    stopped_early = any(a.id not in completed for a in actions)
    for finding in findings:
        sink(FindingReported(finding))
    # Timeouts above the simulator's pacing are no target error, but nothing judged them:
    # the run does not pass (the summary says to run at --concurrency 1).
    errors = any(f.severity is Severity.ERROR for f in findings)
    ok = not errors and not summary.above_pacing and not stopped_early
    sink(RunFinished(kind="replay", ok=ok, summary="\n".join(summary.lines())))
    if rc.verify and not stopped_early:
        # verify emits its own events (RunStarted/RunFinished "verify", findings)
        from harness.verify import run_verify  # heavy (requests): only when asked for

        verified: list[bool] = []

        def verify_sink(event: Event) -> None:
            if isinstance(event, RunFinished) and event.kind == "verify":
                verified.append(event.ok)  # errors or reads not compared; not warnings
            sink(event)

        differences = run_verify(
            config.target,
            actions,
            summary.acknowledged,
            outcomes=outcomes,
            sink=verify_sink,
            timeout=config.verify.timeout,  # [verify] applies to replay --verify and the gate
            concurrency=config.verify.concurrency,
        )
        findings += differences
        ok = ok and all(verified)
    return ReplayResult(
        ok=ok,
        results_path=results,
        findings=findings,
        errors_by_class=summary.errors_by_class,
        latency_ms=summary.latency_ms,
        summary=summary,
        sent=sum(1 for o in outcomes if o.action_id not in done_before),
        stopped_early=stopped_early,
    )
