"""The generator is deterministic and has the course recording's shape (spec section 5)."""

from __future__ import annotations

import statistics
from collections import Counter
from pathlib import Path

import pytest

from harness.scenario.generate import generate_actions, write_scenario
from harness.scenario.model import Action, Command

WEEK_MS = 7 * 24 * 3600 * 1000


@pytest.fixture(scope="module")
def course_sized() -> list[Action]:
    """A scenario of the course recording's size: 200 users, 26 000 actions."""
    return generate_actions(200, 26_000, seed=11)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    paths = [tmp_path / f"{n}.tsv" for n in range(3)]
    for path, seed in zip(paths, (5, 5, 6), strict=True):
        write_scenario(path, generate_actions(30, 800, seed))
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert paths[0].read_bytes() != paths[2].read_bytes()


def test_command_mix_matches_the_recording(course_sized: list[Action]) -> None:
    mix = Counter(a.command for a in course_sized)
    share = {c: mix[c] / len(course_sized) for c in Command}
    assert mix[Command.REGISTER] == 200  # ~0.8%
    assert share[Command.TWEET] == pytest.approx(0.44, abs=0.02)
    assert share[Command.FOLLOW] == pytest.approx(0.38, abs=0.02)
    assert share[Command.UNFOLLOW] == pytest.approx(0.18, abs=0.02)


def test_follow_graph_rules(course_sized: list[Action]) -> None:
    registered: set[str] = set()
    follows: set[tuple[str, str]] = set()
    not_followed_unfollows = 0
    register_positions = []
    for a in course_sized:
        if a.command is Command.REGISTER:
            assert a.user not in registered
            registered.add(a.user)
            register_positions.append(a.id)
            continue
        assert a.user in registered, f"action {a.id} refers to {a.user!r} before register"
        if a.command is Command.TWEET:
            continue
        assert a.target in registered and a.target != a.user
        pair = (a.user, a.target)
        if a.command is Command.FOLLOW:
            assert pair not in follows, f"action {a.id} follows a followed pair"
            follows.add(pair)
        else:
            not_followed_unfollows += pair not in follows
            follows.discard(pair)
    assert not_followed_unfollows / len(course_sized) == pytest.approx(0.045, abs=0.01)
    # Users keep registering as the run progresses, not only at the start.
    assert register_positions[:2] == [0, 1]
    assert register_positions[-1] > len(course_sized) // 10


def test_delays_long_tailed_accelerating_ten_weeks(course_sized: list[Action]) -> None:
    delays = [a.delay_ms for a in course_sized]
    assert delays[0] == 0
    body = delays[1:]
    assert 60_000 <= statistics.median(body) <= 90_000
    assert 15 * 3600_000 <= max(body) <= 20 * 3600_000
    assert sum(delays) == pytest.approx(10 * WEEK_MS, rel=0.02)
    # The course simulator sleeps delay/1e8 s: about a minute for the whole recording.
    assert sum(delays) / 1e8 == pytest.approx(60.5, abs=1.5)
    quarter = len(body) // 4
    assert statistics.median(body[-quarter:]) < 0.6 * statistics.median(body[:quarter])
    ts = [a.ts_ms for a in course_sized]
    assert all(ts[i] == ts[i - 1] + delays[i] for i in range(1, len(ts)))


def test_names_emails_passwords_tweets_carry_the_hazards(course_sized: list[Action]) -> None:
    regs = [a for a in course_sized if a.command is Command.REGISTER]
    names = [a.user for a in regs]
    assert len(set(names)) == len(names)
    assert all(len(n.split(" ")) >= 2 and n.split(" ")[0].istitle() for n in names)
    assert any(not n.isascii() for n in names)
    assert all(a.email is not None and "@" in a.email for a in regs)
    pwds = [a.pwd or "" for a in regs]
    for char in "\"'\\#%":
        assert any(char in p for p in pwds), char
    assert any(p.endswith("\\") for p in pwds)
    for leader in "#=+-@":
        assert any(p.startswith(leader) for p in pwds), leader
    tweets = [a.content or "" for a in course_sized if a.command is Command.TWEET]
    looks_numeric = {"007", "0123", "1e3", "1.50", "-0", "true", "false", "null"}
    numeric = [t for t in tweets if t in looks_numeric]
    empty = [t for t in tweets if t == ""]
    prose = [t for t in tweets if t and t not in looks_numeric]
    assert all(13 <= len(t) <= 140 for t in prose)
    # Rare hazards (README: "now and then"), so the recording's mix of prose stays.
    assert 1 <= len(numeric) <= len(tweets) // 100
    assert 1 <= len(empty) <= len(tweets) // 100
    assert {"007", "1e3", "true"} <= set(numeric)
    assert 1 <= sum(t.startswith("\ufeff") for t in tweets) <= len(tweets) // 100
    for char in "“”’–—<>&":
        assert any(char in t for t in tweets), char
    every_field = [f for a in course_sized for f in a.fields()]
    assert not any(c in f for f in every_field for c in "\t\r\n")


@pytest.mark.parametrize(("users", "actions"), [(1, 1), (1, 50), (2, 2), (3, 40), (50, 60)])
def test_small_and_degenerate_sizes(users: int, actions: int) -> None:
    out = generate_actions(users, actions, seed=3)
    assert [a.id for a in out] == list(range(actions))
    assert sum(a.command is Command.REGISTER for a in out) == users
    assert out[0].command is Command.REGISTER


def test_a_small_scenario_has_a_numeric_looking_and_an_empty_tweet() -> None:
    # The gate's scenario is small: the hazards that catch coercing apps must be in it.
    tweets = [a.content for a in generate_actions(5, 40, seed=9) if a.command is Command.TWEET]
    assert "" in tweets
    assert any(t in {"007", "0123", "1e3", "1.50", "-0", "true", "false", "null"} for t in tweets)


def test_fewer_actions_than_users_is_refused() -> None:
    with pytest.raises(ValueError, match="actions"):
        generate_actions(10, 5, seed=0)
