"""Load's writes on the wire are the course simulator's ``requests`` client (spec section 2).

Against a server that redirects or compresses every POST: the simulator's headers, a 307
followed with the body (the final 204 judged), a broken gzip body a ContentDecodingError.
"""

from __future__ import annotations

from pathlib import Path

import requests

from tests.load.support import run_load_cli
from tests.support.wire_target import Plan, WireState, wire_target

BOUNDED = ("--read-ratio", "0", "--users", "2", "--max-requests", "30", "--run-time", "20s")


def test_writes_carry_the_simulators_headers_and_follow_a_307(tmp_path: Path) -> None:
    state = WireState(default=Plan(redirect=307))
    with wire_target(state) as url:
        run = run_load_cli(url, tmp_path / "out", *BOUNDED, "--timeout", "3")
    assert run.returncode == 0, run.stdout + run.stderr
    writes = [o for o in run.outcomes() if o.action_id >= 0]
    assert writes and all(o.status == 204 and o.error is None for o in writes)
    sent = [r for r in state.log if r.action_id is not None and r.action_id >= 0]
    first = [r for r in sent if not r.target.startswith("/hop/")]
    again = [r for r in sent if r.target.startswith("/hop/0/")]
    assert len(again) == len(first)  # every POST sent again after its 307, with its body
    assert {r.body for r in again} == {r.body for r in first}
    headers = dict(first[0].headers)
    # spec sections 1 and 2: the simulator's own headers plus requests' defaults
    assert headers["Authorization"] == "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh"
    assert headers["Content-Type"] == "application/json"
    assert headers["Connection"] == "close"
    assert headers["Accept-Encoding"] == "gzip, deflate"
    assert headers["User-Agent"] == f"python-requests/{requests.__version__}"


def test_a_broken_gzip_body_is_a_content_decoding_error(tmp_path: Path) -> None:
    # Tweets only: the unmeasured warm-up must register its accounts first.
    broken = Plan(status=400, encoding="gzip", body=b"not gzip")
    state = WireState(default=broken, default_prefix="/msgs/")
    with wire_target(state) as url:
        run = run_load_cli(
            url, tmp_path / "out", *BOUNDED, "--timeout", "3", "--threshold", "error_rate<1%"
        )
    tweets = [o for o in run.outcomes() if o.command == "tweet"]
    assert tweets and {o.error for o in tweets} == {"ContentDecodingError"}
    assert run.returncode == 1
