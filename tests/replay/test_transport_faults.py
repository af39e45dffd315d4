"""Each way a target misbehaves is classified like the course simulator's ``requests`` call."""

from __future__ import annotations

import io

import pytest

from bench.simulator_client import simulator_replay
from harness.execution.replay.transport import Endpoint, WireClient
from harness.planning.requests import request_for
from harness.scenario.model import Action, Command
from tests.replay.replay_support import LOADED_MACHINE_TIMEOUT
from tests.support.faulty_target import FaultyTarget, faulty_target
from tests.support.net import free_port

TWEET = Action(7, 0, 0, Command.TWEET, "Ann Lee", content="hello “world”")


#: The simulator's timeout where the target never answers (nothing can come early); else
#: LOADED_MACHINE_TIMEOUT, for an in-process target that may answer late on a busy machine.
SIMULATOR_TIMEOUT = 0.3


def _simulator_field(url: str, action: Action, timeout: float = LOADED_MACHINE_TIMEOUT) -> str:
    """What the simulator-style client logs after the action id (empty: no error)."""
    out = io.StringIO()
    simulator_replay(url, [action], out, pace=False, timeout=timeout)
    line = out.getvalue().strip()
    return ",".join(line.split(",")[3:]) if line else ""


@pytest.mark.parametrize(
    ("fault", "error", "status"),
    [
        ("reset", "ConnectionError", None),
        ("hang", "ReadTimeout", None),
        ("garbage", "ConnectionError", None),
        ("truncated", "ChunkedEncodingError", None),
        ("status200", None, 200),
        (None, None, 204),
    ],
)
def test_fault_is_classified_like_the_simulator(
    fault: str | None, error: str | None, status: int | None
) -> None:
    timeout = SIMULATOR_TIMEOUT if fault == "hang" else LOADED_MACHINE_TIMEOUT
    with faulty_target(fault) as target:
        reply = WireClient(Endpoint(target.url), timeout=timeout).send(request_for(TWEET))
        assert (reply.error, reply.status) == (error, status)
        expected = error or (f"{status},tweet" if status != 204 else "")
        assert _simulator_field(target.url, TWEET, timeout) == expected


def test_refused_connection_is_a_connection_error() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    reply = WireClient(Endpoint(url), timeout=SIMULATOR_TIMEOUT).send(request_for(TWEET))
    assert (reply.error, reply.status) == ("ConnectionError", None)
    assert _simulator_field(url, TWEET) == "ConnectionError"


def test_hang_is_cut_at_the_timeout() -> None:
    with faulty_target("hang") as target:
        reply = WireClient(Endpoint(target.url), timeout=0.2).send(request_for(TWEET))
    assert reply.error == "ReadTimeout"
    assert 190 <= reply.latency_ms < 5000  # cut, not waiting for the target's 10 s


def test_request_carries_the_simulator_headers_and_latest() -> None:
    target = FaultyTarget()
    target.start()
    try:
        reply = WireClient(Endpoint(target.url + "/"), timeout=1).send(request_for(TWEET))
    finally:
        target.stop()
    assert reply.status == 204 and reply.error is None
    received = target.behaviour.log[0]
    assert received.action_id == 7
    assert received.path == "/msgs/Ann Lee"
    assert received.body == b'{"content": "hello \\u201cworld\\u201d"}'


def test_keep_alive_reuses_and_survives_a_server_restart() -> None:
    with faulty_target() as target:
        client = WireClient(Endpoint(target.url), timeout=1, keep_alive=True)
        assert client.send(request_for(TWEET)).status == 204
        target.stop()
        target.start()
        assert client.send(request_for(TWEET)).status == 204
        client.close()
