"""Judging the matrix: classification of answers and the four kinds of findings."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from harness.findings import Exchange, Profile, Severity
from harness.probes.judge import Observed, ProbeVerdict, classify, findings_for, judge_matrix
from harness.probes.tricks import Probe, plan_probes

AUTH = json.dumps({"status": 403, "error_msg": "You are not authorized to use this resource!"})
DENY = json.dumps({"status": 403, "error_msg": "Your address 127.0.0.9 is not allowed"})


def answer(status: int | None, body: str = "", error: str | None = None) -> Exchange:
    return Exchange("GET", "http://t/msgs", status=status, response_body=body, error=error)


@pytest.mark.parametrize(
    ("exchange", "observed"),
    [
        (answer(200, "[]"), Observed.ALLOWED),
        (answer(404, "{}"), Observed.ALLOWED),
        (answer(403, DENY), Observed.DENIED),
        (answer(403, "<html>403 Forbidden</html>"), Observed.DENIED),
        (answer(401, ""), Observed.DENIED),
        (answer(403, AUTH), Observed.DENIED_AUTH),
        (answer(502, "bad gateway"), Observed.SERVER_ERROR),
        (answer(None, error="ConnectionError"), Observed.NO_ANSWER),
        (answer(None, error="ReadTimeout"), Observed.NO_ANSWER),
    ],
)
def test_classify(exchange: Exchange, observed: Observed) -> None:
    assert classify(exchange) is observed


Responder = Callable[[Probe], Exchange]


def run(responder: Responder, allowed: list[str], denied: list[str]) -> list[str]:
    probes = plan_probes(allowed, denied, ["/msgs?no=1", "/latest"])
    rows = judge_matrix(probes, [responder(p) for p in probes])
    return [f.check for f in findings_for(rows, "http://t")]


def correct(p: Probe) -> Exchange:
    return answer(200, "[]") if p.source == "127.0.0.5" else answer(403, DENY)


def test_correct_target_gives_no_findings() -> None:
    assert run(correct, ["127.0.0.5"], ["127.0.0.9"]) == []


def test_proxy_address_seen_everywhere_locks_out_allowed_sources() -> None:
    checks = run(lambda p: answer(403, DENY), ["127.0.0.5", "::1"], ["127.0.0.9"])
    assert checks == ["allowlist.allowed-source-locked-out"] * 2


def test_everything_let_in_is_an_open_allowlist_and_spoofs_are_moot() -> None:
    probes = plan_probes(["127.0.0.5"], ["127.0.0.9", "127.0.0.10"], ["/msgs"])
    rows = judge_matrix(probes, [answer(200, "[]") for _ in probes])
    findings = findings_for(rows)
    assert [f.check for f in findings] == ["allowlist.open"]
    assert findings[0].message.startswith("allowlist open:")
    assert {r.verdict for r in rows if r.probe.trick not in ("direct", "xff-foreign")} == {
        ProbeVerdict.MOOT
    }


def test_one_of_two_denied_sources_let_in() -> None:
    def responder(p: Probe) -> Exchange:
        return answer(403, DENY) if p.source == "127.0.0.9" else answer(200)

    checks = run(responder, ["127.0.0.5"], ["127.0.0.9", "127.0.0.10"])
    assert checks == ["allowlist.denied-source-let-in"]


def test_header_trusted_from_anyone_is_a_spoofed_header() -> None:
    def responder(p: Probe) -> Exchange:
        forwarded = dict(p.headers).get("X-Forwarded-For", "")
        ok = p.source == "127.0.0.5" or forwarded.split(",")[0].strip() == "127.0.0.5"
        return answer(200) if ok else answer(403, DENY)

    probes = plan_probes(["127.0.0.5"], ["127.0.0.9"], ["/msgs"])
    findings = findings_for(judge_matrix(probes, [responder(p) for p in probes]))
    assert [f.check for f in findings] == ["allowlist.spoofed-header-accepted"]
    (finding,) = findings
    assert finding.message.startswith("spoofed header accepted: denied source 127.0.0.9")
    assert "xff-first" in finding.message and "x-real-ip" not in finding.message
    assert finding.severity is Severity.ERROR and finding.stage == "allowlist"


def test_lockout_is_a_simulator_profile_error_with_evidence() -> None:
    probes = plan_probes(["127.0.0.5"], ["127.0.0.9"], ["/msgs?no=1"])
    exchanges = [answer(None, error="ConnectionError") for _ in probes]
    (finding,) = findings_for(judge_matrix(probes, exchanges), "http://t")
    assert finding.check == "allowlist.allowed-source-locked-out"
    assert finding.profile is Profile.SIMULATOR
    assert finding.where == "GET /msgs"
    assert finding.target == "http://t"
    assert 1 <= len(finding.evidence) <= 3


def test_auth_message_denial_is_a_warning_only() -> None:
    def responder(p: Probe) -> Exchange:
        return answer(200) if p.source == "127.0.0.5" else answer(403, AUTH)

    probes = plan_probes(["127.0.0.5"], ["127.0.0.9"], ["/msgs"])
    findings = findings_for(judge_matrix(probes, [responder(p) for p in probes]))
    assert [(f.check, f.severity) for f in findings] == [
        ("allowlist.denial-message", Severity.WARNING)
    ]


def test_server_errors_are_reported_separately() -> None:
    def responder(p: Probe) -> Exchange:
        return answer(500, "boom") if p.trick == "forwarded" else correct(p)

    assert run(responder, ["127.0.0.5"], ["127.0.0.9"]) == ["allowlist.server-error"]


def test_latest_open_to_everyone_is_information_by_default() -> None:
    """The dashboard polls /latest: open to a denied source is info, the API stays judged."""

    def responder(p: Probe) -> Exchange:
        if p.path == "/latest" or p.source == "127.0.0.5":
            return answer(200, '{"latest": 1}')
        return answer(403, DENY)

    probes = plan_probes(["127.0.0.5"], ["127.0.0.9"], ["/msgs?no=1", "/latest"])
    rows = judge_matrix(probes, [responder(p) for p in probes])
    assert findings_for(rows) == []
    latest = [r for r in rows if r.probe.path == "/latest" and r.probe.source == "127.0.0.9"]
    assert latest and {r.verdict for r in latest} <= {ProbeVerdict.INFO, ProbeVerdict.MOOT}
    judged = judge_matrix(probes, [responder(p) for p in probes], judge_latest=True)
    assert [f.check for f in findings_for(judged)] == ["allowlist.denied-source-let-in"]


def test_api_open_with_latest_open_is_still_an_open_allowlist() -> None:
    checks = run(lambda p: answer(200, "[]"), ["127.0.0.5"], ["127.0.0.9"])
    assert checks == ["allowlist.open"]
