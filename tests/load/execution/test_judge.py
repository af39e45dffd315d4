"""Load verdicts: the simulator profile exactly, strict adds normative statuses."""

from __future__ import annotations

import pytest

from harness.execution.load.judge import error_class, failure_message, judge


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
    verdict = judge(profile, command, status, error)
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
    verdict = judge("strict", command, status, None, body)
    assert (verdict.ok, verdict.check) == (check is None, check)
    assert judge("simulator", command, status, None, body).ok  # never under the simulator


@pytest.mark.parametrize(
    ("exc", "name"),
    [
        (TimeoutError(), "ReadTimeout"),
        (TimeoutError(), "ReadTimeout"),
        (ConnectionRefusedError(), "ConnectionError"),
        (ConnectionResetError(), "ConnectionError"),
        (OSError("unreachable"), "ConnectionError"),
        (ValueError("bad"), "ValueError"),
    ],
)
def test_error_classes_use_the_simulators_names(exc: BaseException, name: str) -> None:
    assert error_class(exc) == name


class ConnectionError(Exception):
    """Like ``geventhttpclient.useragent.ConnectionError`` (not the builtin)."""


class EmptyResponse(ConnectionError):
    """Like geventhttpclient's: the server closed the connection without an answer."""


class RetriesExceeded(ConnectionError):
    """Like geventhttpclient's: wraps the last error as ``original``."""

    def __init__(self, original: BaseException) -> None:
        super().__init__("url", 0)
        self.original = original


@pytest.mark.parametrize(
    ("exc", "name"),
    [
        (RetriesExceeded(TimeoutError("timed out")), "ReadTimeout"),
        (RetriesExceeded(ConnectionRefusedError()), "ConnectionError"),
        (EmptyResponse(), "ConnectionError"),
    ],
)
def test_wrapped_client_errors_are_unwrapped(exc: BaseException, name: str) -> None:
    assert error_class(exc) == name


def test_failure_message_names_the_check() -> None:
    assert failure_message("simulator.tweet-status", 200, None) == (
        "simulator.tweet-status: got 200"
    )
    assert failure_message("simulator.ReadTimeout", None, "ReadTimeout") == (
        "simulator.ReadTimeout: ReadTimeout"
    )
