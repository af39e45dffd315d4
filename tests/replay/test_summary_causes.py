"""Root causes apart from consequences and from timeouts above the simulator's pacing."""

from __future__ import annotations

from harness.execution.replay.summary import findings_from, summarize
from harness.findings import Severity
from harness.planning.causal import causal_predecessors
from harness.planning.expected import expected_state
from harness.results import Outcome
from harness.scenario.model import Action, Command

ANN, BOB = "Ann", "Bob"
ACTIONS = [
    Action(0, 0, 0, Command.REGISTER, ANN, email="a@x", pwd="p"),
    Action(1, 0, 1, Command.REGISTER, BOB, email="b@x", pwd="p"),
    Action(2, 0, 2, Command.TWEET, BOB, content="hi"),
    Action(3, 0, 3, Command.FOLLOW, ANN, target=BOB),
    Action(4, 0, 4, Command.TWEET, ANN, content="yo"),
    Action(5, 0, 5, Command.TWEET, BOB, content="again"),
]


def _outcome(
    action_id: int,
    status: int | None,
    error: str | None = None,
    *,
    at: float,
    until: float | None = None,
) -> Outcome:
    command = str(ACTIONS[action_id].command)
    ok = error is None and status in ((204, 400) if command == "register" else (204,))
    check = None if ok else (f"simulator.{error}" if error else f"simulator.{command}-status")
    end = at + 0.01 if until is None else until
    return Outcome(
        action_id, command, ACTIONS[action_id].user, status, error,
        "ok" if ok else "error", check, 1.0, at, end,
    )  # fmt: skip


def test_predecessors_are_the_users_previous_action_and_the_registers() -> None:
    assert causal_predecessors(ACTIONS) == {0: (), 1: (), 2: (1,), 3: (0, 1), 4: (3, 0), 5: (2, 1)}


def test_a_404_after_a_failed_register_is_its_consequence() -> None:
    outcomes = [
        _outcome(0, 204, at=0),
        _outcome(1, None, "ReadTimeout", at=1, until=1.3),  # alone: a target error
        _outcome(2, 404, at=2),
        _outcome(3, 404, at=3),  # the follow target's register failed
        _outcome(4, 500, at=4),  # a 500 is no consequence: its own defect
        _outcome(5, 404, at=5),
    ]
    summary = summarize(outcomes, ACTIONS)
    assert summary.consequences == {2: 1, 3: 1, 5: 1}
    assert summary.above_pacing == {}
    assert summary.errors_by_class == {"ReadTimeout": 1, "simulator.tweet-status": 1}
    findings = findings_from(summary, outcomes, [], "http://t")
    assert [f.check for f in findings] == ["simulator.ReadTimeout", "simulator.tweet-status"]
    assert "3 later action(s) failed as their consequence" in findings[0].message
    assert "root causes 2 (target errors 2, timeouts above the simulator's pacing 0), " \
        "consequences 3" in "\n".join(summary.lines())  # fmt: skip


def test_a_404_after_an_acknowledged_register_is_a_defect() -> None:
    outcomes = [_outcome(0, 204, at=0), _outcome(1, 204, at=1), _outcome(2, 404, at=2)]
    summary = summarize(outcomes, ACTIONS)
    assert summary.consequences == {}
    assert summary.errors_by_class == {"simulator.tweet-status": 1}


def test_a_timeout_while_others_were_in_flight_is_above_the_pacing() -> None:
    outcomes = [
        _outcome(0, None, "ReadTimeout", at=0.0, until=0.3),
        _outcome(1, 204, at=0.1, until=0.2),  # overlaps the register of Ann
        _outcome(2, 204, at=0.35),
        _outcome(3, 404, at=0.4),  # Ann's register did not answer: a consequence
    ]
    summary = summarize(outcomes, ACTIONS)
    assert summary.above_pacing == {0: 2}
    assert summary.consequences == {3: 0}
    assert summary.errors_by_class == {}
    findings = findings_from(summary, outcomes, [], "http://t")
    assert [(f.check, f.severity) for f in findings] == [
        ("replay.timeout-above-pacing", Severity.WARNING)
    ]


def test_a_retried_action_is_judged_by_its_last_outcome() -> None:
    outcomes = [
        _outcome(0, None, "ConnectionError", at=0),
        _outcome(0, 204, at=5),
        _outcome(1, 204, at=6),
    ]
    summary = summarize(outcomes, ACTIONS)
    assert summary.total == 2 and summary.resent == 1
    assert summary.verdicts == {"ok": 2}
    assert summary.acknowledged == {0, 1}


def test_a_failed_attempt_of_a_resent_action_is_one_more_possible_write() -> None:
    outcomes = [
        _outcome(2, None, "ConnectionError", at=0),  # may have landed before the reset
        _outcome(2, 204, at=5),
        _outcome(4, 204, at=6),
    ]
    state = expected_state(ACTIONS, {0, 1, 2, 3, 4, 5}, outcomes=outcomes)
    bob = state.users[BOB]
    assert [m.content for m in bob.messages] == ["again", "hi"]  # newest first
    assert [m.content for m in bob.maybe_messages] == ["hi"]  # a second copy is accepted
    once = expected_state(ACTIONS, {0, 1, 2, 3, 4, 5}, outcomes=outcomes[1:])
    assert once.users[BOB].maybe_messages == []
