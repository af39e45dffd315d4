"""The gate's verify line says what verify did: a verify that never ran is "not-run", never
"passed" (replay runs it only once every action has an outcome)."""

from __future__ import annotations

from harness.events import Event, RunFinished, RunStarted
from harness.gate.stages import _verify_summary, _VerifyClock


def _clock(*events: Event) -> _VerifyClock:
    seen: list[Event] = []
    clock = _VerifyClock(seen.append)
    for event in events:
        clock(event)
    assert seen == list(events)  # the events still reach the gate's sink
    return clock


def test_a_verify_that_never_started_is_not_run() -> None:
    line = _verify_summary(_clock(RunStarted(kind="replay", target="t")), 0)
    assert line.status == "not-run"
    assert "nothing was read back" in line.detail


def test_a_verify_that_ran_clean_passed() -> None:
    clock = _clock(RunStarted(kind="verify", target="t"), RunFinished(kind="verify", ok=True))
    line = _verify_summary(clock, 0)
    assert (line.status, line.detail) == ("passed", "0 data differences")


def test_a_verify_with_reads_it_could_not_compare_failed() -> None:
    clock = _clock(
        RunStarted(kind="verify", target="t"),
        RunFinished(kind="verify", ok=False, summary="not compared (inconclusive): x\n"),
    )
    line = _verify_summary(clock, 2)
    assert line.status == "failed"
    assert line.detail == "2 data differences; 1 read(s) not compared"
