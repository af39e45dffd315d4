"""On the wire, load sends the simulator's headers: a new connection per request unless asked.

The target records every request's header lines as they arrived and the connection each
came on. Expected values are the spec's (section 1): ``Authorization: Basic c2ltdWxh...``,
``Content-Type: application/json`` on bodies, ``Connection: close`` (a new TCP connection
per request); with ``--keep-alive`` connections are reused instead.
"""

from __future__ import annotations

from pathlib import Path

import geventhttpclient
import pytest
import requests

from tests.load.support import run_load_cli
from tests.support.faulty_target import FaultyTarget, Received, faulty_target
from tests.support.spec import SIMULATOR_AUTH

pytestmark = pytest.mark.slow

RUN = ("--users", "2", "--max-requests", "30", "--run-time", "60", "--timeout", "5")
#: geventhttpclient's own User-Agent (the load users read through FastHttpUser's client).
USER_AGENT = f"python/gevent-http-client-{geventhttpclient.__version__}"


#: README, load: the warm-up registers two accounts per Locust user, at least 10.
WARMUP_REGISTERS = 10


def _load_requests(target: FaultyTarget) -> list[Received]:
    """Every request of the Locust users (after the reachability probe and the warm-up)."""
    probe, *rest = target.behaviour.log
    assert (probe.method, probe.path) == ("GET", "/latest")
    assert "Authorization" not in dict(probe.headers)  # the probe is not load traffic
    warmup, sent = rest[:WARMUP_REGISTERS], rest[WARMUP_REGISTERS:]
    # The warm-up (not measured, not load traffic) registers its accounts before Locust starts.
    assert all((r.method, r.path.partition("?")[0]) == ("POST", "/register") for r in warmup)
    return sent


def _run(tmp_path: Path, *extra: str) -> list[Received]:
    with faulty_target() as target:
        run = run_load_cli(target.url, tmp_path, *RUN, *extra)
        assert run.returncode == 0, run.stderr
        sent = _load_requests(target)
    assert 30 <= len(run.outcomes()) <= len(sent)  # the cap stops the run; in-flight ones land
    assert {r.method for r in sent} == {"GET", "POST"}  # writes and reads both judged here
    return sent


def test_load_sends_exactly_the_simulator_headers_on_a_new_connection_each(
    tmp_path: Path,
) -> None:
    sent = _run(tmp_path)
    host = dict(sent[0].headers)["Host"]
    for r in sent:
        names = [name for name, _ in r.headers]
        assert len(names) == len(set(names)), r.headers  # no header line twice
        if r.method == "POST":
            # The simulator's writes: requests' headers in requests' order (spec section 2:
            # its User-Agent, Accept-Encoding without brotli); geventhttpclient adds Host
            # after them (requests sends it first: header order carries no meaning).
            assert list(r.headers) == [
                ("User-Agent", f"python-requests/{requests.__version__}"),
                ("Accept-Encoding", "gzip, deflate"),
                ("Accept", "*/*"),
                ("Connection", "close"),
                ("Content-Type", "application/json"),
                ("Authorization", SIMULATOR_AUTH),
                ("Host", host),
                ("Content-Length", str(len(r.body))),
            ]
        else:
            assert list(r.headers) == [
                ("User-Agent", USER_AGENT),
                ("Authorization", SIMULATOR_AUTH),
                ("Accept", "application/json"),
                ("Connection", "close"),
                ("Host", host),
            ]
    # Connection: close is honoured: no connection carried two requests.
    assert len({r.connection for r in sent}) == len(sent)


def test_keep_alive_reuses_connections_and_drops_connection_close(tmp_path: Path) -> None:
    sent = _run(tmp_path, "--keep-alive")
    for r in sent:
        headers = dict(r.headers)
        # HTTP/1.1: persistent unless "close" is said; writes carry requests' own default
        write = r.method == "POST"
        assert headers.get("Connection") == ("keep-alive" if write else None)
        assert headers["Authorization"] == SIMULATOR_AUTH
        assert headers.get("Content-Type") == ("application/json" if r.method == "POST" else None)
    # 2 users, one connection each: every connection carried many requests.
    assert len({r.connection for r in sent}) <= 2
