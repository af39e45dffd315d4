"""The coordinator: one record per outcome, register relay, final barrier, max errors."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Documented exception: MSG_* are the internal message names between Locust processes (no
# spec or README value); the test asserts which messages go out when, not their names.
from harness.execution.replay.coordinator import MSG_COMPLETED, MSG_RELEASE_FINAL, Coordinator
from harness.execution.replay.summary import latency_table, percentile
from harness.results import Outcome, ResultsWriter
from tests.replay.replay_support import simple_actions

ACTIONS = simple_actions(users=2, actions=5)  # 0, 1 register; 4 is the final action


def _report(action_id: int, verdict: str = "ok", error: str | None = None) -> dict[str, Any]:
    action = ACTIONS[action_id]
    outcome = Outcome(
        action_id,
        str(action.command),
        action.user,
        None if error else 204,
        error,
        verdict,
        None if verdict == "ok" else f"simulator.{error}",
        1.25,
        10.0,
        10.5,
    )
    return {"outcome": outcome.to_record(), "evidence": None}


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[ResultsWriter]:
    """The results file the coordinator writes (it does not own it: the engine closes it)."""
    with ResultsWriter(tmp_path / "r.jsonl") as results:
        yield results


def _coordinator(
    writer: ResultsWriter, **kwargs: Any
) -> tuple[Coordinator, list[Any], Path, io.StringIO]:
    sent: list[Any] = []
    results = writer.path
    log = io.StringIO()
    coordinator = Coordinator(
        ACTIONS,
        set(),
        writer,
        base_url="http://t",
        broadcast=lambda kind, data: sent.append((kind, data)),
        simulator_log=log,
        **kwargs,
    )
    coordinator.start()
    return coordinator, sent, results, log


def test_records_relays_registers_and_opens_the_barrier_last(writer: ResultsWriter) -> None:
    coordinator, sent, results, _ = _coordinator(writer)
    for action_id in (1, 0, 2):
        coordinator.on_outcome(_report(action_id))
    coordinator.on_outcome(_report(2))  # a duplicate report is never recorded twice
    assert sent == [(MSG_COMPLETED, [1]), (MSG_COMPLETED, [0])]
    coordinator.on_outcome(_report(3))
    assert sent[-1] == (MSG_RELEASE_FINAL, None)
    assert not coordinator.finished.is_set()
    coordinator.on_outcome(_report(4))
    assert coordinator.finished.is_set() and not coordinator.progress.stopped_early
    ids = [json.loads(line)["action_id"] for line in results.read_text().splitlines()]
    assert ids == [1, 0, 2, 3, 4]


def test_max_errors_finishes_early_and_logs_like_the_simulator(writer: ResultsWriter) -> None:
    coordinator, _, _, log = _coordinator(writer, max_errors=2)
    coordinator.on_outcome(_report(0, "error", "ConnectionError"))
    assert not coordinator.finished.is_set()
    coordinator.on_outcome(_report(1, "error", "ReadTimeout"))
    assert coordinator.finished.is_set() and coordinator.progress.stopped_early
    lines = [line.split(",", 1)[1] for line in log.getvalue().splitlines()]
    assert lines == ["http://t,0,ConnectionError", "http://t,1,ReadTimeout"]


def test_nothing_left_to_send_finishes_at_start(writer: ResultsWriter) -> None:
    coordinator = Coordinator(
        ACTIONS,
        {a.id for a in ACTIONS},
        writer,
        base_url="http://t",
        broadcast=lambda kind, data: None,
    )
    coordinator.start()
    assert coordinator.finished.is_set()


def test_percentiles_are_nearest_rank_with_sub_ms_precision() -> None:
    values = [float(v) / 8 for v in range(1, 101)]
    assert percentile(values, 50) == 6.25 and percentile(values, 99) == 12.375
    outcomes = [
        Outcome(i, "tweet", "u", 204, None, "ok", None, v, 0.0, 0.0) for i, v in enumerate(values)
    ]
    row = latency_table(outcomes)["tweet"]
    assert row == {"count": 100.0, "p50": 6.25, "p95": 11.875, "p99": 12.375, "max": 12.5}


def test_simulator_log_lines_come_in_id_order_whatever_the_completion_order(
    writer: ResultsWriter,
) -> None:
    coordinator, _, _, log = _coordinator(writer)
    coordinator.on_outcome(_report(2, "error", "ReadTimeout"))
    coordinator.on_outcome(_report(1))
    assert log.getvalue() == ""  # id 0 has no outcome yet: the simulator had not got to 2
    coordinator.on_outcome(_report(0, "error", "ConnectionError"))
    lines = [line.split(",", 1)[1] for line in log.getvalue().splitlines()]
    assert lines == ["http://t,0,ConnectionError", "http://t,2,ReadTimeout"]


def test_lines_still_held_are_written_when_a_run_stops_early(
    writer: ResultsWriter, tmp_path: Path
) -> None:
    path = tmp_path / "sim.log"
    coordinator = Coordinator(
        ACTIONS,
        set(),
        writer,
        base_url="http://t",
        broadcast=lambda kind, data: None,
        simulator_log=open(path, "w", encoding="utf-8"),  # noqa: SIM115 - closed by close()
        max_errors=2,
    )
    coordinator.start()
    coordinator.on_outcome(_report(3, "error", "ReadTimeout"))
    coordinator.on_outcome(_report(2, "error", "ConnectionError"))
    assert coordinator.progress.stopped_early
    coordinator.close()
    lines = [line.split(",", 1)[1] for line in path.read_text().splitlines()]
    assert lines == ["http://t,2,ConnectionError", "http://t,3,ReadTimeout"]
