"""Sending probes: target URLs with a prefix, source binding, repeated headers, no route."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import UsageError
from harness.probes.send import check_route, send
from harness.probes.tricks import Expect, Probe
from harness.target import Target
from tests.allowlist.probing import serve_with
from tests.support.nginx import run_nginx


@pytest.mark.parametrize(
    ("url", "host", "port", "prefix"),
    [
        ("http://127.0.0.1:5001", "127.0.0.1", 5001, ""),
        ("http://127.0.0.1:5001/api/", "127.0.0.1", 5001, "/api"),
        ("http://[::1]:8080/x", "::1", 8080, "/x"),
        ("https://localhost", "localhost", 443, ""),
    ],
)
def test_target_parse(url: str, host: str, port: int, prefix: str) -> None:
    target = Target.parse(url)
    assert (target.host, target.port, target.prefix) == (host, port, prefix)


def test_source_without_route_to_target_is_a_setup_error() -> None:
    # A loopback-bound socket cannot reach a non-local address: the kernel refuses the
    # connect locally (EINVAL), so nothing leaves the machine.
    target = Target.parse("http://192.0.2.1:9")
    with pytest.raises(UsageError, match=r"source 127\.0\.0\.5 cannot reach target"):
        check_route("127.0.0.5", target, 1.0)


@pytest.mark.nginx
def test_probe_leaves_from_its_source_with_headers_verbatim(tmp_path: Path) -> None:
    with (
        serve_with(tmp_path, accepted="*") as app,
        run_nginx(app.url, tmp_path / "nginx", hosts=("127.0.0.2",)) as ng,
    ):
        headers = (("X-Forwarded-For", "10.0.0.1"), ("X-Forwarded-For", "10.0.0.2"))
        probe = Probe("127.0.0.7", "xff-two-headers", "/latest", headers, Expect.DENIED)
        exchange = send(Target.parse(ng.url() + "/"), probe, 5.0)
        access = ng.access_log(lines=1)
    assert exchange.status == 200
    assert exchange.url == ng.url() + "/latest"
    assert exchange.request_headers["X-Forwarded-For"] == "10.0.0.1, 10.0.0.2"
    assert exchange.request_headers["Authorization"].startswith("Basic ")
    assert access.startswith("127.0.0.7 - ")
