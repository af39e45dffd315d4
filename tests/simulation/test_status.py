"""The status numbers on a store with known rows, exact, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from harness.simulation.rollup import GRACE_S
from harness.simulation.status import StatusReader, TargetOutage, TargetStatus
from tests.support.sim_store import T0, known_rows

H1 = T0 + 3600


def _check_a(a: TargetStatus) -> None:
    assert (a.total, a.sent, a.done, a.in_flight, a.resent) == (10, 8, 7, 1, 1)
    assert a.errors == 3
    assert a.error_rate == 3 / 7
    assert a.errors_by_class == {"ConnectionError": 1, "HTTP 500": 1, "ReadTimeout": 1}
    assert a.errors_by_command == {"follow": 1, "tweet": 2}
    assert a.failures == {
        ("follow", "ConnectionError"): 1,
        ("tweet", "HTTP 500"): 1,
        ("tweet", "ReadTimeout"): 1,
    }
    assert a.requests_by_command == {"follow": 2, "register": 1, "tweet": 3, "unfollow": 1}
    assert (a.p50_ms, a.p95_ms) == (20.0, 300.0)
    assert a.up and a.down_since is None
    assert a.outages == (TargetOutage(H1 + 62, H1 + 72),)
    assert a.latest is not None
    assert (a.latest.value, a.latest.last_acknowledged, a.latest.at) == (3, 7, H1 + 200)
    assert a.hours == (
        (T0, "follow", 1, 0),
        (T0, "register", 1, 0),
        (T0, "tweet", 1, 0),
        (H1, "follow", 1, 1),
        (H1, "tweet", 2, 2),
        (H1, "unfollow", 1, 0),
    )


@pytest.mark.parametrize(
    "now",
    [H1 + 130, H1 + 600, H1 + 3 * 3600 + 600],
    ids=["open-window", "closed-minutes", "closed-hours"],
)
def test_numbers_of_known_rows(database_url: str, now: float) -> None:
    """The same numbers whether the outcomes are read in the open window or were folded."""
    known_rows(database_url)
    reader = StatusReader(database_url)
    try:
        snap = reader.snapshot(now)
        assert [t.name for t in snap.targets] == ["a", "b"]
        found = reader.detail("a", now)
        assert found is not None
        _check_a(found[0])
        b = snap.targets[1]
        assert b.paused and not b.up and b.down_since == H1 + 50
        assert (b.sent, b.errors, b.p50_ms, b.error_rate, b.hours) == (0, 0, None, None, ())
        assert b.latest is not None and b.latest.error == "ConnectionError"
        assert b.latest.value is None
        failed = reader.failed_requests("a")
        assert [(f.action_id, f.status, f.error) for f in failed] == [
            (6, None, "ConnectionError"),
            (5, None, "ReadTimeout"),
            (4, 500, None),
        ]
    finally:
        reader.close()


def test_per_minute_buckets_of_the_last_hour(database_url: str) -> None:
    known_rows(database_url)
    reader = StatusReader(database_url)
    try:
        for now in (H1 + 130, H1 + 600):  # first in the open window, then folded
            a = reader.snapshot(now).targets[0]
            busy = {m: (n, e) for m, n, e in a.minutes if n}
            assert busy == {H1 + 60: (3, 3), H1 + 120: (1, 0)}, now
            assert len(a.minutes) == 60 and a.minutes[-1][0] == int(now // 60) * 60
        assert reader._rollup.closed_until == H1 + 480
    finally:
        reader.close()


def test_closed_windows_are_folded_once_with_the_same_numbers(database_url: str) -> None:
    """The same reader, later and later: what closed is folded, the numbers stay."""
    known_rows(database_url)
    reader = StatusReader(database_url)
    try:
        for now in (H1 + 130, H1 + 600, H1 + 3 * 3600 + GRACE_S + 1):
            found = reader.detail("a", now)
            assert found is not None
            _check_a(found[0])
        assert reader._rollup.closed_until == H1 + 3 * 3600
        a = reader.snapshot(H1 + 3 * 3600 + GRACE_S + 1).targets[0]
        assert all(n == 0 for _, n, _ in a.minutes)  # the last hour saw nothing
    finally:
        reader.close()
