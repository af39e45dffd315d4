"""Verify catches each kind of damage, made by tampering the reference app's database.

(The duplicated follow needs a schema change; it is in test_generated.py, on both backends.)
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from harness.findings import Finding, Profile, Severity
from harness.verify import run_verify
from tests.conftest import _require_postgres
from tests.support.pg import fresh_database
from tests.support.servers import RunningServer, serve_reference_app
from tests.verify.support import (
    ACCENT_TWEET,
    ANN,
    BOB,
    BOM_TWEET,
    HTML_TWEET,
    ZOE,
    Tamper,
    hazard_actions,
    post_actions,
)

WHO = "(SELECT user_id FROM users WHERE username = ?)"


Snapshot = dict[str, list[tuple[Any, ...]]]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def hazard_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[RunningServer, Tamper, Snapshot]]:
    """One reference app per backend for the module, holding the hazard scenario."""
    tmp = tmp_path_factory.mktemp(request.param)
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp / 'minitwit.db'}"
        else:
            _require_postgres()
            url = stack.enter_context(fresh_database())
        server = stack.enter_context(serve_reference_app(url, tmp))
        post_actions(server.url, hazard_actions())
        db = Tamper(url)
        yield server, db, db.snapshot()


@pytest.fixture
def written(
    hazard_server: tuple[RunningServer, Tamper, Snapshot],
) -> tuple[RunningServer, Tamper]:
    """The app as the hazard scenario left it (earlier tampering undone)."""
    server, db, snapshot = hazard_server
    db.restore(snapshot)
    return server, db


def _checks(findings: list[Finding]) -> list[str]:
    return sorted(f.check for f in findings)


def _verify(server: RunningServer) -> list[Finding]:
    findings = run_verify(server.url, hazard_actions())
    for f in findings:
        assert (f.stage, f.severity, f.profile) == ("verify", Severity.ERROR, Profile.STRICT)
        assert f.evidence and f.evidence[0].method == "GET"
    return findings


def test_untouched_state_has_no_findings(written: tuple[RunningServer, Tamper]) -> None:
    assert _verify(written[0]) == []


def test_dropped_tweet_is_a_lost_write(written: tuple[RunningServer, Tamper]) -> None:
    server, db = written
    db.execute("DELETE FROM message WHERE text = ?", ("plain tweet number one",))
    findings = _verify(server)
    assert _checks(findings) == ["verify.lost-write"]
    assert findings[0].where == "GET /msgs/<user>"
    assert "#4 'plain tweet number one'" in findings[0].message and BOB in findings[0].message
    assert "/msgs/Bob%20Ek?no=" in findings[0].evidence[0].url


def test_html_escaped_content(written: tuple[RunningServer, Tamper]) -> None:
    server, db = written
    db.execute("UPDATE message SET text = ? WHERE text = ?", (html.escape(HTML_TWEET), HTML_TWEET))
    findings = _verify(server)
    # The user timeline shows the damage; the public timeline agrees with it.
    assert _checks(findings) == ["verify.altered-content.html-escaped"]
    assert "&lt;b&gt;" in findings[0].message


def test_stripped_leading_bom(written: tuple[RunningServer, Tamper]) -> None:
    server, db = written
    db.execute("UPDATE message SET text = ? WHERE text = ?", (BOM_TWEET[1:], BOM_TWEET))
    assert _checks(_verify(server)) == ["verify.altered-content.stripped-bom"]


def test_mojibake_is_re_encoded(written: tuple[RunningServer, Tamper]) -> None:
    server, db = written
    garbled = ACCENT_TWEET.encode().decode("latin-1")
    db.execute("UPDATE message SET text = ? WHERE text = ?", (garbled, ACCENT_TWEET))
    findings = _verify(server)
    assert _checks(findings) == ["verify.altered-content.re-encoded"]
    assert ZOE in findings[0].message


def test_lost_user(written: tuple[RunningServer, Tamper]) -> None:
    server, db = written
    db.execute(f"DELETE FROM message WHERE author_id = {WHO}", (BOB,))
    db.execute(f"DELETE FROM follower WHERE who_id = {WHO} OR whom_id = {WHO}", (BOB, BOB))
    db.execute("DELETE FROM users WHERE username = ?", (BOB,))
    findings = _verify(server)
    missing = [f for f in findings if f.check == "verify.missing-user"]
    assert len(missing) == 1 and BOB in missing[0].message
    assert missing[0].evidence[0].status == 404
    # Ann's follow of Bob went with him.
    assert "verify.lost-follow" in _checks(findings)


def test_stale_latest(written: tuple[RunningServer, Tamper]) -> None:
    server, db = written
    db.execute("UPDATE latest SET value = ? WHERE id = 1", ("9",))
    findings = _verify(server)
    assert _checks(findings) == ["verify.wrong-latest"]
    assert findings[0].message == (
        "GET /latest is 9 (stale), expected 13 (the id of the last action)"
    )


def test_duplicate_and_extra_messages(written: tuple[RunningServer, Tamper]) -> None:
    server, db = written
    for text in ("plain tweet number two", "never written by anyone"):
        db.execute(
            f"INSERT INTO message (author_id, text, pub_date) VALUES ({WHO}, ?, 1700000000)",
            (BOB, text),
        )
    findings = _verify(server)
    assert _checks(findings) == ["verify.duplicate", "verify.unexpected-extra"]


def test_wrong_order(written: tuple[RunningServer, Tamper]) -> None:
    server, db = written
    # Swap Bob's two tweets and make their seconds differ, so no tie excuses the order.
    db.execute(
        "UPDATE message SET text = 'x', pub_date = 1000 WHERE text = ?", ("plain tweet number one",)
    )
    db.execute("UPDATE message SET text = ?, pub_date = 2000 WHERE text = ?",
               ("plain tweet number one", "plain tweet number two"))  # fmt: skip
    db.execute("UPDATE message SET text = ? WHERE text = 'x'", ("plain tweet number two",))
    findings = _verify(server)
    assert _checks(findings) == ["verify.wrong-order", "verify.wrong-order"]
    assert {f.where for f in findings} == {"GET /msgs/<user>", "GET /msgs"}


def test_ties_within_one_second_are_not_an_order_error(
    written: tuple[RunningServer, Tamper],
) -> None:
    server, db = written
    db.execute("UPDATE message SET pub_date = 1700000000")
    db.execute("UPDATE message SET text = 'x' WHERE text = ?", ("plain tweet number one",))
    db.execute("UPDATE message SET text = ? WHERE text = ?",
               ("plain tweet number one", "plain tweet number two"))  # fmt: skip
    db.execute("UPDATE message SET text = ? WHERE text = 'x'", ("plain tweet number two",))
    assert _verify(server) == []


def test_lost_unfollow_is_an_unexpected_follow(written: tuple[RunningServer, Tamper]) -> None:
    server, db = written
    db.execute(f"INSERT INTO follower (who_id, whom_id) VALUES ({WHO}, {WHO})", (BOB, ANN))
    findings = _verify(server)
    assert _checks(findings) == ["verify.unexpected-follow"]
    assert f"{BOB!r} follows 1 user(s) it should not" in findings[0].message
