"""Property: generate (or build) -> write -> parse -> write gives the same bytes."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.scenario.generate import generate_actions, write_scenario
from harness.scenario.model import Action, Command
from harness.scenario.parse import read_scenario

HAZARDS = list("\"'\\#%,;&<>=+-@ \ufeff\u2028\u2029\x0b\x0c\x1c\x85“”‘’–—😀é")
# Anything but the format's own separators: tab, LF, and CR (a trailing CR reads as CRLF).
FIELD = st.text(
    alphabet=st.one_of(
        st.sampled_from(HAZARDS),
        st.characters(exclude_categories=["Cs"], exclude_characters="\t\n\r"),
    ),
    max_size=40,
)


def _round_trip(actions: list[Action]) -> tuple[bytes, bytes, list[Action]]:
    with tempfile.TemporaryDirectory() as tmp:
        first, second = Path(tmp) / "a.tsv", Path(tmp) / "b.tsv"
        write_scenario(first, actions)
        parsed = read_scenario(first).actions
        write_scenario(second, parsed)
        return first.read_bytes(), second.read_bytes(), parsed


@settings(max_examples=25, deadline=None)
@given(
    users=st.integers(min_value=1, max_value=40),
    extra=st.integers(min_value=0, max_value=400),
    seed=st.integers(min_value=0, max_value=2**63),
)
def test_generated_scenarios_round_trip(users: int, extra: int, seed: int) -> None:
    actions = generate_actions(users, users + extra, seed)
    first, second, parsed = _round_trip(actions)
    assert first == second
    assert [a.fields() for a in parsed] == [a.fields() for a in actions]
    assert first.count(b"\n") == len(actions)


@st.composite
def hazardous_action(draw: st.DrawFn, index: int) -> Action:
    command = draw(st.sampled_from(list(Command)))
    head = (
        index,
        draw(st.integers(min_value=0, max_value=2**53)),
        draw(st.integers(min_value=0, max_value=2**53)),
        command,
        draw(FIELD),
    )
    if command is Command.REGISTER:
        return Action(*head, email=draw(FIELD), pwd=draw(FIELD))
    if command is Command.TWEET:
        return Action(*head, content=draw(FIELD))
    return Action(*head, target=draw(FIELD))


@st.composite
def hazardous_scenario(draw: st.DrawFn) -> list[Action]:
    size = draw(st.integers(min_value=1, max_value=12))
    return [draw(hazardous_action(i)) for i in range(size)]


@settings(max_examples=150, deadline=None)
@given(actions=hazardous_scenario())
def test_hazardous_field_text_round_trips_byte_for_byte(actions: list[Action]) -> None:
    first, second, parsed = _round_trip(actions)
    assert first == second
    assert [a.fields() for a in parsed] == [a.fields() for a in actions]
    assert [a.line for a in parsed] == [a.id + 1 for a in actions]
