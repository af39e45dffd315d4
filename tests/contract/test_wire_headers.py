"""On the wire, the contract's probes carry the simulator's headers, a new connection each.

The target records every request's header lines as they arrived. Expected values are the
spec's (sections 1 and 2): requests' User-Agent, ``Accept-Encoding: gzip, deflate``,
``Accept: */*``, ``Connection: close``, ``Content-Type: application/json`` on JSON bodies,
``Authorization: Basic c2ltdWxh...``. Only the probes that test a missing header leave it
out: no credentials (the auth checks, ``/register``, ``/latest``) and one body without a
Content-Type (the 415 quirk of the course reference).
"""

from __future__ import annotations

import subprocess
import sys

import requests

from tests.contract.conftest import run
from tests.support.faulty_target import Received, faulty_target
from tests.support.spec import SIMULATOR_AUTH

#: What every simulator request starts with after Host (spec section 2: a requests client
#: without brotli), in requests' order.
SESSION = [
    ("User-Agent", f"python-requests/{requests.__version__}"),
    ("Accept-Encoding", "gzip, deflate"),
    ("Accept", "*/*"),
    ("Connection", "close"),
]


def test_contract_probes_send_the_simulator_headers_on_a_new_connection_each() -> None:
    with faulty_target() as target:
        # The deterministic suite only (the property phase is the next test).
        subprocess.run(
            [
                sys.executable,
                "-m",
                "harness",
                "contract",
                "--target",
                target.url,
                "--no-property-phase",
            ],
            capture_output=True,
            timeout=120,
        )  # the exit code is the faulty target's verdict, not what this test is about
        log = list(target.behaviour.log)
    assert len(log) > 100  # the suite ran
    for r in log:
        # Every request, probes and liveness GETs alike, header for header: the session's,
        # then Content-Type with a body, then Authorization (each only when sent), then
        # Content-Length (urllib3 writes Host first).
        optional = [(k, v) for k, v in r.headers if k in ("Content-Type", "Authorization")]
        # requests sends Content-Length on every method but GET and HEAD, even for no body.
        length = [("Content-Length", str(len(r.body)))] if r.method not in ("GET", "HEAD") else []
        assert list(r.headers) == [("Host", r.header("Host")), *SESSION, *optional, *length]
        assert r.header("Authorization") in (None, SIMULATOR_AUTH), r.headers
    assert len({r.connection for r in log}) == len(log)  # no connection carried two requests
    posts = [r for r in log if r.method == "POST"]
    untyped = [r for r in posts if r.header("Content-Type") is None]
    assert len(untyped) == 1 and untyped[0].body, [(r.path, r.body) for r in untyped]
    assert all(r.header("Content-Type") == "application/json" for r in posts if r not in untyped)
    assert all(r.header("Content-Type") is None for r in log if r.method == "GET")
    # An ordinary write probe, header for header, exactly as the simulator sends a tweet.
    tweet = next(r for r in posts if r.path.startswith("/msgs/") and r.header("Authorization"))
    assert list(tweet.headers) == [
        ("Host", tweet.header("Host")),
        *SESSION,
        ("Content-Type", "application/json"),
        ("Authorization", SIMULATOR_AUTH),
        ("Content-Length", str(len(tweet.body))),
    ]


def _schemathesis(log: list[Received]) -> list[Received]:
    """The requests Schemathesis sent (it marks each with its test case's id)."""
    return [r for r in log if r.header("X-Schemathesis-TestCaseId") is not None]


def test_the_property_phase_sends_the_simulator_headers_too() -> None:
    with faulty_target() as target:
        run(target.url, property_phase=True, time_budget=10, max_examples=3)
        sent = _schemathesis(list(target.behaviour.log))
    assert sent  # the phase ran (how many cases fit its budget depends on the machine)
    for r in sent:
        # The session's headers, in requests' order, first; then Schemathesis' own.
        assert list(r.headers)[1:5] == SESSION, r.headers
        # [auth.basic] gives the simulator's; its ignored_auth check sends none.
        assert r.header("Authorization") in (SIMULATOR_AUTH, None), r.headers
    assert len({r.connection for r in sent}) == len(sent)  # Connection: close honoured
