"""The allowlist probe stage: plan, send from each source, judge, report findings."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.config import Config
from harness.constants import FORMAT_VERSION
from harness.errors import HarnessError
from harness.events import (
    CheckFinished,
    EventSink,
    FindingReported,
    RunFinished,
    RunStarted,
    null_sink,
)
from harness.findings import Exchange, Finding, Severity
from harness.probes.judge import (
    NOT_SENT,
    STAGE,
    MatrixRow,
    ProbeVerdict,
    findings_for,
    judge_matrix,
)
from harness.probes.send import check_reachable, check_route, check_source, parse_target, send
from harness.probes.tricks import DIRECT, Probe, plan_probes
from harness.target import Target

ALLOWLIST_FORMAT = "minitwit-harness.allowlist"
CHECKS = (
    "allowlist.allowed-source-locked-out",
    "allowlist.denied-source-let-in",
    "allowlist.open",
    "allowlist.spoofed-header-accepted",
)


@dataclass(frozen=True)
class AllowlistResult:
    """The outcome of one allowlist stage: the matrix and the findings it produced."""

    target: str
    matrix: list[MatrixRow]
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no finding is an error (warnings do not fail the stage)."""
        return not any(f.severity is Severity.ERROR for f in self.findings)

    def counts(self) -> dict[str, int]:
        """Rows per verdict."""
        out = {str(v): 0 for v in ProbeVerdict}
        for row in self.matrix:
            out[str(row.verdict)] += 1
        return out

    def summary(self) -> str:
        """One line: how many probes, and how they were judged."""
        counts = self.counts()
        line = (
            f"{len(self.matrix)} probes: {counts['pass']} passed, {counts['fail']} failed, "
            f"{counts['moot']} not judged"
        )
        if counts["info"]:  # reported apart: an open /latest is legitimate
            line += f"; /latest open to {counts['info']} denied probe(s) (information)"
        return line

    def to_dict(self) -> dict[str, Any]:
        """The versioned JSON form (matrix rows without their full exchanges)."""
        return {
            "format": ALLOWLIST_FORMAT,
            "version": FORMAT_VERSION,
            "target": self.target,
            "ok": self.ok,
            "counts": self.counts(),
            "matrix": [
                {
                    "source": r.probe.source,
                    "trick": r.probe.trick,
                    "path": r.probe.path,
                    "claimed": r.probe.claimed,
                    "headers": [list(h) for h in r.probe.headers],
                    "expected": str(r.probe.expect),
                    "observed": str(r.observed),
                    "detail": r.detail,
                    "verdict": str(r.verdict),
                }
                for r in self.matrix
            ],
            "findings": [f.to_dict() for f in self.findings],
        }


def _prepare_output(path: str | Path) -> Path:
    """Create the folder of ``path`` now, so a bad path fails before any probe is sent."""
    out = Path(path)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HarnessError(f"cannot write {out}: {exc.strerror}") from None
    if out.is_dir():
        raise HarnessError(f"cannot write {out}: it is a directory")
    return out


def write_json(result: AllowlistResult, path: str | Path) -> None:
    """Write the result as versioned JSON; an unwritable path is a one-line error."""
    out = _prepare_output(path)
    try:
        out.write_text(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
    except OSError as exc:
        raise HarnessError(f"cannot write {out}: {exc.strerror}") from None


def _send_all(target: Target, probes: list[Probe], timeout: float) -> list[Exchange]:
    """Send in plan order; skip the tricks of a source whose plain probe got no answer.

    Headers cannot matter when the connection itself is refused or dropped, and a dropping
    firewall would make every trick wait for the full timeout.
    """
    dropped: set[tuple[str, str]] = set()
    exchanges: list[Exchange] = []
    for probe in probes:
        key = (probe.source, probe.path)
        if probe.trick != DIRECT and key in dropped:
            exchanges.append(Exchange("GET", target.url(probe.path), error=NOT_SENT))
            continue
        exchange = send(target, probe, timeout)
        if probe.trick == DIRECT and exchange.status is None:
            dropped.add(key)
        exchanges.append(exchange)
    return exchanges


def _report_checks(findings: list[Finding], spoofed: bool, sink: EventSink) -> None:
    """One CheckFinished per kind of allowlist problem."""
    failed = {f.check for f in findings}
    for name in CHECKS:
        skipped = None
        if name == "allowlist.spoofed-header-accepted" and not spoofed:
            skipped = "no spoofing probes (spoofing off or no denied source)"
        sink(CheckFinished(name=name, passed=name not in failed, skipped_reason=skipped))


def run_allowlist(config: Config, sink: EventSink = null_sink) -> AllowlistResult:
    """Probe ``config.target`` from every configured source; raise HarnessError if it can't."""
    settings = config.allowlist
    target = parse_target(config.target)
    probes = plan_probes(
        settings.allowed_sources,
        settings.denied_sources,
        settings.paths,
        spoof_as=settings.spoof_as,
        spoofing=settings.spoofing,
    )
    for source in dict.fromkeys(p.source for p in probes):
        check_source(source, target)
    check_reachable(target, settings.timeout)
    for source in dict.fromkeys(p.source for p in probes):
        check_route(source, target, settings.timeout)
    if settings.json:
        _prepare_output(settings.json)
    sink(RunStarted(kind=STAGE, target=target.base_url, total=len(probes)))
    exchanges = _send_all(target, probes, settings.timeout)
    rows = judge_matrix(probes, exchanges, judge_latest=settings.judge_latest)
    findings = findings_for(rows, target.base_url)
    for finding in findings:
        sink(FindingReported(finding))
    result = AllowlistResult(target.base_url, rows, findings)
    _report_checks(findings, settings.spoofing and bool(settings.denied_sources), sink)
    sink(RunFinished(kind=STAGE, ok=result.ok, summary=result.summary()))
    if settings.json:
        write_json(result, settings.json)
    return result
