"""Verify: read a target back and report every difference from the expected end state.

Order of reads: ``GET /latest`` first (an unreachable target stops here with a tool
error), then each user's timeline and follow list on a bounded thread pool, then the public
timeline. Reads never carry ``latest``. Events are emitted from the calling thread only.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

from harness.checks.policy import NOT_COMPARED, Behaviour
from harness.errors import TargetUnreachable
from harness.events import (
    ActionChecked,
    EventSink,
    FindingReported,
    RunFinished,
    RunStarted,
    null_sink,
)
from harness.findings import Finding, Severity
from harness.planning.expected import ExpectedState, UserExpectation, expected_state
from harness.planning.requests import user_path
from harness.results import Outcome
from harness.scenario.model import Action
from harness.verify.client import ReadBack, Reader
from harness.verify.evidence import (
    Context,
    Message,
    parse_follows,
    parse_latest,
    parse_messages,
)
from harness.verify.follows import compare_follows, compare_latest
from harness.verify.messages import compare_public, compare_user_messages

DEFAULT_CONCURRENCY = 16


@dataclass
class _UserResult:
    reads: list[tuple[str, ReadBack]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    timeline: list[Message] | None = None


def _as_list(body: Any) -> list[Any] | None:
    return body if isinstance(body, list) else None


def _follow_list(body: Any) -> list[Any] | None:
    names = body.get("follows") if isinstance(body, dict) else None
    return names if isinstance(names, list) else None


def _usable(ctx: Context, read: ReadBack, path: str, findings: list[Finding]) -> bool:
    """True when ``read`` is a 200 with a JSON body; otherwise add the finding that says why."""
    if read.status is None:
        message = f"GET {path} failed: {read.problem}"
        findings.append(ctx.finding("verify.read-failed", message, Behaviour.SERVER_ERROR))
        return False
    if read.status != 200:
        wrong_base = path == "/latest" and read.status == 404
        hint = " (is --target the base URL of the API?)" if wrong_base else ""
        message = f"GET {path} answered {read.status}{hint}"
        seen = Behaviour.SERVER_ERROR if read.status >= 500 else Behaviour.DATA_CHANGED
        findings.append(ctx.finding("verify.read-failed", message, seen))
        return False
    if read.problem is not None:  # not JSON: nothing to compare (the caller notes it)
        findings.append(ctx.shape(f"GET {path}: {read.problem}"))
        return False
    return True


def _null_list(ctx: Context, body: Any, path: str, findings: list[Finding]) -> Any:
    """``body`` with ``null`` for a list read as ``[]`` (the finding added), else as it came."""
    if body is None:
        findings.append(ctx.shape(f"GET {path}: null instead of []", null_list=True))
        return []
    if isinstance(body, dict) and "follows" in body and body["follows"] is None:
        findings.append(ctx.shape(f"GET {path}: follows is null instead of []", null_list=True))
        return {**body, "follows": []}
    return body


class _Verifier:
    """The reads and comparisons of one verify run."""

    def __init__(self, reader: Reader, state: ExpectedState, target: str) -> None:
        self.reader = reader
        self.state = state
        self.target = target
        self.not_compared: list[str] = []  # reads that could not be judged (inconclusive)
        self._lock = threading.Lock()

    def skipped(self, path: str, why: str) -> None:
        """Note a read whose answer could not be compared: verify is inconclusive there."""
        with self._lock:
            self.not_compared.append(f"GET {path} ({why})")

    def latest(self) -> tuple[ReadBack, list[Finding]]:
        read = self.reader.get("/latest")
        if read.status is None:
            raise TargetUnreachable(f"target {self.target} is unreachable: {_reason(read)}")
        ctx = Context(self.target, "GET /latest", (read.exchange,))
        findings: list[Finding] = []
        if _usable(ctx, read, "/latest", findings):
            value, problem = parse_latest(read.body)
            if value is None:
                findings.append(ctx.shape(f"GET /latest: {problem}"))
                self.skipped("/latest", str(problem))
            else:
                findings.extend(compare_latest(ctx, self.state, value))
        elif read.status == 200:
            self.skipped("/latest", str(read.problem))
        return read, findings

    def user(self, user: UserExpectation) -> _UserResult:
        result = _UserResult()
        path = f"/msgs/{user_path(user.name)}"
        expected = len(user.messages) + len(user.maybe_messages)
        reads = self.reader.get_list(path, expected, _as_list)
        result.reads.extend(("msgs_user", r) for r in reads)
        ctx = Context(self.target, "GET /msgs/<user>", (reads[-1].exchange,))
        if reads[-1].status == 404:
            if user.certain:
                result.findings.append(
                    ctx.finding("verify.missing-user", f"user {user.name!r} does not exist (404)")
                )
            return result
        if _usable(ctx, reads[-1], path, result.findings):
            body = _null_list(ctx, reads[-1].body, path, result.findings)
            messages, problem = parse_messages(body)
            if problem is not None:
                result.findings.append(ctx.shape(f"GET {path}: {problem}"))
            if messages is not None:
                result.timeline = messages
                result.findings.extend(compare_user_messages(ctx, user, messages))
            else:
                self.skipped(path, str(problem))
        elif reads[-1].status == 200:
            self.skipped(path, str(reads[-1].problem))
        self._follows(user, result)
        return result

    def _follows(self, user: UserExpectation, result: _UserResult) -> None:
        path = f"/fllws/{user_path(user.name)}"
        expected = len(user.follows) + len(user.maybe_follows)
        reads = self.reader.get_list(path, expected, _follow_list)
        result.reads.extend(("fllws", r) for r in reads)
        ctx = Context(self.target, "GET /fllws/<user>", (reads[-1].exchange,))
        if not _usable(ctx, reads[-1], path, result.findings):
            if reads[-1].status == 200:
                self.skipped(path, str(reads[-1].problem))
            return
        body = _null_list(ctx, reads[-1].body, path, result.findings)
        names, problem = parse_follows(body)
        if problem is not None:
            result.findings.append(ctx.shape(f"GET {path}: {problem}"))
        if names is not None:
            result.findings.extend(compare_follows(ctx, user, names))
        else:
            self.skipped(path, str(problem))

    def public(self, timelines: dict[str, list[Message]]) -> tuple[list[ReadBack], list[Finding]]:
        """Read ``GET /msgs`` back to the run's oldest message and judge the run's users."""
        dates = [m.pub_date for own in timelines.values() for m in own if m.pub_date is not None]
        oldest = min(dates, default=None)

        def reached(listed: list[Any]) -> bool:
            # Newest first: an entry older than the run's oldest message means every message
            # of the run is in this answer (the target may hold far more of other runs).
            return oldest is None or any(
                isinstance(item, dict)
                and isinstance(item.get("pub_date"), int)
                and item["pub_date"] < oldest
                for item in listed
            )

        count = self.state.max_message_count()
        reads = self.reader.get_list("/msgs", count, _as_list, enough=reached)
        ctx = Context(self.target, "GET /msgs", (reads[-1].exchange,))
        findings: list[Finding] = []
        if _usable(ctx, reads[-1], "/msgs", findings):
            messages, problem = parse_messages(_null_list(ctx, reads[-1].body, "/msgs", findings))
            if problem is not None:
                findings.append(ctx.shape(f"GET /msgs: {problem}"))
            if messages is None:
                self.skipped("/msgs", str(problem))
            else:
                since = None
                listed = _as_list(reads[-1].body)
                if reads[-1].full(listed) and not reached(listed or []):
                    seen = [m.pub_date for m in messages if m.pub_date is not None]
                    since = min(seen, default=None)
                findings.extend(
                    compare_public(ctx, self.state, messages, dict(timelines), since=since)
                )
        elif reads[-1].status == 200:
            self.skipped("/msgs", str(reads[-1].problem))
        return reads, findings


def _reason(read: ReadBack) -> str:
    problem = read.problem or "no response"
    errno = re.search(r"\[Errno -?\d+\] [^'\")]+", problem)
    return f"{read.exchange.error}: {errno.group(0)}" if errno else problem.splitlines()[0]


def _checked(command: str, user: str | None, read: ReadBack) -> ActionChecked:
    ok = read.status == 200
    return ActionChecked(
        Outcome(
            action_id=-1,
            command=command,
            user=user,
            status=read.status,
            error=read.exchange.error,
            verdict="ok" if ok else "error",
            check=None if ok else "verify.read",
            latency_ms=read.exchange.elapsed_ms or 0.0,
            started=read.started,
            finished=read.finished,
        )
    )


def run_verify(
    target: str,
    actions: Sequence[Action],
    acknowledged: set[int] | None = None,
    *,
    outcomes: Sequence[Outcome] | None = None,
    sink: EventSink = null_sink,
    timeout: float = 10.0,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> list[Finding]:
    """Read ``target`` back and return every difference from the state ``actions`` leave.

    ``acknowledged`` None: every action counts as acknowledged. ``outcomes`` (of the run
    that sent ``actions``): their timings narrow the ids ``/latest`` may hold. Only the
    users of ``actions`` are judged; anything else the target holds is ignored. An
    unreachable target raises TargetUnreachable; anything it answers wrongly is a finding.
    The summary of the ``RunFinished`` event notes outcomes left open by unacknowledged writes
    and reads it could not compare (``NOT_COMPARED``); its ``ok`` is false on any error
    finding and on any read not compared (severities: :mod:`harness.checks.policy`).
    """
    state = expected_state(actions, acknowledged, outcomes=outcomes)
    names = sorted(state.users)
    sink(RunStarted("verify", target, total=2 + 2 * len(names)))
    reader = Reader(target, timeout)
    verifier = _Verifier(reader, state, target)
    try:
        read, findings = verifier.latest()
        sink(_checked("latest", None, read))
        results = _users(verifier, names, max(1, concurrency), sink)
        for name in names:
            findings.extend(results[name].findings)
        timelines = {n: r.timeline for n, r in results.items() if r.timeline is not None}
        reads, public_findings = verifier.public(timelines)
        for r in reads:
            sink(_checked("msgs", None, r))
        findings.extend(public_findings)
    finally:
        reader.close()
    for finding in findings:
        sink(FindingReported(finding))
    summary = f"{len(names)} users read back, {len(findings)} difference(s)"
    summary += "".join(f"\nambiguous (not an error): {note}" for note in state.ambiguous)
    skipped = verifier.not_compared
    summary += "".join(f"\n{NOT_COMPARED}: {note}" for note in skipped)
    errors = any(f.severity is Severity.ERROR for f in findings)
    # Never ok for what it could not compare: those reads are inconclusive, not passed.
    sink(RunFinished("verify", ok=not errors and not skipped, summary=summary))
    return findings


def _users(
    verifier: _Verifier, names: list[str], workers: int, sink: EventSink
) -> dict[str, _UserResult]:
    """Read every user on a bounded pool; emit their read events as they complete."""
    results: dict[str, _UserResult] = {}
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="verify") as pool:
        users = verifier.state.users
        futures = {pool.submit(verifier.user, users[name]): name for name in names}
        for future in as_completed(futures):
            name = futures[future]
            results[name] = future.result()
            for command, read in results[name].reads:
                sink(_checked(command, name, read))
    return results
