"""Probes against the reference app directly on loopback (no proxy), IPv4 and IPv6."""

from __future__ import annotations

from pathlib import Path

from harness.probes.judge import Observed

# Documented exception: SPOOF_TRICKS is the catalogue of header tricks (the README names
# them in prose only); the tests check that every one is planned and sent, not its content.
from harness.probes.tricks import SPOOF_TRICKS
from tests.allowlist.probing import assert_whole_matrix_passes, checks, port_of, probe, serve_with

ALLOWED = ("127.0.0.5", "127.0.0.6")
DENIED = ("127.0.0.9", "127.0.0.10")


def test_correct_configuration_passes_on_a_dual_stack_listener(tmp_path: Path) -> None:
    # Listening on "::" the app sees IPv4 peers as ::ffff:127.0.0.5: normalisation matters.
    with serve_with(tmp_path, accepted="127.0.0.4/31,127.0.0.6", host="::") as app:
        port = port_of(app)
        v4 = probe(f"http://127.0.0.1:{port}", ALLOWED, DENIED)
        v6 = probe(f"http://[::1]:{port}", denied=["::1"], spoof_as=["127.0.0.5"])
    assert_whole_matrix_passes(v4)
    assert_whole_matrix_passes(v6)
    tricks = {r.probe.trick for r in v4.matrix}
    assert set(SPOOF_TRICKS) <= tricks
    assert {r.probe.path for r in v4.matrix} == {"/msgs?no=1", "/latest"}
    assert len(v4.matrix) == 2 * (4 + 2 + 2 * 2 * len(SPOOF_TRICKS))
    # The IPv6 source spoofing the IPv4-mapped spelling of an allowed address stays out.
    mapped = [r for r in v6.matrix if r.probe.trick == "xff-mapped"]
    assert mapped and all(r.observed is Observed.DENIED for r in mapped)


def test_ipv6_source_allowed_on_ipv6_listener(tmp_path: Path) -> None:
    with serve_with(tmp_path, accepted="::1", host="::1") as app:
        result = probe(app.url, allowed=["::1"])
    assert_whole_matrix_passes(result)
    assert {r.observed for r in result.matrix} == {Observed.ALLOWED}


def test_accept_all_where_denial_was_expected_is_an_open_allowlist(tmp_path: Path) -> None:
    with serve_with(tmp_path, accepted="*") as app:
        result = probe(app.url, ALLOWED, DENIED)
    assert checks(result) == {"allowlist.open"}
    assert not result.ok
    (finding,) = result.findings
    assert finding.message.startswith("allowlist open:")
    assert finding.evidence and finding.evidence[0].status == 200


def test_forwarded_for_trusted_from_anyone_is_a_spoofed_header(tmp_path: Path) -> None:
    with serve_with(tmp_path, accepted="127.0.0.5", trusted="0.0.0.0/0,::/0") as app:
        result = probe(app.url, ["127.0.0.5"], ["127.0.0.9"])
    assert "allowlist.spoofed-header-accepted" in checks(result)
    assert "allowlist.open" not in checks(result)
    plain = {r.probe.source: r.observed for r in result.matrix if r.probe.trick == "direct"}
    assert plain == {"127.0.0.5": Observed.ALLOWED, "127.0.0.9": Observed.DENIED}
    spoofed = next(f for f in result.findings if f.check == "allowlist.spoofed-header-accepted")
    assert "claiming 127.0.0.5" in spoofed.message
    assert any(e.request_headers.get("X-Forwarded-For") == "127.0.0.5" for e in spoofed.evidence)
