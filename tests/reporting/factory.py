"""Build results bundles on disk from a few parameters, with the real bundle writers."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

from harness.findings import Exchange, Finding, Profile, Severity

# Documented exception: FAILED and PASSED build input bundles here; no test asserts on them.
from harness.reporting.bundle import (
    FAILED,
    PASSED,
    StageSummary,
    Summary,
    write_bundle_findings,
    write_summary,
)
from harness.results import Outcome, ResultsWriter, header_record

COMMANDS = ("register", "tweet", "follow", "unfollow")


def make_bundle(
    directory: Path,
    label: str,
    *,
    actions: int = 200,
    latency_ms: float = 4.0,
    failing_ids: Sequence[int] = (),
    findings: Sequence[Finding] = (),
    seed: int = 1,
    start: float = 1_790_000_000.0,
) -> Path:
    """A bundle with a replay stage of ``actions`` outcomes; ``failing_ids`` answer 500."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    clock = start
    errors = 0
    with ResultsWriter(directory / "replay.jsonl") as writer:
        writer.write(header_record("replay", f"http://{label}.test"))
        for action_id in range(actions):
            command = "register" if action_id < 10 else COMMANDS[1 + action_id % 3]
            latency = latency_ms * rng.uniform(0.7, 1.3)
            failed = action_id in failing_ids
            errors += failed
            writer.outcome(
                Outcome(
                    action_id=action_id,
                    command=command,
                    user=f"user {action_id % 10}",
                    status=500 if failed else 204,
                    error=None,
                    verdict="error" if failed else "ok",
                    check=f"simulator.{command}-status" if failed else None,
                    latency_ms=latency,
                    started=clock,
                    finished=clock + latency / 1000,
                )
            )
            clock += latency / 1000
    replay = StageSummary(
        name="replay",
        status=FAILED if errors else PASSED,
        detail=f"{actions} actions, {errors} errors",
        results="replay.jsonl",
    )
    contract_failed = any(f.stage == "contract" for f in findings)
    contract = StageSummary(
        name="contract",
        status=FAILED if contract_failed else PASSED,
        detail=f"{len(findings)} findings",
    )
    status = FAILED if FAILED in (replay.status, contract.status) else PASSED
    summary = Summary(
        label=label,
        target=f"http://{label}.test",
        started=start,
        finished=clock,
        status=status,
        stages=(replay, contract),
    )
    write_bundle_findings(directory, findings)
    write_summary(directory, summary)
    return directory


def finding(check: str, stage: str = "contract", severity: Severity = Severity.ERROR) -> Finding:
    """One finding with a small piece of evidence."""
    return Finding(
        check=check,
        severity=severity,
        profile=Profile.STRICT,
        message=f"{check} deviates",
        stage=stage,
        where="POST /msgs/<user>",
        evidence=(Exchange(method="POST", url="http://x.test/msgs/a", status=500),),
    )
