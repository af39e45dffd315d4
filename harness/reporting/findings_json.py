"""The versioned findings JSON: every finding with its evidence, plus per-check statuses."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.checks.contract.model import CheckStatus, status_counts
from harness.constants import FINDINGS_FORMAT, FORMAT_VERSION
from harness.errors import InputError
from harness.findings import Finding, Severity, problem_line, problems


def findings_document(
    findings: Sequence[Finding],
    *,
    stage: str,
    target: str | None,
    ok: bool,
    checks: Sequence[CheckStatus] = (),
    **extra: Any,
) -> dict[str, Any]:
    """The JSON document (format id and version first)."""
    return {
        "format": FINDINGS_FORMAT,
        "version": FORMAT_VERSION,
        "stage": stage,
        "target": target,
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "ok": ok,
        "summary": {str(sev): sum(1 for f in findings if f.severity is sev) for sev in Severity},
        "problems_line": problem_line(findings),
        "problems": [p.to_dict() for p in problems(findings)],
        "statuses": status_counts(checks),
        **extra,
        "checks": [
            {"name": c.name, "status": c.status, "detail": c.detail, "duration_s": c.duration_s}
            for c in checks
        ],
        "findings": [f.to_dict() for f in findings],
    }


def write_findings_json(path: str | Path, document: dict[str, Any]) -> None:
    """Write a findings document (UTF-8, indented, non-ASCII kept)."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def read_findings_json(path: str | Path) -> tuple[dict[str, Any], list[Finding], list[CheckStatus]]:
    """Read a findings document back; a foreign or newer file is an InputError."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("file not found", path=str(path)) from None
    except ValueError as exc:
        raise InputError(f"not JSON: {exc}", path=str(path)) from None
    if not isinstance(data, dict) or data.get("format") != FINDINGS_FORMAT:
        raise InputError(f"not a {FINDINGS_FORMAT} file", path=str(path))
    if data.get("version") != FORMAT_VERSION:
        raise InputError(f"unsupported version {data.get('version')!r}", path=str(path))
    try:
        findings = [Finding.from_dict(f) for f in data.get("findings", [])]
        checks = [
            CheckStatus(c["name"], c["status"], c.get("detail", ""), c.get("duration_s", 0.0))
            for c in data.get("checks", [])
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"malformed entry: {exc!r}", path=str(path)) from None
    return data, findings, checks
