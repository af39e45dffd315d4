"""The contract classifies the course reference's documented behaviour as quirks, never errors.

The expected behaviour comes from a golden file written by hand from the spec (section 4),
served by a tiny server (``golden_server``): every golden exchange the contract provokes
must come back as a ``quirk`` finding of the check the file names, and none as an error.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from harness.checks.contract import run_contract
from harness.findings import Finding, Severity
from harness.gate.embedded import first_exchange
from tests.contract.conftest import contract_config, run
from tests.contract.golden_server import Served, golden_server, load_golden


def _evidence_of(served: Served, findings: list[Finding]) -> list[Finding]:
    """The findings whose evidence holds the request the golden server answered."""
    out = []
    for finding in findings:
        for ex in finding.evidence:
            parts = urlsplit(ex.url)
            sent = parts.path + (f"?{parts.query}" if parts.query else "")
            body = ex.request_body or ""
            if (ex.method, sent, body) == (served.method, served.path, served.body):
                out.append(finding)
                break
    return out


def _reported_once(check: str, status: int | None, findings: list[Finding]) -> bool:
    """Whether ``check`` reported a quirk on an answer of ``status`` (body checks fold alike
    answers into one finding)."""
    return any(
        f.check == check
        and f.severity is Severity.QUIRK
        and any(e.status == status for e in f.evidence)
        for f in findings
    )


def test_the_golden_file_is_written_from_the_spec() -> None:
    golden = load_golden()
    assert (golden["format"], golden["version"]) == ("minitwit-harness.golden", 1)
    ids = [e["id"] for e in golden["exchanges"]]
    assert len(ids) == len(set(ids))
    assert all(e["spec"] and e["check"] for e in golden["exchanges"])
    pages = {e["response"].get("page") for e in golden["exchanges"]} - {None}
    assert pages <= golden["pages"].keys()
    # An answer has a status, or is a connection dropped without one (never both).
    assert all(
        ("status" in e["response"]) != ("dropped" in e["response"]) for e in golden["exchanges"]
    )
    # The course reference runs under gunicorn: a fresh GET /latest gets no answer at all.
    fresh = [e for e in golden["exchanges"] if e.get("when") == "no latest recorded"]
    assert [e["response"].keys() for e in fresh] == [{"dropped"}]


def test_every_golden_exchange_is_classified_as_its_quirk(tmp_path: Path) -> None:
    golden = load_golden()
    with golden_server(tmp_path) as (url, app):
        result, _ = run(url)
    # The database lock after a tweet by an unknown user: the contract sends that probe last.
    assert app.state.locked
    assert app.state.writes_after_lock == [], "writes sent after the database locked"
    served = app.state.served
    provoked = {s.exchange for s in served}
    assert provoked == {e["id"] for e in golden["exchanges"]}, "golden exchanges never provoked"
    check_of = {e["id"]: e["check"] for e in golden["exchanges"]}
    failures = []
    for s in served:
        about = _evidence_of(s, result.findings)
        where = f"{s.exchange}: {s.method} {s.path} {s.body[:60]!r}"
        errors = [(f.check, f.message[:100]) for f in about if f.severity is Severity.ERROR]
        if errors:
            failures.append(f"{where} judged an error: {errors}")
        quirks = {f.check for f in about if f.severity is Severity.QUIRK}
        if not about and _reported_once(check_of[s.exchange], s.status, result.findings):
            continue  # a body check reports each kind of answer once, on its first example
        if check_of[s.exchange] not in quirks:
            seen = [(f.check, str(f.severity)) for f in about]
            failures.append(f"{where} not a quirk of {check_of[s.exchange]}: {seen}")
    assert failures == [], "\n".join(failures)
    errors = [(f.check, f.message) for f in result.findings if f.severity is Severity.ERROR]
    assert errors == []  # the rest is the normative app: nothing to report as an error


#: The spec's words for the quirk (simulator-api.md, section 4).
DROPPED_QUIRK = "closes the connection without any answer"


def test_a_fresh_latest_dropped_unanswered_is_a_quirk_and_the_run_goes_on(
    tmp_path: Path,
) -> None:
    """As the gate runs it on a fresh course reference: its first GET /latest gets no answer
    (gunicorn), latest.fresh names the quirk, and every later check still runs."""
    with golden_server(tmp_path) as (url, app):
        first = first_exchange(url)  # the gate's first request, before any stage
        assert first.status is None and first.exchange is not None
        result = run_contract(
            contract_config(url, fresh_target=True), lambda _: None, first.exchange
        )
    assert app.state.served[0].exchange == "latest-dropped-before-first"
    fresh = [f for f in result.findings if f.check == "latest.fresh"]
    assert [(f.severity, DROPPED_QUIRK in f.message) for f in fresh] == [(Severity.QUIRK, True)]
    assert fresh[0].evidence[0] == first.exchange  # the unanswered request is the evidence
    assert fresh[0].evidence[-1].status == 200  # and the value it reads once one was recorded
    # latest.initial met the same dropped connection (nothing had carried latest yet).
    initial = [f for f in result.findings if f.check == "latest.initial"]
    assert [(f.severity, DROPPED_QUIRK in f.message) for f in initial] == [(Severity.QUIRK, True)]
    # The run went on to the end: no crash, the last probe sent, every check judged.
    assert result.died_after is None
    assert [f for f in result.findings if f.check == "target.crash"] == []
    assert app.state.locked  # the tweet by an unknown user, which the contract sends last
    unjudged = [(c.name, c.status) for c in result.checks if c.status not in ("passed", "failed")]
    assert unjudged == [("schemathesis", "not-run")]  # the property phase is off here
    assert [f.check for f in result.findings if f.severity is Severity.ERROR] == []
