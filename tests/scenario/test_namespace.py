"""Run namespaces: every username and email of a run carries its tag (README, replay)."""

from __future__ import annotations

import pytest

from harness.scenario.model import Action, Command
from harness.scenario.namespace import namespaced, resolve

R, T, F = Command.REGISTER, Command.TWEET, Command.FOLLOW


def test_names_get_a_suffix_and_emails_a_plus_address() -> None:
    actions = [
        Action(0, 0, 1, R, "Roger Histand", email="roger@x.dk", pwd="p"),
        Action(1, 0, 2, R, "Zoë Åberg", email="no-at-sign", pwd="p"),
        Action(2, 0, 3, F, "Roger Histand", target="Zoë Åberg"),
        Action(3, 0, 4, T, "Zoë Åberg", content="Roger Histand"),
    ]
    out = namespaced(actions, "k3x9q2")
    assert [(a.user, a.email) for a in out[:2]] == [
        ("Roger Histand ~k3x9q2", "roger+k3x9q2@x.dk"),
        ("Zoë Åberg ~k3x9q2", "no-at-sign+k3x9q2"),
    ]
    assert (out[2].user, out[2].target) == ("Roger Histand ~k3x9q2", "Zoë Åberg ~k3x9q2")
    assert out[3].content == "Roger Histand"  # texts are never touched
    assert [a.id for a in out] == [0, 1, 2, 3] and out[0].pwd == "p"
    assert namespaced(actions, None) == actions


def test_auto_draws_a_fresh_tag_unless_a_run_recorded_one() -> None:
    first, second = resolve("auto"), resolve("auto")
    assert first != second and len(first or "") == 6
    assert resolve("auto", recorded="abc123") == "abc123"  # --resume keeps its namespace
    assert resolve("none") is None and resolve("") is None
    assert resolve("staging-2.1") == "staging-2.1"


@pytest.mark.parametrize("bad", ["has space", "a/b", "x" * 17, "tab\there", "ü"])
def test_a_tag_outside_the_rule_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="1-16 letters, digits"):
        resolve(bad)
