"""Crash awareness for the gate: name what crashed the target, wait for it, go on.

The contract names its own crashing requests (its client watches every request). For the
stages that stream outcomes (replay, verify, load) the gate watches the stream: the first
``ConnectionError`` after which the target does not answer a probe starts an outage, and is
the request named by a ``target.crash`` finding. Between stages the gate waits up to
``--restart-wait`` for a target that is down; a stage it cannot start is "not run".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from harness import liveness
from harness.constants import SIMULATOR_AUTH
from harness.events import ActionChecked, Event, EventSink, RunStarted
from harness.findings import CRASH_CHECK, Exchange, Finding, Profile, Severity, endpoint_of
from harness.planning.requests import user_path
from harness.results import Outcome
from harness.scenario.api import operation_named, spec
from harness.target import target_url


def request_of(outcome: Outcome, target: str) -> Exchange:
    """The request an outcome stands for, as evidence (no answer: it failed)."""
    entry = spec(operation_named(outcome.command))
    path = entry.path.format(user=user_path(outcome.user or ""))
    if outcome.action_id >= 0:
        path += f"?latest={outcome.action_id}"
    # The simulator's headers (the outcome keeps no body: the curl line shows the request).
    headers = {"Authorization": SIMULATOR_AUTH, "Content-Type": "application/json"}
    return Exchange(entry.method, target_url(target, path), headers, error=outcome.error)


@dataclass
class _Outage:
    stage: str
    first: Outcome
    failed: int = 1  # requests that got no answer while it lasted
    back_after_s: float | None = None


@dataclass
class CrashWatch:
    """An event sink in front of the gate's own that spots outages in streamed outcomes."""

    target: str
    restart_wait: float
    inner: EventSink
    _stage: str = ""
    _open: _Outage | None = None
    _outages: list[_Outage] = field(default_factory=list)

    def __call__(self, event: Event) -> None:
        """Watch one event, then hand it on."""
        if isinstance(event, RunStarted):
            self._stage, self._open = event.kind, None
        elif isinstance(event, ActionChecked):
            self._watch(event.outcome)
        self.inner(event)

    def _watch(self, outcome: Outcome) -> None:
        if outcome.error != "ConnectionError":
            if outcome.status is not None:
                self._open = None  # it answers again
            return
        if self._open is not None:
            self._open.failed += 1
            return
        # One probe per outage: a refused connection under overload is no crash.
        if liveness.probe(self.target, timeout=1.0) is liveness.State.DOWN:
            self._open = _Outage(self._stage, outcome)
            self._outages.append(self._open)

    def findings(self, stages: tuple[str, ...]) -> list[Finding]:
        """``target.crash`` findings for the outages seen in ``stages`` (each reported once)."""
        mine = [o for o in self._outages if o.stage in stages]
        self._outages = [o for o in self._outages if o.stage not in stages]
        return [self._finding(o) for o in mine]

    def _finding(self, outage: _Outage) -> Finding:
        request = request_of(outage.first, self.target)
        who = f" (user {outage.first.user!r})" if outage.first.user else ""
        message = (
            f"the target stopped answering at {request.method} {request.url}{who} in "
            f"{outage.stage}: {outage.first.error}; {outage.failed} request(s) got no answer "
            "until it answered again"
        )
        return crash_finding(outage.stage, self.target, message, request)


def crash_finding(stage: str, target: str, message: str, *evidence: Exchange) -> Finding:
    """A ``target.crash`` finding of ``stage`` (always an error the simulator would log)."""
    where = endpoint_of(evidence[0].method, evidence[0].url) if evidence else None
    return Finding(
        check=CRASH_CHECK,
        severity=Severity.ERROR,
        profile=Profile.SIMULATOR,
        message=message,
        stage=stage,
        target=target,
        where=where,
        evidence=evidence,
    )


def wait_for_target(target: str, restart_wait: float) -> float | None:
    """0.0 when the target answers now; else seconds until it came back, None if it did not."""
    if liveness.probe(target) is not liveness.State.DOWN:
        return 0.0
    return liveness.wait_until_up(target, restart_wait)
