"""``scenario_stats`` counts the mix, users, delays and each hazard of a scenario."""

from __future__ import annotations

from harness.scenario.model import Action, Command
from harness.scenario.stats import scenario_stats

R, T, F, U = Command.REGISTER, Command.TWEET, Command.FOLLOW, Command.UNFOLLOW


def _actions() -> list[Action]:
    rows = [
        (0, R, "Ann Lee", {"email": "=a@x", "pwd": 'p"\\'}),
        (60_000, F, "Ann Lee", {"target": "Bob Ek"}),  # Bob is not registered yet
        (30_000, R, "Bob Ek", {"email": "b@x", "pwd": "#x"}),
        (10_000, T, "Bob Ek", {"content": "\ufeff“hi” – <b>"}),
        (10_000, U, "Bob Ek", {"target": "Ann Lee"}),  # not followed
        (3_600_000, F, "Bob Ek", {"target": "Ann Lee"}),
        (20_000, F, "Bob Ek", {"target": "Ann Lee"}),  # already followed
        (20_000, R, "Bob Ek", {"email": "b@x", "pwd": "x"}),  # duplicate register
        (5_000, F, "Zoë Ång", {"target": "Zoë Ång"}),  # self-follow, never registered
    ]
    out: list[Action] = []
    ts = 1_000
    for i, (delay, command, user, extra) in enumerate(rows):
        ts += delay
        out.append(Action(i, delay, ts, command, user, **extra))  # type: ignore[arg-type]
    return out


def test_counts_mix_users_and_order_hazards() -> None:
    stats = scenario_stats(_actions(), bad_lines=2)
    assert stats.actions == 9
    assert stats.mix == {"register": 3, "tweet": 1, "follow": 4, "unfollow": 1}
    assert stats.users_registered == 2
    assert stats.users_referenced == 3
    assert stats.bad_lines == 2
    h = stats.hazards
    assert h["references_before_register"] == 3  # Bob once, Zoë twice
    assert h["unfollows_not_followed"] == 1
    assert h["follows_of_followed_pair"] == 1
    assert h["duplicate_registers"] == 1
    assert h["self_follows"] == 1
    assert h["tweets_leading_bom"] == 1
    assert h["tweets_curly_quotes"] == 1
    assert h["tweets_dashes"] == 1
    assert h["passwords_trailing_backslash"] == 1
    assert h["fields_leading_formula_char"] == 2  # "=a@x" and "#x"
    assert h["fields_with_html_chars"] == 1
    assert h.get("ts_not_cumulative_delay", 0) == 0
    assert h.get("first_delay_not_zero", 0) == 0


def test_delay_statistics() -> None:
    stats = scenario_stats(_actions())
    d = stats.delays_s
    assert d["max"] == 3600.0
    assert d["total"] == 3_755.0
    assert d["simulator_sleep"] == round(3_755_000 / 1e8, 3)
    assert d["p50"] == 20.0
    assert stats.tweet_length == {"min": 11, "max": 11}


def test_inconsistent_timestamps_are_a_hazard() -> None:
    actions = _actions()
    actions[3] = Action(3, 10_000, 5, T, "Bob Ek", content="x")
    stats = scenario_stats(actions)
    assert stats.hazards["ts_not_cumulative_delay"] == 2


def test_empty_scenario() -> None:
    stats = scenario_stats([])
    assert stats.actions == 0 and stats.delays_s == {} and stats.share("tweet") == 0.0
