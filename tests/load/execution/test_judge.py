"""Load verdicts: the simulator profile exactly, strict adds normative statuses; transport
errors named as the simulator names them, for the exceptions the real client raises."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from geventhttpclient.client import HTTPClientPool
from geventhttpclient.useragent import EmptyResponse, RetriesExceeded

from harness.execution.load.judge import error_class, failure_message, judge_response
from tests.support.faulty_target import faulty_target
from tests.support.net import free_port


@pytest.mark.parametrize(
    ("profile", "command", "status", "error", "check"),
    [
        ("simulator", "register", 204, None, None),
        ("simulator", "register", 400, None, None),
        ("simulator", "register", 200, None, "simulator.register-status"),
        ("simulator", "tweet", 204, None, None),
        ("simulator", "tweet", 200, None, "simulator.tweet-status"),
        ("simulator", "follow", 404, None, "simulator.follow-status"),
        ("simulator", "unfollow", 500, None, "simulator.unfollow-status"),
        ("simulator", "msgs", 500, None, None),  # the simulator sends no reads
        ("simulator", "latest", None, "ReadTimeout", "simulator.ReadTimeout"),
        ("simulator", "tweet", None, "ConnectionError", "simulator.ConnectionError"),
        ("strict", "register", 400, None, "strict.register-status"),
        ("strict", "register", 204, None, None),
        ("strict", "msgs", 500, None, "strict.msgs-status"),
        ("strict", "fllws", 200, None, "strict.invalid-json"),  # an empty 200 body
        ("strict", "msgs_user", 404, None, "strict.msgs_user-status"),
        ("strict", "tweet", 201, None, "simulator.tweet-status"),  # simulator verdict first
        ("strict", "latest", None, "ReadTimeout", "simulator.ReadTimeout"),
    ],
)
def test_verdicts(
    profile: str, command: str, status: int | None, error: str | None, check: str | None
) -> None:
    verdict = judge_response(profile, command, status, error)
    assert (verdict.ok, verdict.check) == (check is None, check)


@pytest.mark.parametrize(
    ("command", "status", "body", "check"),
    [
        ("fllws", 200, b'{"follows": ["a", "b"]}', None),
        ("fllws", 200, b'{"follows": null}', "strict.follows-schema"),
        ("msgs", 200, b'[{"content": "x", "pub_date": 1, "user": "u"}]', None),
        ("msgs", 200, b"null", "strict.messages-schema"),
        (
            "msgs_user",
            200,
            b'[{"content": "x", "pub_date": "2024", "user": "u"}]',
            "strict.messages-schema",
        ),
        ("latest", 200, b'{"latest": 7}', None),
        ("latest", 200, b"<html>7</html>", "strict.invalid-json"),
        ("tweet", 204, b"", None),
        ("tweet", 204, b"ok", "strict.204-with-body"),
    ],
)
def test_strict_validates_bodies(command: str, status: int, body: bytes, check: str | None) -> None:
    verdict = judge_response("strict", command, status, None, body)
    assert (verdict.ok, verdict.check) == (check is None, check)
    assert judge_response("simulator", command, status, None, body).ok  # never under the simulator


@pytest.mark.parametrize(
    ("exc", "name"),
    [
        (TimeoutError(), "ReadTimeout"),  # raised outside a connect: waiting for the answer
        (ConnectionRefusedError(), "ConnectionError"),
        (ConnectionResetError(), "ConnectionError"),
        (OSError("unreachable"), "ConnectionError"),
        (ValueError("bad"), "ValueError"),
    ],
)
def test_error_classes_use_the_simulators_names(exc: BaseException, name: str) -> None:
    assert error_class(exc) == name


@pytest.mark.parametrize(
    ("exc", "name"),
    [
        (RetriesExceeded("http://t/", 1, original=TimeoutError("timed out")), "ReadTimeout"),
        (RetriesExceeded("http://t/", 1, original=ConnectionRefusedError()), "ConnectionError"),
        (EmptyResponse("http://t/", "Empty response"), "ConnectionError"),
    ],
)
def test_wrapped_client_errors_are_unwrapped(exc: BaseException, name: str) -> None:
    """geventhttpclient's own classes (its UserAgent wraps the cause as ``original``)."""
    assert error_class(exc) == name


TWEET_HEADERS = {"Content-Type": "application/json", "Connection": "close"}


def _raised(url: str, *, connect_timeout: float = 10.0, read_timeout: float = 10.0) -> Exception:
    """What the load users' client raises for one tweet to ``url``.

    The users send with the geventhttpclient ``HTTPClient`` of FastHttpUser's pool, built with
    the run's timeout as both ``connection_timeout`` and ``network_timeout``; the two are
    apart here so that only the phase under test can time out on a busy machine.
    """
    pool = HTTPClientPool(
        connection_timeout=connect_timeout, network_timeout=read_timeout, concurrency=1
    )
    try:
        pool.get_client(url).request(
            "POST", "/msgs/Ann?latest=7", '{"content": "x"}', TWEET_HEADERS
        )
    except Exception as exc:
        return exc
    finally:
        pool.close()
    pytest.fail(f"the request to {url} got an answer")


@contextmanager
def _full_accept_queue() -> Iterator[str]:
    """A listener that never accepts, its queue full: the kernel drops new SYNs (connect hangs)."""
    with socket.socket() as listener, socket.socket() as queued:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)  # room for one connection that is never accepted
        queued.connect(listener.getsockname())
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


# The simulator's names (spec section 2): "ConnectionError (refused, reset, or connect
# timeout) and ReadTimeout"; bytes that are not HTTP are a ConnectionError in requests too.
@pytest.mark.parametrize(
    ("fault", "name"),
    [("reset", "ConnectionError"), ("close", "ConnectionError"), ("garbage", "ConnectionError")],
)
def test_real_client_errors_of_a_misbehaving_target(fault: str, name: str) -> None:
    with faulty_target(fault) as target:
        exc = _raised(target.url)
    assert error_class(exc) == name, repr(exc)
    assert judge_response("simulator", "tweet", None, error_class(exc)).check == f"simulator.{name}"


def test_real_client_refused_connection_is_a_connection_error() -> None:
    exc = _raised(f"http://127.0.0.1:{free_port()}")
    assert error_class(exc) == "ConnectionError", repr(exc)


def test_real_client_read_timeout_is_a_read_timeout() -> None:
    with faulty_target("hang") as target:
        exc = _raised(target.url, read_timeout=0.2)
    assert error_class(exc) == "ReadTimeout", repr(exc)


def test_real_client_connect_timeout_is_a_connection_error() -> None:
    """``requests`` raises ``ConnectTimeout``, a ``ConnectionError``: the simulator logs that."""
    with _full_accept_queue() as url:
        exc = _raised(url, connect_timeout=0.2)
    assert isinstance(exc, TimeoutError), repr(exc)  # the same class as a read timeout
    assert error_class(exc) == "ConnectionError"
    assert (
        judge_response("simulator", "tweet", None, error_class(exc)).check
        == "simulator.ConnectionError"
    )


def test_failure_message_names_the_check() -> None:
    assert failure_message("simulator.tweet-status", 200, None) == (
        "simulator.tweet-status: got 200"
    )
    assert failure_message("simulator.ReadTimeout", None, "ReadTimeout") == (
        "simulator.ReadTimeout: ReadTimeout"
    )
