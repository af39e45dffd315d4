"""The write source: lanes per account, causal order, disjoint owners, endless fresh writes."""

from __future__ import annotations

import random

from harness.execution.load.source import Writer, WriteSource
from harness.scenario.model import Action, Command


def _scenario() -> list[Action]:
    """Three accounts; follows cross accounts; 'Ann' is used by Bob before she is active."""

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
        act(0, Command.REGISTER, "Ann", email="a@x", pwd="p"),
        act(1, Command.REGISTER, "Bob Ø", email="b@x", pwd="p"),
        act(2, Command.FOLLOW, "Bob Ø", target="Ann"),
        act(3, Command.TWEET, "Bob Ø", content="“hi”"),
        act(4, Command.REGISTER, "Cy", email="c@x", pwd="p"),
        act(5, Command.FOLLOW, "Cy", target="Bob Ø"),
        act(6, Command.UNFOLLOW, "Bob Ø", target="Ann"),
        act(7, Command.TWEET, "Ann", content="x"),
        act(8, Command.FOLLOW, "Dee", target="Cy"),  # Dee never registers in the file
    ]


def _drive(source: WriteSource, writers: list[Writer], steps: int, seed: int) -> list[Action]:
    """Send writes from random writers; registers succeed when sent (like a correct server)."""
    rng = random.Random(seed)
    sent = []
    for _ in range(steps):
        action = rng.choice(writers).next_write()
        if action.command is Command.REGISTER:
            source.registry.add(action.user)
        sent.append(action)
    return sent


def test_every_action_waits_for_its_targets_and_its_own_register() -> None:
    source = WriteSource(_scenario(), tag="t")
    sent = _drive(source, [Writer(source) for _ in range(3)], steps=200, seed=1)
    registered: set[str] = set()
    for action in sent:
        if action.command is Command.REGISTER:
            registered.add(action.user)
            continue
        assert action.user in registered, action
        assert action.target is None or action.target in registered, action


def test_each_account_keeps_its_file_order() -> None:
    source = WriteSource(_scenario(), tag="t")
    sent = _drive(source, [Writer(source) for _ in range(2)], steps=60, seed=2)
    bob = [a.id for a in sent if a.user == "Bob Ø ~t.0"]
    assert bob == [1, 2, 3, 6]


def test_writers_own_disjoint_accounts() -> None:
    source = WriteSource(_scenario(), tag="t")
    writers = [Writer(source) for _ in range(3)]
    owner: dict[str, int] = {}
    rng = random.Random(3)
    for _ in range(300):
        index = rng.randrange(len(writers))
        action = writers[index].next_write()
        if action.command is Command.REGISTER:
            source.registry.add(action.user)
        assert owner.setdefault(action.user, index) == index


def test_accounts_without_register_get_one_first() -> None:
    source = WriteSource(_scenario(), tag="t")
    sent = _drive(source, [Writer(source)], steps=30, seed=4)
    dee = [a for a in sent if a.user == "Dee ~t.0"]
    assert dee[0].command is Command.REGISTER
    assert dee[1].command is Command.FOLLOW and dee[1].target == "Cy ~t.0"


def test_writes_never_run_out_and_later_rounds_use_fresh_names() -> None:
    source = WriteSource(_scenario(), tag="t")
    writer = Writer(source)
    sent = _drive(source, [writer], steps=100, seed=5)
    assert len(sent) == 100
    assert source.round >= 5
    registers = [a.user for a in sent if a.command is Command.REGISTER]
    assert len(registers) == len(set(registers))  # every round registers new accounts
    assert "Ann ~t.3" in registers


def test_a_blocked_writer_claims_another_lane_instead_of_waiting() -> None:
    source = WriteSource(_scenario(), tag="t")
    writer = Writer(source)
    assert writer.next_write().user == "Ann ~t.0"  # register, not answered yet
    assert writer.next_write().user == "Bob Ø ~t.0"  # Ann waits: claim Bob's lane
    source.registry.add("Bob Ø ~t.0")
    third = writer.next_write()  # Bob's follow of Ann waits for Ann: claim Cy's lane
    assert (third.command, third.user) == (Command.REGISTER, "Cy ~t.0")
    assert writer.lanes == 3
    source.registry.add("Ann ~t.0")
    source.registry.add("Cy ~t.0")
    nxt = [writer.next_write().id for _ in range(3)]
    assert 2 in nxt  # Bob follows Ann once she exists


def test_a_failed_register_blocks_only_its_own_lane() -> None:
    source = WriteSource(_scenario(), tag="t")
    writer = Writer(source)
    writer.next_write()  # Ann's register fails: never added to the registry
    later = [writer.next_write() for _ in range(6)]
    for action in later:
        if action.command is Command.REGISTER:
            source.registry.add(action.user)
    assert all(a.user != "Ann ~t.0" for a in later)
