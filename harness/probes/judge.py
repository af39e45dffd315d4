"""Judging allowlist probes (pure): classify each answer, then turn the matrix into findings.

A probe carries the simulator credentials, so a 401/403 means the request was refused for
its origin; a 403 whose ``error_msg`` is the auth message is told apart (the spec wants a
distinct denial message). Spoofing rows are only judged where the same source's plain probe
on the same path was denied, so one open allowlist is reported once, not once per trick.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from harness.findings import Exchange, Finding, Profile, Severity
from harness.probes.tricks import DIRECT, Expect, Probe

AUTH_MESSAGE = "You are not authorized to use this resource!"
STAGE = "allowlist"
MAX_EVIDENCE = 3
#: Error of a probe not sent because its source's plain probe got no answer at all.
NOT_SENT = "NotSent"


class Observed(StrEnum):
    """What the target did with a probe."""

    ALLOWED = "allowed"  # it reached the API (any status but 401/403/5xx)
    DENIED = "denied"  # 401/403 with its own message
    DENIED_AUTH = "denied-auth"  # 403 carrying the auth message
    NO_ANSWER = "no-answer"  # connection refused/reset or timeout
    SERVER_ERROR = "server-error"  # 5xx


class ProbeVerdict(StrEnum):
    """How a row of the matrix was judged."""

    PASS = "pass"
    FAIL = "fail"
    MOOT = "moot"  # not judged: the plain probe from that source failed, or was dropped
    INFO = "info"  # /latest open to a denied source: legitimate (the dashboard polls it)


@dataclass(frozen=True)
class MatrixRow:
    """One probe with what was expected, what was observed, and the verdict."""

    probe: Probe
    observed: Observed
    detail: str  # e.g. "403", "200", "ConnectionError"
    verdict: ProbeVerdict
    exchange: Exchange


def classify(exchange: Exchange) -> Observed:
    """The class of one answer."""
    status = exchange.status
    if status is None:
        return Observed.NO_ANSWER
    if status >= 500:
        return Observed.SERVER_ERROR
    if status == 403 and _error_msg(exchange.response_body) == AUTH_MESSAGE:
        return Observed.DENIED_AUTH
    if status in (401, 403):
        return Observed.DENIED
    return Observed.ALLOWED


def _error_msg(body: str | None) -> str | None:
    try:
        data = json.loads(body or "")
    except ValueError:
        return None
    msg = data.get("error_msg") if isinstance(data, dict) else None
    return msg if isinstance(msg, str) else None


def _passes(expect: Expect, observed: Observed) -> bool:
    if expect is Expect.ALLOWED:
        return observed is Observed.ALLOWED
    # A dropped connection is a legitimate way to deny (a firewall in front of the app).
    return observed in (Observed.DENIED, Observed.DENIED_AUTH, Observed.NO_ANSWER)


def open_latest(probe: Probe, observed: Observed) -> bool:
    """A denied source let in on ``/latest``: information, not a failure (see the README)."""
    path = probe.path.split("?")[0].rstrip("/")
    denied = probe.expect is Expect.DENIED
    return path.endswith("/latest") and denied and observed is Observed.ALLOWED


def judge_matrix(
    probes: Sequence[Probe], exchanges: Sequence[Exchange], *, judge_latest: bool = False
) -> list[MatrixRow]:
    """The matrix: one row per probe, spoofing rows moot where the plain probe failed.

    Unless ``judge_latest``, a denied source let in on ``/latest`` is ``info``: many
    deployments leave it open to everyone on purpose (the course dashboard polls it).
    """
    observed = [classify(e) for e in exchanges]
    plain_ok = {
        (p.source, p.path): _passes(p.expect, o)
        for p, o in zip(probes, observed, strict=True)
        if p.trick == DIRECT
    }
    rows: list[MatrixRow] = []
    for probe, obs, exchange in zip(probes, observed, exchanges, strict=True):
        if exchange.error == NOT_SENT or (
            probe.trick != DIRECT and not plain_ok.get((probe.source, probe.path), True)
        ):
            verdict = ProbeVerdict.MOOT
        elif not judge_latest and open_latest(probe, obs):
            verdict = ProbeVerdict.INFO
        else:
            verdict = ProbeVerdict.PASS if _passes(probe.expect, obs) else ProbeVerdict.FAIL
        detail = exchange.error or str(exchange.status)
        rows.append(MatrixRow(probe, obs, detail, verdict, exchange))
    return rows


def _finding(
    check: str,
    message: str,
    rows: Sequence[MatrixRow],
    target: str | None,
    *,
    severity: Severity = Severity.ERROR,
    profile: Profile = Profile.STRICT,
) -> Finding:
    where = ", ".join(sorted({f"GET {r.probe.path.split('?')[0]}" for r in rows}))
    evidence = tuple(r.exchange for r in rows[:MAX_EVIDENCE])
    return Finding(check, severity, profile, message, STAGE, target, where, evidence)


def _by_source(rows: Sequence[MatrixRow]) -> dict[str, list[MatrixRow]]:
    out: dict[str, list[MatrixRow]] = {}
    for row in rows:
        out.setdefault(row.probe.source, []).append(row)
    return out


def _describe(rows: Sequence[MatrixRow]) -> str:
    return "; ".join(f"{r.probe.trick} {r.probe.path} -> {r.observed} {r.detail}" for r in rows)


def findings_for(rows: Sequence[MatrixRow], target: str | None = None) -> list[Finding]:
    """Findings from a judged matrix (one per problem and source, with evidence)."""
    failed = [r for r in rows if r.verdict is ProbeVerdict.FAIL]
    errors = [r for r in failed if r.observed is Observed.SERVER_ERROR]
    failed = [r for r in failed if r.observed is not Observed.SERVER_ERROR]
    findings: list[Finding] = []
    locked = [r for r in failed if r.probe.expect is Expect.ALLOWED]
    for source, group in _by_source(locked).items():
        findings.append(
            _finding(
                "allowlist.allowed-source-locked-out",
                f"allowed source locked out: {source} was refused ({_describe(group)})",
                group,
                target,
                profile=Profile.SIMULATOR,
            )
        )
    denied_plain = [
        r
        for r in rows
        if r.probe.expect is Expect.DENIED
        and r.probe.trick == DIRECT
        and r.verdict is not ProbeVerdict.INFO
    ]
    let_in = [r for r in denied_plain if r.observed is Observed.ALLOWED]
    if denied_plain and len(let_in) == len(denied_plain):
        sources = ", ".join(sorted({r.probe.source for r in let_in}))
        findings.append(
            _finding(
                "allowlist.open",
                f"allowlist open: every denied source was let in ({sources})",
                let_in,
                target,
            )
        )
    else:
        for source, group in _by_source(let_in).items():
            findings.append(
                _finding(
                    "allowlist.denied-source-let-in",
                    f"denied source let in: {source} ({_describe(group)})",
                    group,
                    target,
                )
            )
    spoofed = [r for r in failed if r.probe.expect is Expect.DENIED and r.probe.trick != DIRECT]
    for source, group in _by_source(spoofed).items():
        tricks = ", ".join(dict.fromkeys(r.probe.trick for r in group))
        claims = " or ".join(dict.fromkeys(str(r.probe.claimed) for r in group))
        findings.append(
            _finding(
                "allowlist.spoofed-header-accepted",
                f"spoofed header accepted: denied source {source} got in by claiming "
                f"{claims} ({tricks})",
                group,
                target,
            )
        )
    if errors:
        findings.append(
            _finding(
                "allowlist.server-error",
                f"server error on allowlist probes: {_describe(errors[:MAX_EVIDENCE])}",
                errors,
                target,
            )
        )
    auth_denials = [
        r for r in rows if r.observed is Observed.DENIED_AUTH and r.probe.expect is Expect.DENIED
    ]
    if auth_denials:
        findings.append(
            _finding(
                "allowlist.denial-message",
                "denial message not distinct: refused with the auth message instead of one "
                "saying the address is not allowed",
                auth_denials,
                target,
                severity=Severity.WARNING,
            )
        )
    return findings
