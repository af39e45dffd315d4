"""Each check ends passed, failed, not run (reason) or inconclusive (reason); all are counted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from harness.checks.contract.client import Client
from harness.checks.contract.context import CheckContext, NotRun, Precondition
from harness.checks.contract.expect import grade
from harness.checks.contract.model import Check, CheckStatus, ContractResult
from harness.checks.contract.runner import _Run
from harness.events import Event
from harness.findings import Finding
from tests.support.deviant_app import serve_deviant_app


def _taken(ctx: CheckContext) -> Iterator[Finding]:
    """Registers one name twice and grades the second answer as if 204 were right."""
    body = ctx.user_body()
    ctx.call("POST", "/register", json_body=body)
    again = ctx.call("POST", "/register", json_body={**body, "email": ctx.email()})
    ctx.state["refused"] = again
    found = grade(ctx, again, 204, "a register that must succeed", command="register")
    if found is not None:
        yield found


def _needs_a_user(ctx: CheckContext) -> Iterator[Finding]:
    """Fails its precondition with the refused register of the check before."""
    raise Precondition("register a fresh user", ctx.state["refused"], ("test.taken",))
    yield  # a generator, like every check


def _not_applicable(ctx: CheckContext) -> Iterator[Finding]:
    raise NotRun("the target was not declared fresh")
    yield


def _clean(ctx: CheckContext) -> Iterator[Finding]:
    ctx.call("GET", "/latest", auth=None, latest=None)
    yield from ()


def test_each_check_ends_in_exactly_one_outcome_with_its_reason(tmp_path: Path) -> None:
    """A precondition that fails names itself, shows the answer and points to its cause."""
    checks = (
        Check("test.taken", _taken, ""),
        Check("test.needs-a-user", _needs_a_user, ""),
        Check("test.not-applicable", _not_applicable, ""),
        Check("test.clean", _clean, ""),
    )
    events: list[Event] = []
    with serve_deviant_app([], tmp_path) as server:
        ctx = CheckContext(client=Client(server.url), prefix="mth-test", target=server.url)
        run = _Run(ctx, events.append)
        for check in checks:
            run.run_check(check)
    status = {s.name: s for s in run.statuses}
    assert [s.status for s in run.statuses] == ["failed", "inconclusive", "not-run", "passed"]
    detail = status["test.needs-a-user"].detail
    assert detail.startswith(
        "precondition failed: register a fresh user: POST /register answered 400"
    )
    assert "The username is already taken" in detail  # the response is shown
    assert detail.endswith("(see test.taken)")  # and the finding that explains it
    assert status["test.not-applicable"].detail == "the target was not declared fresh"
    # The inconclusive check is never a finding of its own rule.
    assert {f.check for f in run.findings} == {"test.taken"}


def test_the_summary_counts_every_outcome() -> None:
    """The one-line summary shows all four counts, zeros included."""
    result = ContractResult(
        target="http://x",
        ok=True,
        checks=[
            CheckStatus("a", "passed"),
            CheckStatus("b", "passed"),
            CheckStatus("c", "inconclusive", "precondition failed: x"),
            CheckStatus("d", "not-run", "target died"),
        ],
    )
    assert result.summary().startswith("2 passed, 0 failed, 1 not run, 1 inconclusive; ")


def test_junit_skips_inconclusive_checks_with_their_reason(tmp_path: Path) -> None:
    """An inconclusive check is neither a pass nor a failure in CI: skipped, reason shown."""
    import xml.etree.ElementTree as ET

    from harness.reporting.junit import write_junit

    path = tmp_path / "junit.xml"
    checks = [CheckStatus("a", "passed"), CheckStatus("b", "inconclusive", "precondition failed")]
    write_junit(path, "contract", checks, [])
    cases = {c.get("name"): c for c in ET.parse(path).getroot().iter("testcase")}
    skipped = cases["b"].find("skipped")
    assert skipped is not None and skipped.get("message") == "inconclusive: precondition failed"
    assert cases["a"].find("skipped") is None
