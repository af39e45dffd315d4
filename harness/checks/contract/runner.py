"""The contract run: deterministic suite, body checks, property phase, death detection."""

from __future__ import annotations

import secrets
import time

from harness import liveness
from harness.checks.contract.bodies import BODY_CHECKS
from harness.checks.contract.causes import merge_explained
from harness.checks.contract.client import Client, Crash, Reply, TargetGone, parse_json
from harness.checks.contract.context import STAGE, CheckContext, Inconclusive, NotRun
from harness.checks.contract.model import Check, CheckStatus, ContractResult, Status, is_failing
from harness.checks.contract.property_phase import PROPERTY_CHECK, run_property_phase
from harness.checks.contract.suite import BREAKING, FRAGILE, PLANTING, SAFE, SUITE
from harness.config import Config
from harness.errors import UsageError
from harness.events import CheckFinished, EventSink, FindingReported, RunFinished, RunStarted
from harness.findings import CRASH_CHECK, Exchange, Finding, Profile, Severity, endpoint_of


def run_prefix() -> str:
    """A username prefix unique to one run (so runs never collide on a shared server)."""
    return f"mth-{secrets.token_hex(4)}"


class _Run:
    """The state of one run: findings so far, statuses, the probe the target died after."""

    def __init__(self, ctx: CheckContext, sink: EventSink) -> None:
        self.ctx = ctx
        self.sink = sink
        self.findings: list[Finding] = []
        self.statuses: list[CheckStatus] = []
        self.died_after: str | None = None
        self._seen_body: set[tuple[str, str, str]] = set()
        # Body check -> the checks whose answers it judged bad (reported there or here).
        self._body_hits: dict[str, dict[str, None]] = {}
        # id of a body finding -> the suite checks whose finding would name its cause.
        self.causes: dict[int, tuple[str, ...]] = {}

    def report(self, finding: Finding) -> None:
        self.findings.append(finding)
        self.sink(FindingReported(finding))

    def status(self, name: str, status: Status, detail: str = "", duration: float = 0.0) -> None:
        self.statuses.append(CheckStatus(name, status, detail, duration))
        skipped = detail if status in ("not-run", "inconclusive") else None
        self.sink(CheckFinished(name, passed=status == "passed", skipped_reason=skipped))

    def run_check(self, check: Check) -> None:
        """Run one check; a crash is a finding of its own, a dead target ends the run."""
        if self.died_after is not None:
            self.status(check.name, "not-run", f"target stopped answering after {self.died_after}")
            return
        self.ctx.begin(check.name)
        started = time.monotonic()
        own: list[Finding] = []
        inconclusive = not_run = ""
        stopped: Inconclusive | None = None
        try:
            for finding in check.fn(self.ctx):
                own.append(finding)
        except NotRun as exc:
            not_run = str(exc)
        except Inconclusive as exc:
            stopped = exc
        except TargetGone:
            pass  # recorded as a crash by the client
        except Exception as exc:  # a bug of this check must not cost the other checks
            inconclusive = f"harness error in this check: {type(exc).__name__}: {exc}"
        own = self._crashed(check.name, own)
        for finding in own:
            self.report(finding)
        self._fold_bodies(own)
        if stopped is not None:  # after the fold: a body finding may be the explanation
            inconclusive = stopped.reason + self._explained(stopped)
            # Its traceback holds this frame: a cycle that would keep the reply (and its
            # parsed body, megabytes on some targets) alive until the next collection.
            stopped = None
        duration = time.monotonic() - started
        if own:
            self.status(check.name, "failed", own[0].message, duration)
        elif inconclusive:
            self.status(check.name, "inconclusive", inconclusive, duration)
        elif not_run:
            self.status(check.name, "not-run", not_run, duration)
        else:
            self.status(check.name, "passed", "", duration)

    def _explained(self, exc: Inconclusive) -> str:
        """`` (see CHECK)``: a finding so far that explains why a check could not judge."""
        named = [f.check for f in self.findings if f.check in exc.explained_by]
        if not named and exc.reply is not None and exc.reply.where:
            # Another check already reported this endpoint answering this way.
            status = exc.reply.status
            named = [
                f.check
                for f in self.findings
                if f.where == exc.reply.where and any(e.status == status for e in f.evidence)
            ]
        return f" (see {named[0]})" if named else ""

    def _crashed(self, name: str, own: list[Finding]) -> list[Finding]:
        """The check's findings with its crashes first; findings a crash explains are dropped."""
        crashes = self.ctx.client.take_crashes()
        if not crashes:
            return own
        failed = {id(c.failed) for c in crashes}
        kept = [f for f in own if not any(id(e) in failed for e in f.evidence)]
        return [self.crash_finding(c, name) for c in crashes] + kept

    def crash_finding(self, crash: Crash, during: str) -> Finding:
        """A ``target.crash`` finding naming the request; a target that stayed down ends the run."""
        req = crash.request
        path = req.url.removeprefix(self.ctx.client.base_url)
        if crash.back_after_s is None:
            self.died_after = f"{during} ({req.method} {path})"
        evidence = (req,) if crash.failed is req else (req, crash.failed)
        return Finding(
            check=CRASH_CHECK,
            severity=Severity.ERROR,
            profile=Profile.SIMULATOR,
            message=f"{crash.describe()} (during {during})",
            stage=STAGE,
            target=self.ctx.target,
            where=endpoint_of(req.method, req.url),
            evidence=evidence,
        )

    def _fold_bodies(self, own: list[Finding]) -> None:
        """Body verdicts of this check become findings of the body checks, once per kind."""
        proof = {id(e) for f in own for e in f.evidence}
        for pending in self.ctx.pending:
            self._body_hits.setdefault(pending.verdict.check, {})[self.ctx.check] = None
            if id(pending.exchange) in proof:
                continue  # the check already judged this answer itself
            verdict = pending.verdict
            key = (verdict.check, str(verdict.severity), verdict.message)
            if key in self._seen_body:
                continue
            self._seen_body.add(key)
            finding = self.ctx.finding(
                verdict.severity,
                verdict.message,
                Reply(pending.exchange),
                where=pending.where,
                check=verdict.check,
            )
            if verdict.causes:
                self.causes[id(finding)] = verdict.causes
            self.report(finding)

    def drop_echoes(self) -> None:
        """Drop body findings on an answer a check already reported: one cause, one finding.

        The same answer (endpoint, status, body) seen again by another check, e.g. `null`
        for an empty list after msgs.empty-list named it, is not a second problem. Only the
        deterministic suite's findings count (a body check is never dropped for Schemathesis).
        """
        suite = {c.name for c in SUITE}  # a deterministic check's own judgement
        seen = {
            (f.where, e.status, e.response_body)
            for f in self.findings
            if f.check in suite
            for e in f.evidence
        }
        self.findings = [
            f
            for f in self.findings
            if f.check not in BODY_CHECKS
            or not any((f.where, e.status, e.response_body) in seen for e in f.evidence)
        ]

    def body_statuses(self) -> None:
        """One status per body check, from the findings folded into it."""
        for name in BODY_CHECKS:
            mine = [f for f in self.findings if f.check == name]
            hits = list(self._body_hits.get(name, {}))
            if mine:
                self.status(name, "failed", mine[0].message)
            elif hits:  # never "ok" when such answers came: another check's finding has them
                shown = ", ".join(hits[:3]) + (
                    f" and {len(hits) - 3} more" if len(hits) > 3 else ""
                )
                self.status(name, "failed", f"answers judged by this check came in {shown}")
            else:
                self.status(name, "passed")

    def property_phase(self, config: Config) -> str:
        """Run Schemathesis unless disabled or the target died; return the phase's status."""
        if not config.contract.property_phase:
            self.status(PROPERTY_CHECK, "not-run", "property phase disabled")
            return "skipped"
        if self.died_after is not None:
            detail = f"target stopped answering after {self.died_after}"
            self.status(PROPERTY_CHECK, "not-run", detail)
            return "not-run"
        outcome = run_property_phase(config, self.ctx.target, self.findings, self._path_user())
        crashes = [self.crash_finding(c, PROPERTY_CHECK) for c in outcome.crashes]
        self.causes.update(outcome.causes)
        for finding in [*crashes, *outcome.findings]:
            self.report(finding)
        if not outcome.ran:
            self.status(PROPERTY_CHECK, "not-run", outcome.detail, outcome.duration_s)
            return "not-run"
        died = self._died_in_phase(outcome.died, named=bool(crashes))
        failed = bool(outcome.findings or crashes or outcome.merged) or died
        status: Status = "failed" if failed else "passed"
        self.status(PROPERTY_CHECK, status, outcome.detail, outcome.duration_s)
        return status

    def _path_user(self) -> str | None:
        """A user of this run for the property phase's paths (None: none could register)."""
        try:
            return self.ctx.register("prop")
        except (Inconclusive, TargetGone):
            return None

    def _died_in_phase(self, reported: bool, *, named: bool) -> bool:
        """Whether the target is down after the property phase (a finding unless ``named``)."""
        client = self.ctx.client
        if not reported and liveness.probe(client.base_url) is not liveness.State.DOWN:
            return False
        back = liveness.wait_until_up(client.base_url, client.restart_wait)
        if back is None:
            self.died_after = "the property phase (Schemathesis)"
        if named:
            return True  # the crashes of the phase already say what happened
        state = "it did not come back" if back is None else f"it answered again after {back:.1f} s"
        self.report(
            Finding(
                check=CRASH_CHECK,
                severity=Severity.ERROR,
                profile=Profile.SIMULATOR,
                message=f"the target stopped answering during the property phase; {state}",
                stage=STAGE,
                target=self.ctx.target,
                where=None,
            )
        )
        return True


def restore_latest(ctx: CheckContext) -> None:
    """Put back the `latest` value found at the start, unless someone else moved it since."""
    original = ctx.state.get("latest0")
    ours = ctx.state.get("latest_set")
    if not isinstance(original, int) or original == -1 or ours is None:
        return
    try:
        now = ctx.client.send("GET", "/latest", auth=None, latest=None)
        if isinstance(now.data, dict) and now.data.get("latest") == ours:
            # A register with an empty body changes nothing but records `latest`.
            ctx.client.send("POST", "/register", json_body={}, latest=str(original))
    except TargetGone:
        return


def _reply_of(exchange: Exchange) -> Reply:
    """A Reply for an exchange made outside this run (its body parsed again)."""
    body = (exchange.response_body or "").encode("utf-8")
    return Reply(exchange, parse_json(body), where="GET /latest")


def run_contract(
    config: Config, sink: EventSink, first_latest: Exchange | None = None
) -> ContractResult:
    """Run the whole contract suite against ``config.target``.

    ``first_latest`` is ``GET /latest`` as answered before anything else was sent to the
    target (the gate's first exchange); ``latest.fresh`` judges it under ``fresh_target``.
    """
    if not config.target:
        raise UsageError("--target URL is required")
    started = time.monotonic()
    client = Client(config.target, config.contract.timeout, restart_wait=config.restart_wait)
    client.ensure_reachable()
    ctx = CheckContext(
        client=client,
        prefix=run_prefix(),
        target=config.target,
        fresh_target=config.contract.fresh_target,
        first_latest=None if first_latest is None else _reply_of(first_latest),
    )
    total = len(SUITE) + len(BODY_CHECKS) + 1
    sink(RunStarted("contract", config.target, total=total))
    run = _Run(ctx, sink)
    for check in (*SAFE, *FRAGILE):
        run.run_check(check)
    phase = run.property_phase(config)
    for check in PLANTING:
        run.run_check(check)
    restore_latest(ctx)  # before BREAKING: a target may not write any more after it
    for check in BREAKING:
        run.run_check(check)
    run.findings = merge_explained(run.findings, run.causes)
    run.drop_echoes()
    run.body_statuses()
    ok = not is_failing(run.findings, config.contract.fail_on)
    order = {name: i for i, name in enumerate([*(c.name for c in SUITE), *BODY_CHECKS])}
    result = ContractResult(
        target=config.target,
        ok=ok,
        findings=run.findings,
        checks=sorted(run.statuses, key=lambda c: order.get(c.name, len(order))),
        died_after=run.died_after,
        property_phase=phase,
        duration_s=time.monotonic() - started,
    )
    sink(RunFinished("contract", ok, result.summary()))
    return result
