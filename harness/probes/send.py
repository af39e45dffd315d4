"""Sending allowlist probes from chosen local source addresses (the only IO of the probes).

``http.client`` is used because it binds the client socket to a source address and sends
repeated header lines as they are, both of which the spoofing probes need.
"""

from __future__ import annotations

import errno
import http.client
import socket
import time

from harness.constants import SIMULATOR_AUTH
from harness.errors import TargetUnreachable, UsageError
from harness.findings import Exchange
from harness.probes.tricks import Probe
from harness.target import Target

MAX_BODY = 2048
#: Errors that mean "no route from this source" (a loopback source and a remote target).
_NO_ROUTE = {errno.EINVAL, errno.ENETUNREACH, errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT}


def parse_target(url: str | None) -> Target:
    """Parse ``--target``; a missing or malformed URL is a one-line UsageError."""
    if not url:
        raise UsageError("allowlist probes need --target URL")
    try:
        return Target.parse(url)
    except ValueError as exc:
        raise UsageError(f"--target: {exc}") from None


def families(target: Target) -> set[socket.AddressFamily]:
    """Address families the target host resolves to."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise TargetUnreachable(f"target {target.base_url}: cannot resolve host: {exc}") from None
    return {info[0] for info in infos}


def _family(source: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in source else socket.AF_INET


def check_source(source: str, target: Target) -> None:
    """A source must be an address of this machine in a family the target has."""
    family = _family(source)
    if family not in families(target):
        version = "IPv6" if family == socket.AF_INET6 else "IPv4"
        raise UsageError(f"source {source} is {version} but target host {target.host} is not")
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((source, 0))
        except OSError as exc:
            raise UsageError(
                f"source {source} is not a usable address of this machine: {exc.strerror}"
            ) from None


def check_route(source: str, target: Target, timeout: float) -> None:
    """Fail before probing when ``source`` has no route to the target at all.

    A refused or timed-out connection is left to the probes (a firewall may deny that way);
    errors like EINVAL (a loopback source towards a remote host) are errors of the setup.
    """
    conn = _connection(target, source, min(timeout, 1.0))
    try:
        conn.connect()
    except OSError as exc:
        if exc.errno in _NO_ROUTE:
            raise UsageError(
                f"source {source} cannot reach target {target.base_url}: {exc.strerror}"
            ) from None
    finally:
        conn.close()


def _connection(target: Target, source: str | None, timeout: float) -> http.client.HTTPConnection:
    bind = (source, 0) if source else None
    if target.scheme == "https":
        return http.client.HTTPSConnection(
            target.host, target.port, timeout=timeout, source_address=bind
        )
    return http.client.HTTPConnection(
        target.host, target.port, timeout=timeout, source_address=bind
    )


def check_reachable(target: Target, timeout: float) -> None:
    """Fail with one line when nothing answers at the target (TCP connect, no request).

    Not ``liveness.require_reachable``: a target that accepts and never answers (a silent
    allowlist) must still be probed from every source, so only the connection counts here.
    """
    conn = _connection(target, None, timeout)
    try:
        conn.connect()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise TargetUnreachable(f"target {target.base_url} is unreachable: {reason}") from None
    finally:
        conn.close()


def _error_class(exc: Exception) -> str:
    """The simulator's names for transport errors, the class name otherwise."""
    if isinstance(exc, TimeoutError):
        return "ReadTimeout"
    if isinstance(exc, ConnectionError):
        return "ConnectionError"
    return type(exc).__name__


def send(target: Target, probe: Probe, timeout: float) -> Exchange:
    """Send one probe (new connection, ``Connection: close``) and record the exchange."""
    path = target.prefix + probe.path
    headers: list[tuple[str, str]] = [
        ("Authorization", SIMULATOR_AUTH),
        ("Connection", "close"),
        *probe.headers,
    ]
    shown: dict[str, str] = {}
    for name, value in headers:
        shown[name] = f"{shown[name]}, {value}" if name in shown else value
    conn = _connection(target, probe.source, timeout)
    started = time.perf_counter()
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        for name, value in headers:
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        body = response.read(MAX_BODY).decode("utf-8", errors="replace")
        return Exchange(
            method="GET",
            url=target.url(probe.path),
            request_headers=shown,
            status=response.status,
            response_headers=dict(response.getheaders()),
            response_body=body,
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )
    except (OSError, http.client.HTTPException) as exc:
        return _failed(target, probe, shown, exc, started)
    finally:
        conn.close()


def _failed(
    target: Target, probe: Probe, shown: dict[str, str], exc: Exception, started: float
) -> Exchange:
    return Exchange(
        method="GET",
        url=target.url(probe.path),
        request_headers=shown,
        error=_error_class(exc),
        elapsed_ms=(time.perf_counter() - started) * 1000,
    )
