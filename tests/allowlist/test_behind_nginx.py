"""Probes through a real nginx in front of the reference app (the production setup)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.probes.judge import Observed
from tests.allowlist.probing import assert_whole_matrix_passes, checks, probe, serve_with
from tests.support.nginx import run_nginx

pytestmark = pytest.mark.nginx

PROXY = "127.0.0.2"  # nginx listens here and connects to the app from here


def test_correct_proxy_trust_passes_for_ipv4_and_ipv6_clients(tmp_path: Path) -> None:
    accepted = "127.0.0.5,::1"
    with (
        serve_with(tmp_path, accepted=accepted, trusted=PROXY) as app,
        run_nginx(app.url, tmp_path / "nginx", hosts=(PROXY, "::1"), proxy_address=PROXY) as ng,
    ):
        v4 = probe(ng.url(PROXY), ["127.0.0.5"], ["127.0.0.9", "127.0.0.10"])
        v6 = probe(ng.url("::1"), allowed=["::1"])
        access_log = ng.access_log(containing=("127.0.0.9 - ", "::1 - "))
    assert_whole_matrix_passes(v4)
    assert_whole_matrix_passes(v6)
    # The probes really went through nginx, from their own source addresses.
    assert "127.0.0.9 - " in access_log and "::1 - " in access_log


def test_no_trusted_proxy_locks_the_simulator_out(tmp_path: Path) -> None:
    # The production incident: the app sees every request coming from nginx.
    with (
        serve_with(tmp_path, accepted="127.0.0.5") as app,
        run_nginx(app.url, tmp_path / "nginx", hosts=(PROXY,), proxy_address=PROXY) as ng,
    ):
        result = probe(ng.url(), ["127.0.0.5"], ["127.0.0.9"])
    assert checks(result) == {"allowlist.allowed-source-locked-out"}
    (finding,) = result.findings
    assert finding.message.startswith("allowed source locked out: 127.0.0.5")
    assert finding.profile == "simulator"
    allowed_plain = [r for r in result.matrix if r.probe.source == "127.0.0.5"]
    assert {r.observed for r in allowed_plain} == {Observed.DENIED}
    body = allowed_plain[0].exchange.response_body or ""
    assert f"{PROXY} is not allowed" in body  # the app blamed the proxy's address


def test_trusting_every_forwarder_behind_nginx_is_spoofable(tmp_path: Path) -> None:
    with (
        serve_with(tmp_path, accepted="127.0.0.5", trusted="127.0.0.0/8") as app,
        run_nginx(app.url, tmp_path / "nginx", hosts=(PROXY,), proxy_address=PROXY) as ng,
    ):
        result = probe(ng.url(), ["127.0.0.5"], ["127.0.0.9"])
    assert "allowlist.spoofed-header-accepted" in checks(result)
