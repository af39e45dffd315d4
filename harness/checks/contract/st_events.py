"""Reading Schemathesis' NDJSON events: failed checks become findings with their exchange."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from harness.checks.contract.bodies import judge_error_body, title_causes
from harness.checks.contract.client import Crash, Reply, parse_json
from harness.checks.contract.context import STAGE
from harness.checks.policy import Behaviour, severity
from harness.findings import Exchange, Finding, Profile, Severity
from harness.liveness import Failure

#: The test phases (the others are internal: probing, schema analysis, auth bootstrap).
TEST_PHASES = ("examples", "coverage", "fuzzing", "stateful")

#: Schemathesis checks whose failure is an error of the target (a 5xx); the rest are warnings.
ERROR_CHECKS = frozenset({"not_a_server_error"})

#: Schemathesis checks about a body's shape or media type (the rest judge statuses).
SHAPE_CHECKS = frozenset(
    {"response_schema_conformance", "content_type_conformance", "response_headers_conformance"}
)

#: Suite checks whose quirk holds for every endpoint (the suite probes one of them).
API_WIDE_QUIRKS = frozenset({"http.missing-content-type"})

_FINISHED = ("ScenarioFinished", "FuzzScenarioFinished")


@dataclass
class StSummary:
    """Findings of one Schemathesis run and how it ended."""

    findings: list[Finding] = field(default_factory=list)
    crashes: list[Crash] = field(default_factory=list)
    merged: int = 0  # failures whose behaviour a deterministic check already reported
    # id of a finding -> the suite checks whose finding would name its cause (see causes.py)
    causes: dict[int, tuple[str, ...]] = field(default_factory=dict)
    cases: int = 0
    stop_reason: str | None = None
    phases: dict[str, str] = field(default_factory=dict)  # test phase -> success, failure, ...


def endpoint(operation: str) -> str:
    """``POST /msgs/{username}`` -> ``POST /msgs/<user>`` (the suite's endpoint names)."""
    return re.sub(r"\{[^}]+\}", "<user>", operation)


def _text(blob: Any) -> str | None:
    if not isinstance(blob, dict):
        return None
    if "$base64" in blob:
        return base64.b64decode(blob["$base64"]).decode("utf-8", errors="replace")
    return str(blob.get("string", "")) or None


def _headers(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict):
        return {}
    return {k: ", ".join(v) if isinstance(v, list) else str(v) for k, v in raw.items()}


def exchange_of(interaction: dict[str, Any]) -> Exchange:
    """The harness' Exchange for one recorded Schemathesis interaction."""
    req = interaction.get("request") or {}
    resp = interaction.get("response") or {}
    elapsed = resp.get("elapsed")
    headers = _headers(resp.get("headers"))
    body = _text(resp.get("content"))
    # Schemathesis keeps only the start of a large body (RECORDED_BODY_BYTES); a HEAD
    # answer announces a length it never sends.
    length = next((v for k, v in headers.items() if k.lower() == "content-length"), "")
    cut = bool(body) and length.isdigit() and int(length) > len((body or "").encode())
    return Exchange(
        method=str(req.get("method", "")),
        url=str(req.get("uri", "")),
        request_headers=_headers(req.get("headers")),
        request_body=_text(req.get("body")),
        status=resp.get("status_code"),
        response_headers=headers,
        response_body=body,
        error=None if resp else "no response",
        elapsed_ms=elapsed * 1000 if isinstance(elapsed, int | float) else None,
        response_body_size=int(length) if cut else None,
    )


def _quirk_for(where: str, exchange: Exchange, known: list[Finding]) -> str | None:
    """The suite's check whose quirk this failure repeats, or None.

    A 4xx/5xx repeats a quirk the suite found on the same endpoint with the same status (or
    anywhere, for a quirk of the whole API such as the 415); below 500, an HTML error body
    of a status the course reference answers with HTML is that quirk by definition.
    """
    status = exchange.status
    if status is None or status < 400:
        return None
    for finding in known:
        if finding.severity is not Severity.QUIRK:
            continue
        if not any(e.status == status for e in finding.evidence):
            continue
        if finding.where == where or finding.check in API_WIDE_QUIRKS:
            return finding.check
    if status >= 500:
        return None  # a 500 only counts as a quirk where the suite saw that quirk
    body = (exchange.response_body or "").encode()
    verdict = judge_error_body(Reply(exchange, parse_json(body)))
    if verdict is not None and verdict.severity is Severity.QUIRK:
        return verdict.check
    return None


#: Schemathesis checks about the body's media type or the credentials: the suite's checks of
#: the same behaviour hold for the whole API, whichever endpoint Schemathesis saw it on.
_API_WIDE = {
    "content_type_conformance": ("http.json-content-type", "http.error-body-json"),
    "ignored_auth": ("auth.",),
}


def named_by(
    check: str,
    where: str,
    exchange: Exchange,
    known: list[Finding],
    *,
    no_credentials: bool = False,
) -> str | None:
    """The deterministic check whose finding already names this failure's behaviour, or None.

    Same behaviour: the same kind of problem anywhere in the API (media type, credentials),
    an answer with the status of a quirk of the whole API (the 415 of a missing Content-Type),
    or any answer with the same status on the same endpoint (a HEAD answer also repeats what
    GET of that path answered: HEAD is GET without the body; not the other way round).
    Whatever a request without valid credentials (``no_credentials``) got wrong is how the
    target treats missing credentials, which the suite's auth checks judge.
    """
    suite = [f for f in known if "." in f.check and not f.check.startswith("schemathesis.")]
    if no_credentials:
        auth = _API_WIDE["ignored_auth"]
        named = next((f.check for f in suite if f.check.startswith(auth)), None)
        if named is not None:
            return named
    prefixes = _API_WIDE.get(check)
    if prefixes is not None:
        return next((f.check for f in suite if f.check.startswith(prefixes)), None)
    status = exchange.status
    for finding in suite:
        same_status = any(e.status == status for e in finding.evidence)
        same_endpoint = finding.where in (where, _as_get(where))
        everywhere = finding.check in API_WIDE_QUIRKS
        if status is not None and (same_endpoint or everywhere) and same_status:
            return finding.check
    return None


def _as_get(where: str) -> str:
    """``HEAD /msgs`` -> ``GET /msgs``: the endpoint a HEAD request answers as."""
    return f"GET {where[5:]}" if where.startswith("HEAD ") else where


def _behaviour(check: str) -> Behaviour:
    """What a failed Schemathesis check (other than a 5xx) saw, for the severity policy."""
    return Behaviour.BODY_SHAPE if check in SHAPE_CHECKS else Behaviour.NORMATIVE


def _finding(
    check: str, info: dict[str, Any], exchange: Exchange, target: str, known: list[Finding]
) -> Finding:
    failure = info.get("failure") or {}
    operation = str(failure.get("operation") or f"{exchange.method} ?")
    where = endpoint(operation)
    title = str(failure.get("title") or check)
    message = str(failure.get("message") or title).strip().splitlines()
    text = f"{failure.get('code', '')} {title}: {' / '.join(message[:3])}".strip()
    server_error = exchange.status is not None and exchange.status >= 500
    seen = Behaviour.SERVER_ERROR if check in ERROR_CHECKS or server_error else _behaviour(check)
    profile = Profile.STRICT
    quirk = _quirk_for(where, exchange, known)
    if quirk is not None:
        seen, profile = Behaviour.QUIRK, Profile.QUIRK
        text += f" (same quirk as {quirk})"
    return Finding(
        check=f"schemathesis.{check}",
        severity=severity(seen),
        profile=profile,
        message=text,
        stage=STAGE,
        target=target,
        where=where,
        evidence=(exchange,),
    )


def _negative(case: Any) -> set[str]:
    """The parts of a request (query, header, body, path) Schemathesis made invalid."""
    meta = ((case or {}).get("value") or {}).get("meta") or {}
    components = meta.get("components") or {}
    return {name for name, c in components.items() if (c or {}).get("mode") == "negative"}


def _only_query_negative(case: Any) -> bool:
    """Whether only the query string (or the Authorization header) was made invalid.

    Every query value of the API is accepted (`latest` and `no` ignore what does not parse,
    unknown parameters are ignored, as HTTP APIs do), so accepting it is no finding. The only
    header is Authorization, whose absence or wrong value the suite's auth checks judge.
    """
    return _negative(case) <= {"query", "header"}


class _CrashWatch:
    """Requests of the recording that crashed the target (Schemathesis goes on regardless)."""

    def __init__(self, summary: StSummary) -> None:
        self.summary = summary
        self.last_answered: dict[str, Any] | None = None  # converted only when blamed
        self.last_error = ""
        self.down = False

    def error(self, event: dict[str, Any]) -> None:
        value = event.get("value") or {}
        self.last_error = f"{value.get('type', '')}: {value.get('message', '')}"

    def interactions(self, interactions: dict[str, Any]) -> None:
        for interaction in interactions.values():
            if interaction.get("response"):
                self.last_answered, self.down = interaction, False
                continue
            exchange = exchange_of(interaction)
            refused = "NewConnectionError" in self.last_error or "refused" in self.last_error
            if refused and self.down:
                continue  # still down from the crash already named
            how = Failure.REFUSED if refused else Failure.DROPPED
            exchange = replace(exchange, error="ConnectionError")
            blamed = exchange
            if refused and self.last_answered is not None:
                blamed = exchange_of(self.last_answered)
            self.summary.crashes.append(Crash(blamed, exchange, how, None, waited=False))
            self.down = refused


def read_failures(path: Path, target: str, known: list[Finding]) -> StSummary:
    """Findings from an NDJSON event file, one per (check, operation, failure title)."""
    summary = StSummary()
    seen: set[tuple[str, str, str]] = set()
    crashes = _CrashWatch(summary)
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith('{"NonFatalError"'):
                crashes.error(json.loads(line)["NonFatalError"])
                continue
            if line.startswith('{"PhaseFinished"'):
                finished = json.loads(line)["PhaseFinished"]
                name = (finished.get("phase") or {}).get("name")
                if name in TEST_PHASES:
                    summary.phases[name] = str(finished.get("status"))
                continue
            if line.startswith('{"EngineFinished"'):
                summary.stop_reason = json.loads(line)["EngineFinished"].get("stop_reason")
                continue
            if not line.startswith(tuple('{"' + name for name in _FINISHED)):
                continue
            event = next(iter(json.loads(line).values()))
            recorder = event.get("recorder") or {}
            summary.cases += len(recorder.get("cases") or {})
            interactions = recorder.get("interactions") or {}
            crashes.interactions(interactions)
            if event.get("status") != "failure":
                continue
            for case_id, checks in (recorder.get("checks") or {}).items():
                for check in checks:
                    if check.get("status") != "failure" or case_id not in interactions:
                        continue
                    case = (recorder.get("cases") or {}).get(case_id)
                    if check["name"] == "negative_data_rejection" and _only_query_negative(case):
                        continue
                    info = check.get("failure_info") or {}
                    failure = info.get("failure") or {}
                    key = (check["name"], str(failure.get("operation")), str(failure.get("title")))
                    if key in seen:
                        continue
                    seen.add(key)
                    exchange = exchange_of(interactions[case_id])
                    where = endpoint(str(failure.get("operation") or f"{exchange.method} ?"))
                    dropped = "header" in _negative(case)  # Authorization, the only header
                    if named_by(check["name"], where, exchange, known, no_credentials=dropped):
                        summary.merged += 1  # one cause, one finding: the suite's
                        continue
                    finding = _finding(check["name"], info, exchange, target, known)
                    causes = title_causes(str(failure.get("title") or ""))
                    if causes:
                        summary.causes[id(finding)] = causes
                    summary.findings.append(finding)
    return summary
