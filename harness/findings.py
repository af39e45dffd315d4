"""Findings about the target, as data (never mixed with errors of the tool itself)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

#: The check of every crash: a request answered by a dropped connection, or after which the
#: target stopped answering.
CRASH_CHECK = "target.crash"

#: Characters of a body kept in evidence; the rest is cut and the whole size noted, so a
#: target answering megabytes never makes a findings file of megabytes.
BODY_LIMIT = 2000

#: Request headers a reproduction needs (the rest is the client's own: User-Agent, ...).
_CURL_SKIP = frozenset({"content-length", "user-agent", "accept-encoding", "accept"})

_ENDPOINT = re.compile(r"(/latest|/register|/msgs(?:/[^/]+)?|/fllws/[^/]+)/?$")


class Severity(StrEnum):
    """How bad a finding is; ``quirk`` matches a known quirk of the course reference."""

    ERROR = "error"
    WARNING = "warning"
    QUIRK = "quirk"


class Profile(StrEnum):
    """Which layer of the spec a finding belongs to."""

    SIMULATOR = "simulator"  # the course simulator would log it
    STRICT = "strict"  # the normative API
    QUIRK = "reference-quirk"  # a known quirk of the course reference


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and its response (or the error instead of a response)."""

    method: str
    url: str
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: str | None = None
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str | None = None
    error: str | None = None  # ConnectionError, ReadTimeout, ...
    elapsed_ms: float | None = None
    # Size of the whole body when the body above was cut (characters; bytes when it was cut
    # as it arrived), else None.
    request_body_size: int | None = None
    response_body_size: int | None = None

    def clipped(self, limit: int = BODY_LIMIT) -> Exchange:
        """This exchange with both bodies cut at ``limit`` characters (sizes noted)."""
        req, resp = self.request_body, self.response_body
        if (req is None or len(req) <= limit) and (resp is None or len(resp) <= limit):
            return self
        changes: dict[str, Any] = {}
        if req is not None and len(req) > limit:
            size = self.request_body_size or len(req)  # cut before: the size it noted
            changes |= {"request_body": req[:limit], "request_body_size": size}
        if resp is not None and len(resp) > limit:
            size = self.response_body_size or len(resp)
            changes |= {"response_body": resp[:limit], "response_body_size": size}
        return replace(self, **changes)

    def curl(self) -> str:
        """The one command that sends this request again."""
        parts = ["curl", "-i", "-X", self.method, shlex.quote(self.url)]
        for name, value in self.request_headers.items():
            if name.lower() not in _CURL_SKIP:
                parts += ["-H", shlex.quote(f"{name}: {value}")]
        if self.request_body is not None:
            if self.request_body_size is not None:
                parts.append(f"# body cut: {self.request_body_size} characters in all")
            else:
                parts += ["--data-raw", shlex.quote(self.request_body)]
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, with the ``curl`` line that reproduces the request."""
        return {**asdict(self), "curl": self.curl()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Exchange:
        """Inverse of :meth:`to_dict`."""
        return cls(**{k: v for k, v in data.items() if k != "curl"})


@dataclass(frozen=True)
class Finding:
    """One deviation of the target: what, where, how bad, under which profile, and proof."""

    check: str  # stable check name, e.g. "tweet.unknown-user-404"
    severity: Severity
    profile: Profile
    message: str
    stage: str  # contract, replay, verify, allowlist, load, gate
    target: str | None = None
    where: str | None = None  # endpoint or object, e.g. "POST /msgs/<user>"
    evidence: tuple[Exchange, ...] = ()

    def __post_init__(self) -> None:
        # Evidence is proof, not a copy of the target's data: bodies are cut at BODY_LIMIT,
        # and so is a message that quotes a body.
        object.__setattr__(self, "evidence", tuple(e.clipped() for e in self.evidence))
        if len(self.message) > BODY_LIMIT:
            cut = f"{self.message[:BODY_LIMIT]}… ({len(self.message)} characters)"
            object.__setattr__(self, "message", cut)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "check": self.check,
            "severity": str(self.severity),
            "profile": str(self.profile),
            "message": self.message,
            "stage": self.stage,
            "target": self.target,
            "where": self.where,
            "evidence": [e.to_dict() for e in self.evidence],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        """Inverse of :meth:`to_dict`."""
        return cls(
            check=data["check"],
            severity=Severity(data["severity"]),
            profile=Profile(data["profile"]),
            message=data["message"],
            stage=data["stage"],
            target=data.get("target"),
            where=data.get("where"),
            evidence=tuple(Exchange.from_dict(e) for e in data.get("evidence", [])),
        )


def endpoint_of(method: str, url: str) -> str:
    """``POST http://h/api/msgs/al%20ice?latest=1`` -> ``POST /msgs/<user>``."""
    path = urlsplit(url).path
    match = _ENDPOINT.search(path)
    if match is None:
        return f"{method} {path or '/'}"
    found = match.group(1)
    if found.startswith("/msgs/"):
        found = "/msgs/<user>"
    elif found.startswith("/fllws/"):
        found = "/fllws/<user>"
    return f"{method} {found}"


#: Examples a problem keeps of its occurrences.
PROBLEM_EXAMPLES = 3
_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.QUIRK: 2}


@dataclass(frozen=True)
class Problem:
    """One cause: the findings of one check, on one endpoint, with one observed behaviour."""

    check: str
    where: str | None
    observed: str  # e.g. "404 ×53, 400 ×92", "ConnectionError", or "" when nothing was sent
    severity: Severity  # the worst of its occurrences
    stages: tuple[str, ...]
    occurrences: int
    examples: tuple[Finding, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (examples as their messages)."""
        return {
            "check": self.check,
            "where": self.where,
            "observed": self.observed,
            "severity": str(self.severity),
            "stages": list(self.stages),
            "occurrences": self.occurrences,
            "examples": [f.message for f in self.examples],
        }


def _answer(exchange: Exchange) -> str:
    """What came back for one request: its status, or the error instead."""
    return exchange.error or (str(exchange.status) if exchange.status is not None else "no answer")


def problems(findings: Sequence[Finding]) -> list[Problem]:
    """Findings grouped by cause (check, endpoint, observed statuses), worst first."""
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    for f in findings:
        answers = ", ".join(sorted({_answer(e) for e in f.evidence}))
        groups.setdefault((f.check, f.where or "", answers), []).append(f)
    out = []
    for (check, where, _), members in groups.items():
        counts: dict[str, int] = {}
        for f in members:
            for e in f.evidence:
                counts[_answer(e)] = counts.get(_answer(e), 0) + 1
        observed = ", ".join(k if n == 1 else f"{k} ×{n}" for k, n in counts.items())
        out.append(
            Problem(
                check=check,
                where=where or None,
                observed=observed,
                severity=min((f.severity for f in members), key=_RANK.__getitem__),
                stages=tuple(dict.fromkeys(f.stage for f in members)),
                occurrences=len(members),
                examples=tuple(members[:PROBLEM_EXAMPLES]),
            )
        )
    return sorted(out, key=lambda p: (_RANK[p.severity], p.check, p.where or ""))


def problem_line(findings: Sequence[Finding]) -> str:
    """``3 problems (57 occurrences)``: how many causes, and how many findings show them."""
    n = len(problems(findings))
    m = len(findings)
    return f"{n} problem{'s' * (n != 1)} ({m} occurrence{'s' * (m != 1)})"
