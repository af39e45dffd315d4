"""Read back exactly: a written string must come back as that JSON string (issue 14, pure)."""

from __future__ import annotations

import pytest

from harness.planning.expected import ExpectedMessage, UserExpectation
from harness.verify.alteration import Alteration, Stored, classify
from harness.verify.evidence import Context, Message, parse_follows, parse_messages
from harness.verify.follows import compare_follows
from harness.verify.messages import compare_user_messages

CTX = Context("http://t", "GET /msgs/<user>", ())


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("007", 7),
        ("007", "7"),
        ("0123", 123),
        ("1e3", 1000),
        ("1e3", "1000"),
        ("1e3", 1000.0),
        ("1.50", 1.5),
        ("-0", 0),
        ("true", True),
        ("true", 1),
        ("false", "0"),
        ("null", None),
    ],
)
def test_a_number_boolean_or_null_for_a_string_is_coerced(written: str, stored: Stored) -> None:
    assert classify(written, stored) is Alteration.COERCED


@pytest.mark.parametrize(("written", "stored"), [("007", "007"), ("hello", 5), ("7", 8)])
def test_equal_or_unrelated_values_are_not_coerced(written: str, stored: Stored) -> None:
    assert classify(written, stored) is not Alteration.COERCED


def test_number_content_is_kept_and_judged_not_dropped() -> None:
    body = [{"content": 7, "pub_date": 2, "user": "u"}, {"content": "", "pub_date": 1, "user": "u"}]
    messages, problem = parse_messages(body)
    assert problem is None and messages == [Message(7, 2, "u"), Message("", 1, "u")]
    user = UserExpectation("u", True, [ExpectedMessage(5, "007"), ExpectedMessage(3, "")])
    findings = compare_user_messages(CTX, user, messages or [])
    assert [f.check for f in findings] == ["verify.altered-content.coerced"]
    assert "'007' stored as 7" in findings[0].message


def test_an_empty_tweet_that_is_not_stored_is_lost() -> None:
    user = UserExpectation("u", True, [ExpectedMessage(4, "hi there"), ExpectedMessage(3, "")])
    findings = compare_user_messages(CTX, user, [Message("hi there", 1, "u")])
    assert [f.check for f in findings] == ["verify.lost-write"]
    assert "#3 ''" in findings[0].message


def test_a_coerced_author_and_follow_target() -> None:
    user = UserExpectation("007", True, [ExpectedMessage(2, "hello there")])
    findings = compare_user_messages(CTX, user, [Message("hello there", 1, 7)])
    assert [f.check for f in findings] == ["verify.altered-content.coerced"]
    assert "name their author as 7" in findings[0].message

    names, problem = parse_follows({"follows": [123, "Bo"]})
    assert problem is None and names == [123, "Bo"]
    follower = UserExpectation("Ann", True, follows={"0123", "Bo"})
    found = compare_follows(CTX, follower, names or [])
    assert [f.check for f in found] == ["verify.altered-content.coerced"]
    assert "follows 123 instead of '0123'" in found[0].message
