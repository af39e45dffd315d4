"""Findings about the target, as data (never mixed with errors of the tool itself)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Exchange:
        """Inverse of :meth:`to_dict`."""
        return cls(**data)


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
