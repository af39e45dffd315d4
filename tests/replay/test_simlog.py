"""Simulator log lines, byte for byte, for each error class."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from harness.execution.replay.simlog import simulator_log_line
from harness.results import Outcome

WHEN = datetime(2024, 3, 5, 7, 8, 9, 600000, tzinfo=UTC).timestamp()
URL = "http://10.0.0.5:5001/api"


def _outcome(command: str, status: int | None, error: str | None) -> Outcome:
    return Outcome(41, command, "Ann Lee", status, error, "error", None, 1.5, WHEN, WHEN)


@pytest.mark.parametrize(
    ("command", "status", "error", "line"),
    [
        ("tweet", 500, None, "2024-03-05 07:08:09,http://10.0.0.5:5001/api,41,500,tweet"),
        ("follow", 200, None, "2024-03-05 07:08:09,http://10.0.0.5:5001/api,41,200,follow"),
        ("unfollow", 404, None, "2024-03-05 07:08:09,http://10.0.0.5:5001/api,41,404,unfollow"),
        ("register", 500, None, "2024-03-05 07:08:09,http://10.0.0.5:5001/api,41,500,register"),
        (
            "register",
            None,
            "ConnectionError",
            "2024-03-05 07:08:09,http://10.0.0.5:5001/api,41,ConnectionError",
        ),
        (
            "tweet",
            None,
            "ReadTimeout",
            "2024-03-05 07:08:09,http://10.0.0.5:5001/api,41,ReadTimeout",
        ),
        (
            "tweet",
            None,
            "ChunkedEncodingError",
            "2024-03-05 07:08:09,http://10.0.0.5:5001/api,41,ChunkedEncodingError",
        ),
    ],
)
def test_error_lines(command: str, status: int | None, error: str | None, line: str) -> None:
    assert simulator_log_line(URL, _outcome(command, status, error)) == line


@pytest.mark.parametrize(
    ("command", "status"), [("register", 204), ("register", 400), ("tweet", 204)]
)
def test_accepted_statuses_produce_no_line(command: str, status: int) -> None:
    assert simulator_log_line(URL, _outcome(command, status, None)) is None
