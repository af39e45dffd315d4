"""On the wire, the contract's probes carry the simulator's headers, a new connection each.

The target records every request's header lines as they arrived. Expected values are the
spec's (section 1): ``Authorization: Basic c2ltdWxh...``, ``Content-Type: application/json``
on JSON bodies, ``Connection: close``. Only the probes that test a missing header leave it
out: no credentials (the auth checks, ``/register``, ``/latest``) and one body without a
Content-Type (the 415 quirk of the course reference).
"""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

from tests.support.faulty_target import faulty_target
from tests.support.spec import SIMULATOR_AUTH

#: urllib3 adds its User-Agent: the contract sends prepared requests without requests' defaults.
URLLIB3_AGENT = f"python-urllib3/{version('urllib3')}"


def test_contract_probes_send_the_simulator_headers_on_a_new_connection_each() -> None:
    with faulty_target() as target:
        # The deterministic suite only: Schemathesis' property phase sends its own requests.
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
    probes = [r for r in log if r.header("User-Agent") == URLLIB3_AGENT]
    assert len(probes) > 100  # the suite ran (the rest are liveness GETs of /latest)
    for r in log:
        assert r.header("Connection") == "close", r.headers
        assert r.header("Authorization") in (None, SIMULATOR_AUTH), r.headers
    assert len({r.connection for r in log}) == len(log)  # no connection carried two requests
    posts = [r for r in probes if r.method == "POST"]
    untyped = [r for r in posts if r.header("Content-Type") is None]
    assert len(untyped) == 1 and untyped[0].body, [(r.path, r.body) for r in untyped]
    assert all(r.header("Content-Type") == "application/json" for r in posts if r not in untyped)
    assert all(r.header("Content-Type") is None for r in probes if r.method == "GET")
    # An ordinary write probe, header for header (urllib3 adds Host, Accept-Encoding and its
    # User-Agent; the contract sends the rest).
    tweet = next(r for r in posts if r.path.startswith("/msgs/") and r.header("Authorization"))
    host = tweet.header("Host")
    assert list(tweet.headers) == [
        ("Host", host),
        ("Accept-Encoding", "identity"),
        ("User-Agent", URLLIB3_AGENT),
        ("Connection", "close"),
        ("Authorization", SIMULATOR_AUTH),
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(tweet.body))),
    ]
