"""The load source: the configured mix in every prefix, whatever the target answers."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from harness.execution.load.source import Mix, WriteSource, configured_mix
from harness.scenario.generate import generate_actions
from harness.scenario.model import Action, Command

R, T, F, U = Command.REGISTER, Command.TWEET, Command.FOLLOW, Command.UNFOLLOW


def _scenario() -> list[Action]:
    def act(i: int, command: Command, user: str, **kw: str) -> Action:
        return Action(
            id=i,
            delay_ms=0,
            ts_ms=0,
            command=command,
            user=user,
            email=kw.get("email"),
            pwd=kw.get("pwd"),
            content=kw.get("content"),
            target=kw.get("target"),
        )

    return [
        act(0, R, "Ann", email="a@x", pwd="p"),
        act(1, R, "Bob Ø", email="b@x", pwd="p"),
        act(2, F, "Bob Ø", target="Ann"),
        act(3, T, "Bob Ø", content="“hi”"),
        act(4, T, "Ann", content="007"),
        act(5, U, "Bob Ø", target="Ann"),
    ]


def test_configured_mix_is_reads_then_the_scenario_writes() -> None:
    mix = configured_mix(_scenario(), read_ratio=0.5)
    assert mix == pytest.approx(
        {"read": 0.5, "register": 1 / 6, "tweet": 1 / 6, "follow": 1 / 12, "unfollow": 1 / 12}
    )


@pytest.mark.parametrize("read_ratio", [0.0, 0.3, 0.5, 0.9])
def test_every_prefix_keeps_the_mix_within_one_request(read_ratio: float) -> None:
    shares = configured_mix(generate_actions(200, 25_000, seed=2), read_ratio)
    mix = Mix(shares)
    counts: Counter[str] = Counter()
    for n in range(1, 5_001):
        counts[mix.next()] += 1
        for kind, share in shares.items():
            assert abs(counts[kind] - share * n) < 1.5, (n, kind)


@pytest.mark.parametrize("answer", [204, 400, 500, None])
def test_failures_do_not_change_what_is_sent(answer: int | None) -> None:
    # None: a timeout. An overloaded target must not turn the run into registers.
    actions = _scenario()
    source = WriteSource(actions, "t", ["Ann ~w", "Bob ~w", "Cy ~w"], ["Dee ~w"])
    mix = Mix(configured_mix(actions, 0.5))
    sent: Counter[str] = Counter()
    for _ in range(600):
        kind = mix.next()
        sent[kind] += 1
        if kind == "read":
            continue
        action = source.write(kind)
        assert action is not None and action.command == kind
        source.done(action, answer)
    assert sent["register"] == 100 and sent["read"] == 300


def test_an_account_has_one_request_in_flight() -> None:
    source = WriteSource(_scenario(), "t", ["Ann ~w", "Bob ~w"], [])
    first, second = source.write("tweet"), source.write("follow")
    assert first is not None and second is not None
    assert {first.user, second.user} == {"Ann ~w", "Bob ~w"}
    assert source.write("tweet") is None  # both busy: the caller waits
    source.done(first, 204)
    third = source.write("unfollow")
    assert third is not None and third.user == first.user


def test_follows_target_other_registered_accounts_and_unfollows_followed_pairs() -> None:
    source = WriteSource(_scenario(), "t", ["Ann ~w", "Bob ~w"], ["Cy ~x"])
    rng = random.Random(4)
    follows: set[tuple[str, str]] = set()
    for _ in range(300):
        kind = rng.choice(["follow", "unfollow", "tweet"])
        action = source.write(kind)
        assert action is not None
        if action.target is not None:
            assert action.target != action.user
            assert action.target in {"Ann ~w", "Bob ~w", "Cy ~x"}
            pair = (action.user, action.target)
            if action.command is F:
                # A followed pair only once every other account is followed (a tiny pool).
                others = {"Ann ~w", "Bob ~w", "Cy ~x"} - {action.user}
                assert pair not in follows or all((action.user, o) in follows for o in others)
                follows.add(pair)
            else:
                follows.discard(pair)
        source.done(action, 204)


def test_registers_claim_fresh_names_that_join_the_pool_once_answered() -> None:
    source = WriteSource(_scenario(), "t", ["Ann ~w"], [])
    names = []
    for answer in (204, 500, 400):
        action = source.write("register")
        assert action is not None and action.command is R
        names.append(action.user)
        source.done(action, answer)
    assert len(set(names)) == 3 and all(" ~t." in n for n in names)
    assert names[0] in source.registry and names[2] in source.registry  # 400: taken = exists
    assert names[1] not in source.registry
    actors = set()
    for _ in range(6):
        action = source.write("tweet")
        assert action is not None
        actors.add(action.user)
        source.done(action, 204)
    assert actors == {"Ann ~w", names[0], names[2]}


def test_tweets_reuse_the_scenario_texts() -> None:
    source = WriteSource(_scenario(), "t", ["Ann ~w"], [])
    contents = []
    for _ in range(4):
        action = source.write("tweet")
        assert action is not None
        contents.append(action.content)
        source.done(action, 204)
    assert contents == ["“hi”", "007", "“hi”", "007"]


def test_every_registered_account_gets_its_own_email() -> None:
    """Many apps refuse a taken email: no two registers the source builds share one."""
    source = WriteSource(_scenario(), tag="t", accounts=["Ann ~t.0"], others=[])
    registers = []
    for _ in range(6):  # more registers than the scenario has: its registers cycle
        action = source.write(R)
        assert action is not None
        registers.append(action)
        source.done(action, 204)
    emails = [a.email for a in registers]
    assert len(set(emails)) == len(emails) == 6
    assert emails[0] == "a+t.1@x" and all(e is not None and e.count("@") == 1 for e in emails)
