"""The property-based phase: ``schemathesis run`` on our OpenAPI document, folded into findings.

Schemathesis runs in its own process (its CLI is its stable interface; a separate process
also keeps Hypothesis' global state out of ours and lets a hard timeout end it). It writes
its events as NDJSON; every failed check of a test case becomes a finding named
``schemathesis.<check>`` with the request and response as evidence.
"""

from __future__ import annotations

import base64
import gzip
import json
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import schemas
from harness.buffers import lean_env
from harness.checks.contract.client import Crash
from harness.checks.contract.st_events import read_failures
from harness.config import Config
from harness.constants import SIMULATOR_AUTH
from harness.findings import Finding
from harness.simulator_headers import session_headers
from harness.target import Target

PROPERTY_CHECK = "schemathesis"

#: use_after_free needs DELETE; 405s are judged by http.method-not-allowed-405 (with safe
#: methods only: never DELETE); missing_required_header insists on 401 for a missing
#: Authorization header where the normative API answers 403 (auth.required-403 judges it).
EXCLUDED_CHECKS = ("use_after_free", "unsupported_method", "missing_required_header")

#: Schema-valid requests may be refused for reasons a schema cannot say: a taken username
#: (400), an unknown user or target (404).
POSITIVE_STATUSES = ("2xx", "400", "403", "404")

#: Bytes of a response body Schemathesis keeps for its report (its checks see it whole).
RECORDED_BODY_BYTES = 16384

#: The hooks module Schemathesis loads: failures without copies of large bodies.
HOOKS = "harness.checks.contract.st_hooks"

#: Hypothesis' table of the characters UTF-8 encodes, the codec Schemathesis generates strings
#: with: (encodable intervals, those that do not round-trip). Hypothesis computes it by
#: encoding every code point once (~200 MB for a moment, the phase's peak) and keeps it in its
#: storage directory; the phase's fresh directory gets it ready-made (same alphabet).
UTF8_TABLE: tuple[list[list[int]], list[list[int]]] = ([[0, 0xD7FF], [0xE000, 0x10FFFF]], [])
#: Where Hypothesis keeps that table in its storage directory (format version 2).
UTF8_TABLE_PATH = ("unicode_data", unicodedata.unidata_version, "codec-v2-utf-8.json.gz")

#: Seconds the process may take beyond its time budget before it is killed.
GRACE_S = 20.0


@dataclass
class PropertyOutcome:
    """What the phase found; ``detail`` is one line for the check's status."""

    findings: list[Finding] = field(default_factory=list)
    crashes: list[Crash] = field(default_factory=list)
    merged: int = 0  # failures a deterministic check's finding already names
    causes: dict[int, tuple[str, ...]] = field(default_factory=dict)  # see StSummary
    detail: str = ""
    duration_s: float = 0.0
    died: bool = False
    ran: bool = True


def seed_hypothesis(storage: Path) -> None:
    """Put Hypothesis' UTF-8 table into the storage directory ``storage`` (see UTF8_TABLE)."""
    path = storage.joinpath(*UTF8_TABLE_PATH)
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(path, "wb", mtime=1) as out:
        out.write(json.dumps(list(UTF8_TABLE)).encode())


def settings_toml(timeout: float, path_user: str | None = None) -> str:
    """The schemathesis.toml of the phase; ``path_user`` pins ``<username>`` in paths."""
    user, _, password = _credentials()
    positive = ", ".join(f'"{s}"' for s in POSITIVE_STATUSES)
    # A tweet by an unknown user can leave the course reference's database locked (spec
    # section 4): paths name a user of this run; msgs.tweet-unknown-user-404 sends it last.
    pinned = [f'"path.username" = {json.dumps(path_user)}'] if path_user else []
    # The simulator's session headers on every request (Content-Type is Schemathesis' own,
    # per body; Authorization comes from [auth.basic]).
    session = ", ".join(
        f"{json.dumps(k)} = {json.dumps(v)}" for k, v in session_headers(keep_alive=False)
    )
    return "\n".join(
        [
            "workers = 1",
            f"request-timeout = {timeout}",
            f"headers = {{ {session} }}",
            "[auth.basic]",
            f'username = "{user}"',
            f'password = "{password}"',
            "[parameters]",
            '"query.latest" = -1  # never move the latest value a dashboard plots',
            *pinned,
            "[phases.coverage]",
            "unexpected-methods = []  # no undeclared methods: this suite never sends DELETE",
            "[checks.positive_data_acceptance]",
            f"expected-statuses = [{positive}]",
            "[output.truncation]",
            "# Bodies kept for the report: evidence shows the start only (a target answering",
            "# megabytes would hold them all in memory and in the events file).",
            f"max-recorded-payload-size = {RECORDED_BODY_BYTES}",
            "",
        ]
    )


def fuzzing_document() -> dict[str, Any]:
    """Our OpenAPI document, with `no` accepting anything.

    The normative API accepts every `no` (non-integers fall back to 100; negative values are
    unspecified and not judged), so a "schema-violating `no` accepted" is no finding.
    """
    document = schemas.openapi()
    parameters = document.get("components", {}).get("parameters", {})
    for parameter in parameters.values():
        if parameter.get("name") == "no" and parameter.get("in") == "query":
            parameter["schema"] = {}
    return document


def _credentials() -> tuple[str, str, str]:
    decoded = base64.b64decode(SIMULATOR_AUTH.split()[1]).decode()
    user, sep, password = decoded.partition(":")
    return user, sep, password


def command(config: Config, target: str, workdir: Path) -> list[str]:
    """The ``schemathesis run`` command line."""
    contract = config.contract
    return [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(workdir / "schemathesis.toml"),
        "run",
        str(workdir / "openapi.json"),
        "--url",
        Target.parse(target).base_url,
        "--max-examples",
        str(contract.max_examples),
        "--max-time",
        str(max(1, int(contract.time_budget))),
        "--exclude-checks",
        ",".join(EXCLUDED_CHECKS),
        "--seed",
        str(contract.seed),
        "--no-shrink",
        "--output-sanitize",
        "false",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(workdir / "events.ndjson"),
    ]


def run_property_phase(
    config: Config, target: str, known: list[Finding], path_user: str | None = None
) -> PropertyOutcome:
    """Run Schemathesis against ``target``; ``known`` findings relabel matching 5xx as quirks.

    ``path_user`` (a registered user) is the only ``<username>`` paths name.
    """
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mth-st-") as tmp:
        workdir = Path(tmp)
        (workdir / "openapi.json").write_text(json.dumps(fuzzing_document()), encoding="utf-8")
        (workdir / "schemathesis.toml").write_text(
            settings_toml(config.contract.timeout, path_user), encoding="utf-8"
        )
        seed_hypothesis(workdir / ".hypothesis")
        try:
            proc = subprocess.run(
                command(config, target, workdir),
                capture_output=True,
                text=True,
                timeout=config.contract.time_budget + GRACE_S,
                cwd=workdir,
                # Schemathesis keeps every response of a scenario: 250 MB resident on 5 MB
                # bodies with glibc's defaults, 170 MB with large buffers given back; and
                # every failure with the body it judged, unless st_hooks drops it.
                env={
                    **lean_env(),
                    "SCHEMATHESIS_HOOKS": HOOKS,
                    "HYPOTHESIS_STORAGE_DIRECTORY": str(workdir / ".hypothesis"),
                },
            )
            exit_code: int | None = proc.returncode
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [""]
        except subprocess.TimeoutExpired:
            exit_code, tail = None, ["killed after exceeding its time budget"]
        events = workdir / "events.ndjson"
        if not events.exists():
            return PropertyOutcome(
                detail=f"schemathesis did not run (exit {exit_code}): {tail[0]}",
                duration_s=time.monotonic() - started,
                ran=False,
            )
        summary = read_failures(events, target, known)
    outcome = PropertyOutcome(
        findings=summary.findings,
        crashes=summary.crashes,
        merged=summary.merged,
        causes=summary.causes,
        duration_s=time.monotonic() - started,
        died=summary.stop_reason == "server_unavailable",
    )
    phases = ", ".join(f"{name} {status}" for name, status in summary.phases.items())
    merged = f", {summary.merged} more named by the suite's checks" if summary.merged else ""
    outcome.detail = (
        f"{summary.cases} test cases, {len(summary.findings)} distinct failures{merged}"
        f" (phases: {phases or 'none'}; stopped: {summary.stop_reason or 'killed'})"
    )
    return outcome
