"""The results bundle: one directory per gate run, read by every report.

Layout: ``summary.json`` (format id + version, the verdict and one entry per stage),
``findings.json`` (every finding), the stages' results files (``replay.jsonl``,
``load.jsonl``: the versioned JSONL of :mod:`harness.results`) and ``report/``.
A bare results file (``replay.jsonl``) is accepted wherever a bundle is, as a target
with one stage.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from harness.checks.drill import DrillVerdict
from harness.constants import DRILL_FORMAT, FORMAT_VERSION, SUMMARY_FORMAT
from harness.errors import InputError
from harness.findings import Finding
from harness.reporting.findings_json import (
    findings_document,
    read_findings_json,
    write_findings_json,
)
from harness.results import Outcome, read_records

SUMMARY_FILE = "summary.json"
FINDINGS_FILE = "findings.json"

#: Stage status values; ``error`` means the tool could not run the stage.
PASSED, FAILED, NOT_RUN, ERROR = "passed", "failed", "not-run", "error"


@dataclass(frozen=True)
class CheckRecord:
    """One named check of a stage and how it ended."""

    name: str
    status: str  # passed, failed, not-run, inconclusive
    detail: str = ""


@dataclass(frozen=True)
class ThresholdRecord:
    """One load threshold: the expression, the observed value, and whether it held."""

    expression: str
    observed: float | None
    passed: bool


@dataclass(frozen=True)
class StageSummary:
    """How one stage of the gate ended."""

    name: str
    status: str
    detail: str = ""
    duration_s: float = 0.0
    results: str | None = None  # results file name inside the bundle
    checks: tuple[CheckRecord, ...] = ()
    thresholds: tuple[ThresholdRecord, ...] = ()
    matrix: tuple[dict[str, Any], ...] = ()  # allowlist rows: source, trick, expected, observed

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StageSummary:
        """Inverse of :func:`dataclasses.asdict`."""
        return cls(
            name=data["name"],
            status=data["status"],
            detail=data.get("detail", ""),
            duration_s=float(data.get("duration_s", 0.0)),
            results=data.get("results"),
            checks=tuple(CheckRecord(**c) for c in data.get("checks", [])),
            thresholds=tuple(ThresholdRecord(**t) for t in data.get("thresholds", [])),
            matrix=tuple(data.get("matrix", [])),
        )


@dataclass(frozen=True)
class Summary:
    """The top of a bundle: which target, when, the verdict, the stages."""

    label: str
    target: str | None
    started: float
    finished: float
    status: str  # passed, failed, error
    stages: tuple[StageSummary, ...] = ()
    embedded: bool = False  # the target was the reference app started by the gate
    scenario: str | None = None
    harness_version: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document, with format id and version first."""
        body = asdict(self)
        return {"format": SUMMARY_FORMAT, "version": FORMAT_VERSION, **body}

    @classmethod
    def from_dict(cls, data: dict[str, Any], where: str) -> Summary:
        """Parse a summary document; a wrong format or version is an InputError."""
        if data.get("format") != SUMMARY_FORMAT:
            raise InputError("not a minitwit-harness summary", path=where)
        if data.get("version") != FORMAT_VERSION:
            raise InputError(f"unsupported summary version {data.get('version')}", path=where)
        try:
            return cls(
                label=str(data["label"]),
                target=data.get("target"),
                started=float(data["started"]),
                finished=float(data["finished"]),
                status=str(data["status"]),
                stages=tuple(StageSummary.from_dict(s) for s in data.get("stages", [])),
                embedded=bool(data.get("embedded", False)),
                scenario=data.get("scenario"),
                harness_version=str(data.get("harness_version", "")),
                extra=dict(data.get("extra", {})),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"malformed summary: {exc}", path=where) from None

    def stage(self, name: str) -> StageSummary | None:
        """The stage called ``name``, if it is in the bundle."""
        return next((s for s in self.stages if s.name == name), None)


@dataclass(frozen=True)
class Bundle:
    """A bundle as read back: summary, findings, and each stage's outcomes."""

    path: Path
    summary: Summary
    findings: tuple[Finding, ...]
    outcomes: dict[str, tuple[Outcome, ...]]  # stage name -> outcomes in file order

    @property
    def label(self) -> str:
        """The name under which the report shows this target."""
        return self.summary.label


def write_summary(directory: Path, summary: Summary) -> Path:
    """Write ``summary.json`` into ``directory`` (atomically: a reader never sees half)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / SUMMARY_FILE
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(summary.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    return path


def write_bundle_findings(
    directory: Path, findings: Sequence[Finding], *, target: str | None = None, ok: bool = True
) -> Path:
    """Write ``findings.json`` (the contract's versioned findings document) into ``directory``."""
    path = directory / FINDINGS_FILE
    write_findings_json(path, findings_document(findings, stage="gate", target=target, ok=ok))
    return path


def read_findings(path: Path) -> list[Finding]:
    """Read a versioned findings file; problems are InputErrors naming the file."""
    _, findings, _ = read_findings_json(path)
    return findings


def _outcomes(path: Path) -> tuple[Outcome, ...]:
    out: list[Outcome] = []
    for rec in read_records(path):
        if rec.get("type") != "outcome":
            continue
        try:
            out.append(Outcome.from_record(rec))
        except TypeError as exc:
            raise InputError(f"malformed outcome record: {exc}", path=str(path)) from None
    return tuple(out)


def _bare_results(path: Path) -> Bundle:
    """A lone results file as a one-stage bundle (label: the file name)."""
    header = next(read_records(path), {})
    kind = str(header.get("kind") or "replay")
    outcomes = _outcomes(path)
    errors = sum(1 for o in outcomes if o.verdict != "ok")
    times = [o.started for o in outcomes] + [o.finished for o in outcomes]
    stage = StageSummary(
        name=kind,
        status=FAILED if errors else PASSED,
        detail=f"{len(outcomes)} requests, {errors} errors",
        results=path.name,
    )
    summary = Summary(
        label=path.stem,
        target=header.get("target"),
        started=min(times, default=0.0),
        finished=max(times, default=0.0),
        status=stage.status,
        stages=(stage,),
    )
    return Bundle(path=path, summary=summary, findings=(), outcomes={kind: outcomes})


def drill_file(path: Path) -> dict[str, Any] | None:
    """The document of a standalone drill results file (``drill.json``), else None."""
    if path.suffix != ".json" or not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError):
        return None
    if not isinstance(doc, dict) or doc.get("format") != DRILL_FORMAT:
        return None
    if doc.get("version") != FORMAT_VERSION:
        raise InputError(f"unsupported drill results version {doc.get('version')}", path=str(path))
    return doc


def _drill_results(path: Path, doc: dict[str, Any]) -> Bundle:
    """A standalone drill (``drill`` run alone) as a one-stage bundle: its verdict, findings
    and, when its ``traffic.jsonl`` is still where the drill wrote it or beside the file,
    every outcome."""
    traffic = next(
        (
            t
            for t in (Path(str(doc.get("traffic_results") or "")), path.parent / "traffic.jsonl")
            if t.name and t.is_file()
        ),
        None,
    )
    outcomes = tuple(_outcomes(traffic)) if traffic is not None else ()
    reasons = doc["verdict"]["reasons"]
    checks = doc["verdict"].get("checks") or ["drill.failed"] * len(reasons)  # older files
    verdict = DrillVerdict(list(zip(checks, reasons, strict=True)))
    target = doc.get("target")
    findings = (
        *verdict.findings(target),
        *(replace(Finding.from_dict(f), stage="drill") for f in doc.get("findings", [])),
    )
    stage = StageSummary(
        name="drill",
        status=PASSED if verdict.ok else FAILED,
        detail=doc.get("lost_summary") or "",
        results=str(traffic) if traffic is not None else None,
    )
    times = [o.started for o in outcomes] + [o.finished for o in outcomes]
    summary = Summary(
        label=path.parent.name if path.stem == "drill" else path.stem,
        target=target,
        started=min(times, default=float(doc.get("started") or 0.0)),
        finished=max(times, default=float(doc.get("started") or 0.0)),
        status=stage.status,
        stages=(stage,),
    )
    return Bundle(path=path, summary=summary, findings=findings, outcomes={"drill": outcomes})


def read_bundle(path: str | Path, label: str | None = None) -> Bundle:
    """Read a bundle directory, a bare results file or a standalone ``drill.json``;
    problems are InputErrors."""
    p = Path(path)
    drill = drill_file(p)
    if drill is not None:
        bundle = _drill_results(p, drill)
    elif p.is_file():
        bundle = _bare_results(p)
    elif p.is_dir():
        summary_path = p / SUMMARY_FILE
        if not summary_path.is_file():
            raise InputError(f"no {SUMMARY_FILE} here: not a results bundle", path=str(p))
        try:
            data = json.loads(summary_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc}", path=str(summary_path)) from None
        summary = Summary.from_dict(data, str(summary_path))
        findings_path = p / FINDINGS_FILE
        findings = tuple(read_findings(findings_path)) if findings_path.is_file() else ()
        outcomes = {
            s.name: _outcomes(p / s.results) for s in summary.stages if s.results is not None
        }
        bundle = Bundle(path=p, summary=summary, findings=findings, outcomes=outcomes)
    else:
        raise InputError("results bundle not found", path=str(p))
    if label:
        bundle = replace(bundle, summary=replace(bundle.summary, label=label))
    return bundle


def unique_labels(bundles: Iterable[Bundle]) -> list[Bundle]:
    """Make labels unique (``name``, ``name (2)``, ...) so columns never merge."""
    seen: dict[str, int] = {}
    out: list[Bundle] = []
    for b in bundles:
        n = seen.get(b.label, 0) + 1
        seen[b.label] = n
        if n > 1:
            b = replace(b, summary=replace(b.summary, label=f"{b.label} ({n})"))
        out.append(b)
    return out
