"""The drill's pure rules: stale ``latest``, outage windows, consequences, namespace."""

from __future__ import annotations

from datetime import datetime

from harness.checks.drill import (
    LatestReading,
    LostWrite,
    drill_verdict,
    lost_summary,
    stale_latest,
)
from harness.checks.drill_timeline import Timeline, consequences, outages, percentile
from harness.planning.drill import generated_traffic, namespace, paced
from harness.results import Outcome
from harness.scenario.model import Action, Command

T = 1_800_000_000.0


def write(
    ident: int,
    started: float,
    finished: float,
    *,
    ok: bool = True,
    status: int | None = 204,
    error: str | None = None,
) -> Outcome:
    return Outcome(
        ident,
        "tweet",
        "u",
        status,
        error,
        "ok" if ok else "error",
        None if ok else "simulator.tweet-status",
        (finished - started) * 1000,
        T + started,
        T + finished,
    )


def reading(value: int | None, at: float, why: str = "poll") -> LatestReading:
    return LatestReading(why, value, T + at, T + at + 0.01)


def test_reset_to_minus_one_after_an_acknowledged_write_is_stale() -> None:
    outcomes = [write(1, 0.0, 0.1), write(2, 0.2, 0.3)]
    stale = stale_latest([reading(-1, 1.0, "recovery")], outcomes)
    assert len(stale) == 1
    assert stale[0].superseded_by == 2
    assert stale[0].message().startswith("latest reset to -1 at ")


def test_value_older_than_a_later_acknowledged_write_is_stale() -> None:
    outcomes = [write(1, 0.0, 0.1), write(2, 0.2, 0.3)]
    [problem] = stale_latest([reading(1, 0.5)], outcomes)
    assert problem.superseded_by == 2
    assert "went back to 1" in problem.message()


def test_overlapping_writes_may_commit_in_either_order() -> None:
    # 2 started before 1 finished: either may be the last commit, so 1 is fine.
    outcomes = [write(1, 0.0, 0.3), write(2, 0.1, 0.2)]
    assert stale_latest([reading(1, 0.5), reading(2, 0.6)], outcomes) == []


def test_an_unacknowledged_write_may_land_late() -> None:
    outcomes = [write(1, 0.0, 0.3, ok=False, status=None, error="ReadTimeout"), write(2, 0.4, 0.5)]
    assert stale_latest([reading(1, 1.0)], outcomes) == []


def test_a_reading_before_any_acknowledgement_may_show_anything() -> None:
    assert stale_latest([reading(-1, 0.0), reading(9999, 0.05)], [write(1, 0.1, 0.2)]) == []


def test_a_reading_sent_before_the_write_was_acknowledged_is_not_judged_by_it() -> None:
    outcomes = [write(1, 0.0, 0.1), write(2, 0.2, 0.6)]
    assert stale_latest([reading(1, 0.5)], outcomes) == []


def test_outage_windows_group_unavailability_until_an_acknowledgement() -> None:
    outcomes = [
        write(1, 0.0, 0.1),
        write(2, 1.0, 1.1, ok=False, status=None, error="ConnectionError"),
        write(3, 1.2, 1.3, ok=False, status=404),  # a refusal: neither opens nor ends one
        write(4, 1.5, 1.6, ok=False, status=502),
        write(5, 2.0, 2.1),
        write(6, 2.5, 2.6, ok=False, status=400),
        write(7, 3.0, 3.3, ok=False, status=None, error="ReadTimeout"),
    ]
    windows = outages(outcomes)
    assert [(w.failures, round(w.seconds, 3)) for w in windows] == [(2, 0.6), (1, 0.3)]


def test_a_refusal_for_a_register_that_failed_or_was_lost_is_a_consequence() -> None:
    actions = [
        Action(1, 0, 0, Command.REGISTER, "a", email="a@x", pwd="p"),
        Action(2, 0, 0, Command.REGISTER, "b", email="b@x", pwd="p"),
        Action(3, 0, 0, Command.TWEET, "a", content="hi"),
        Action(4, 0, 0, Command.FOLLOW, "b", target="a"),
        Action(5, 0, 0, Command.TWEET, "b", content="yo"),
        Action(6, 0, 0, Command.TWEET, "b", content="frozen"),
    ]
    outcomes = [
        write(1, 0.0, 0.1, ok=False, status=None, error="ConnectionError"),
        write(2, 0.2, 0.3),
        write(3, 0.4, 0.5, ok=False, status=404),
        write(4, 0.6, 0.7, ok=False, status=404),
        write(5, 0.8, 0.9, ok=False, status=404),
        write(6, 0.8, 0.9, ok=False, status=503),  # frozen: refused whoever writes
    ]
    assert consequences(actions, outcomes) == {3, 4}
    # b's register was acknowledged and then lost: b's refusals follow from that loss
    assert consequences(actions, outcomes, lost=[2]) == {3, 4, 5}
    timeline = Timeline(T, {3, 4})
    for outcome in outcomes:
        timeline.add(outcome)
    [second] = timeline.rows()
    assert second.failed == {"ConnectionError": 1, "consequence": 2, "HTTP 404": 1, "HTTP 503": 1}
    assert (second.sent, second.acknowledged) == (6, 1)


def test_lost_summary_names_the_window() -> None:
    lost = [LostWrite(7, "tweet", "u", T + 5, "x"), LostWrite(9, "tweet", "u", T + 306, "x")]
    first = datetime.fromtimestamp(T + 5).strftime("%H:%M:%S")
    last = datetime.fromtimestamp(T + 306).strftime("%H:%M:%S")
    assert lost_summary(lost) == (
        f"2 acknowledged writes lost, all acknowledged between {first} and {last}"
    )
    assert lost_summary([]) == "0 acknowledged writes lost"


def test_namespace_moves_users_targets_and_emails() -> None:
    actions = [
        Action(1, 5, 0, Command.REGISTER, "Ann Lee", email="ann.lee@example.com", pwd="p"),
        Action(2, 9, 0, Command.FOLLOW, "Ann Lee", target="Bo"),
    ]
    spaced = paced(namespace(actions, "d1a2b3"), 20)
    assert [(a.user, a.target, a.email, a.delay_ms) for a in spaced] == [
        # README, replay: "Roger Histand ~k3x9q2", "roger+k3x9q2@x.dk" (one namespace rule)
        ("Ann Lee ~d1a2b3", None, "ann.lee+d1a2b3@example.com", 50),
        ("Ann Lee ~d1a2b3", "Bo ~d1a2b3", None, 50),
    ]


def test_generated_traffic_is_long_enough_with_unique_ids_and_registers_first() -> None:
    actions = generated_traffic(20, 100, seed=3)
    assert len(actions) >= 2000
    assert [a.id for a in actions] == list(range(1, len(actions) + 1))
    registered: set[str] = set()
    for action in actions:
        if action.command is Command.REGISTER:
            registered.add(action.user)
    # later blocks bring their own users: every block's names are told apart
    assert any(name.endswith("#1") for name in registered)
    assert generated_traffic(20, 100, seed=3) == actions


def test_percentile_by_nearest_rank() -> None:
    assert percentile([], 99) == 0.0
    assert percentile([3.0, 1.0, 2.0, 4.0], 50) == 2.0
    assert percentile([float(i) for i in range(1, 101)], 99) == 99.0


def test_an_interrupted_drill_fails_as_interrupted_but_still_reports_lost_writes() -> None:
    """Ctrl-C during the operation: no "no-recovery" or "operation-failed" guess about an
    end that never came, but a write proven lost is still reported."""
    lost = LostWrite(action_id=7, command="tweet", user="u", acknowledged=1.0, detail="gone")
    verdict = drill_verdict(
        lost=[lost],
        differences=[],
        stale=[],
        acknowledged_after_operation=0,
        acknowledged_total=40,
        operation_exit=None,
        operation_timed_out=False,
        longest_outage=0.0,
        max_outage=None,
        interrupted="at +5s, during the operation",
    )
    assert [check for check, _ in verdict.failures] == ["drill.interrupted", "drill.lost-writes"]
    assert not verdict.ok
    assert verdict.reasons[0].startswith("interrupted at +5s, during the operation: ")
