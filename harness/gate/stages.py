"""The gate's stages: thin adapters from each engine's result to a bundle stage entry.

Each engine is imported only when its stage runs (Locust stays out of ``import harness``).
"""

from __future__ import annotations

import dataclasses
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from harness.checks.policy import NOT_COMPARED
from harness.config import Config
from harness.events import Event, EventSink, RunFinished, RunStarted
from harness.findings import Exchange, Finding
from harness.reporting.bundle import (
    FAILED,
    NOT_RUN,
    PASSED,
    CheckRecord,
    StageSummary,
    ThresholdRecord,
)


@dataclass(frozen=True)
class StageRun:
    """What one stage left: its summary entries (replay also yields verify) and findings."""

    stages: tuple[StageSummary, ...]
    findings: tuple[Finding, ...] = ()


StageFn = Callable[[Config, EventSink, Path], StageRun]


def _status(ok: bool) -> str:
    return PASSED if ok else FAILED


def _into_bundle(source: Path | None, bundle: Path, name: str) -> str | None:
    """Put a stage's results file into the bundle (copy unless it is already there)."""
    if source is None or not Path(source).is_file():
        return None
    target = bundle / name
    if Path(source).resolve() != target.resolve():
        shutil.copyfile(source, target)
    return name


def _as_dict(row: Any) -> dict[str, Any]:
    if dataclasses.is_dataclass(row) and not isinstance(row, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(row).items()}
    if isinstance(row, dict):
        return {str(k): _plain(v) for k, v in row.items()}
    return {"value": str(row)}


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


class _VerifyClock:
    """A sink in front of ``sink`` that times verify (run inside replay) from its events.

    It keeps verify's verdict too: not ok on an error or on a read it could not compare.
    """

    def __init__(self, sink: EventSink) -> None:
        self._sink = sink
        self._started: float | None = None
        self.seconds = 0.0
        self.ok = True
        self.not_compared = 0
        self.ran = False  # replay runs verify only when every action has an outcome

    def __call__(self, event: Event) -> None:
        if isinstance(event, RunStarted) and event.kind == "verify":
            self._started = time.monotonic()
            self.ran = True
        elif isinstance(event, RunFinished) and event.kind == "verify" and self._started:
            self.seconds = time.monotonic() - self._started
            self.ok = event.ok
            lines = event.summary.splitlines()
            self.not_compared = sum(1 for line in lines if line.startswith(NOT_COMPARED))
        self._sink(event)


def replay_stage(config: Config, sink: EventSink, bundle: Path) -> StageRun:
    """Replay the scenario with the simulator's verdicts, then verify the target's state."""
    from harness.execution.replay import run_replay

    replay_cfg = replace(config.replay, results=str(bundle / "replay.jsonl"), verify=True)
    clock = _VerifyClock(sink)
    started = time.monotonic()
    result = run_replay(replace(config, replay=replay_cfg), clock)
    seconds = time.monotonic() - started - clock.seconds
    findings = tuple(result.findings)
    verify = [f for f in findings if f.stage == "verify"]
    errors = sum(result.errors_by_class.values())
    by_class = ", ".join(f"{k}: {v}" for k, v in sorted(result.errors_by_class.items()))
    own = [f for f in findings if f.stage != "verify"]
    # The engine's ok covers verify too; replay itself passed when only verify complained.
    replay_ok = errors == 0 and not own and (bool(result.ok) or bool(verify))
    stages = (
        StageSummary(
            name="replay",
            status=_status(replay_ok),
            detail=f"{errors} simulator errors" + (f" ({by_class})" if by_class else ""),
            duration_s=seconds,
            results=_into_bundle(result.results_path, bundle, "replay.jsonl"),
        ),
        _verify_summary(clock, len(verify)),
    )
    return StageRun(stages=stages, findings=findings)


def _verify_summary(clock: _VerifyClock, differences: int) -> StageSummary:
    """verify's line: not run (never passed) when replay stopped before every action ended."""
    if not clock.ran:
        return StageSummary(
            name="verify",
            status=NOT_RUN,
            detail="replay stopped before every action had an outcome: nothing was read back",
        )
    return StageSummary(
        name="verify",
        status=_status(clock.ok),
        detail=f"{differences} data differences"
        + (f"; {clock.not_compared} read(s) not compared" if clock.not_compared else ""),
        duration_s=clock.seconds,
    )


def contract_stage(
    config: Config, sink: EventSink, bundle: Path, first_latest: Exchange | None = None
) -> StageRun:
    """The conformance suite and the bounded property-based phase.

    ``first_latest`` is the gate's first ``GET /latest``, sent before any stage: what
    ``latest.fresh`` judges, since earlier stages have moved `latest` by now.
    """
    from harness.checks.contract import run_contract
    from harness.checks.contract.model import status_line

    started = time.monotonic()
    result = run_contract(config, sink, first_latest)
    checks = tuple(
        CheckRecord(name=str(c.name), status=str(c.status), detail=str(c.detail or ""))
        for c in result.checks
    )
    detail = f"{len(checks)} checks: {status_line(result.checks)}; {len(result.findings)} findings"
    stage = StageSummary(
        name="contract",
        status=_status(bool(result.ok)),
        detail=detail,
        duration_s=time.monotonic() - started,
        checks=checks,
    )
    return StageRun(stages=(stage,), findings=tuple(result.findings))


def allowlist_stage(config: Config, sink: EventSink, bundle: Path) -> StageRun:
    """IP allowlist probes (only when allowed/denied sources are configured)."""
    if not (config.allowlist.allowed_sources or config.allowlist.denied_sources):
        stage = StageSummary(
            name="allowlist",
            status=NOT_RUN,
            detail="no allowlist expectations configured ([allowlist] allowed_sources)",
        )
        return StageRun(stages=(stage,))
    from harness.probes.allowlist import run_allowlist

    started = time.monotonic()
    result = run_allowlist(config, sink)
    matrix = tuple(_matrix_row(row) for row in _iter(result.matrix))
    stage = StageSummary(
        name="allowlist",
        status=_status(bool(result.ok)),
        detail=f"{len(matrix)} probes, {len(result.findings)} findings",
        duration_s=time.monotonic() - started,
        matrix=matrix,
    )
    return StageRun(stages=(stage,), findings=tuple(result.findings))


def load_stage(config: Config, sink: EventSink, bundle: Path) -> StageRun:
    """A short load test with the configured thresholds."""
    from harness.execution.load import run_load

    load_cfg = replace(config.load, results=str(bundle / "load.jsonl"))
    started = time.monotonic()
    result = run_load(replace(config, load=load_cfg), sink)
    thresholds = tuple(_threshold(t) for t in _iter(result.thresholds))
    broken = sum(not t.passed for t in thresholds)
    stage = StageSummary(
        name="load",
        status=_status(bool(result.ok)),
        detail=f"{len(thresholds)} thresholds, {broken} violated",
        duration_s=time.monotonic() - started,
        results=_into_bundle(result.results_path, bundle, "load.jsonl"),
        thresholds=thresholds,
    )
    return StageRun(stages=(stage,), findings=tuple(getattr(result, "findings", ())))


def _iter(value: Any) -> Iterable[Any]:
    return list(value or ())


def _threshold(t: Any) -> ThresholdRecord:
    """A load threshold result (expression, observed, passed) as a bundle record."""
    observed = getattr(t, "observed", None)
    return ThresholdRecord(
        expression=str(getattr(t, "expression", t)),
        observed=float(observed) if isinstance(observed, int | float) else None,
        passed=bool(getattr(t, "passed", False)),
    )


def _text(value: Any) -> str:
    return str(getattr(value, "value", value))


def _matrix_row(row: Any) -> dict[str, Any]:
    """One allowlist probe: source x trick -> expected vs observed, and the verdict."""
    probe = getattr(row, "probe", None)
    if probe is None:
        return _as_dict(row)
    return {
        "source": _text(probe.source),
        "trick": _text(probe.trick),
        "path": _text(probe.path),
        "expected": _text(probe.expect),
        "observed": f"{_text(row.observed)} ({_text(row.detail)})",
        "verdict": _text(row.verdict),
    }


def drill_stage(config: Config, sink: EventSink, bundle: Path) -> StageRun:
    """The operation of ``[drill] during`` rehearsed under traffic (only when configured)."""
    if not (config.drill.during or config.drill.manual):
        stage = StageSummary(
            name="drill", status=NOT_RUN, detail="no operation configured ([drill] during)"
        )
        return StageRun(stages=(stage,))
    from harness.execution.drill import run_drill
    from harness.reporting.drill_report import write_drill_report

    results = bundle / "drill.json"
    started = time.monotonic()
    result = run_drill(replace(config, drill=replace(config.drill, results=str(results))), sink)
    write_drill_report(result.document, results)
    stage = StageSummary(
        name="drill",
        status=_status(result.ok),
        detail="; ".join(result.verdict.reasons) or result.document["lost_summary"],
        duration_s=time.monotonic() - started,
        results=_into_bundle(Path(result.document["traffic_results"]), bundle, "drill.jsonl"),
    )
    return StageRun(stages=(stage,), findings=tuple(result.findings))


#: Every stage the gate knows, by the name used in ``[check] stages``.
STAGES: dict[str, StageFn] = {
    "replay": replay_stage,
    "contract": contract_stage,
    "allowlist": allowlist_stage,
    "load": load_stage,
    "drill": drill_stage,
}
