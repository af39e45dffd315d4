"""One engine, two profiles: the strict checks add to the simulator verdicts."""

from __future__ import annotations

import json

import pytest

from harness.checks.strict import expected_statuses, judge_action
from harness.scenario.model import Action, Command

REG = Action(0, 0, 0, Command.REGISTER, "Ann Lee", email="a@x", pwd="p")
REG_AGAIN = Action(1, 0, 0, Command.REGISTER, "Ann Lee", email="b@x", pwd="p")
BAD_EMAIL = Action(2, 0, 0, Command.REGISTER, "Bo Bo", email="no-at", pwd="p")
TWEET = Action(3, 0, 0, Command.TWEET, "Ann Lee", content="x")
GHOST = Action(4, 0, 0, Command.TWEET, "Nobody", content="x")
FOLLOW = Action(5, 0, 0, Command.FOLLOW, "Ann Lee", target="Nobody")
ERROR_BODY = json.dumps({"status": 400, "error_msg": "taken"}).encode()


def test_expected_statuses_follow_the_normative_api() -> None:
    assert expected_statuses([REG, REG_AGAIN, BAD_EMAIL, TWEET, GHOST, FOLLOW]) == {
        0: 204,
        1: 400,
        2: 400,
        3: 204,
        4: 404,
        5: 404,
    }


@pytest.mark.parametrize(
    ("profile", "action", "status", "error", "body", "expected", "check"),
    [
        ("simulator", TWEET, 204, None, b"", 204, None),
        ("simulator", TWEET, 200, None, b"", 204, "simulator.tweet-status"),
        ("simulator", TWEET, None, "ReadTimeout", b"", 204, "simulator.ReadTimeout"),
        ("simulator", REG_AGAIN, 400, None, b"not json", 400, None),
        ("strict", REG_AGAIN, 400, None, ERROR_BODY, 400, None),
        ("strict", REG_AGAIN, 400, None, b"not json", 400, "strict.invalid-json"),
        ("strict", REG_AGAIN, 400, None, b'{"status": "x"}', 400, "strict.error-schema"),
        ("strict", REG, 400, None, ERROR_BODY, 204, "strict.register-status"),
        ("strict", TWEET, 204, None, b"{}", 204, "strict.204-with-body"),
        (
            "strict",
            GHOST,
            404,
            None,
            b'{"status": 404, "error_msg": "no"}',
            404,
            "simulator.tweet-status",
        ),
        ("strict", TWEET, None, "ConnectionError", b"", 204, "simulator.ConnectionError"),
    ],
)
def test_judge(
    profile: str,
    action: Action,
    status: int | None,
    error: str | None,
    body: bytes,
    expected: int,
    check: str | None,
) -> None:
    judgement = judge_action(profile, action, status, error, body, expected)
    assert judgement.verdict.check == check
    assert judgement.verdict.ok is (check is None)
    if check is not None:
        assert judgement.detail
