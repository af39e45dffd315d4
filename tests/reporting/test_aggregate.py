"""The report's tables: errors by class and command, latency percentiles, throughput, progress."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.reporting import aggregate
from harness.reporting.bundle import read_bundle
from harness.results import Outcome, ResultsWriter, header_record


def _results(path: Path, rows: list[tuple[int, str, int | None, str | None, float]]) -> Path:
    with ResultsWriter(path) as w:
        w.write(header_record("replay", "http://t.test"))
        t = 100.0
        for action_id, command, status, error, latency in rows:
            ok = error is None and status == 204
            w.outcome(
                Outcome(
                    action_id,
                    command,
                    "u",
                    status,
                    error,
                    "ok" if ok else "error",
                    None if ok else "simulator.x",
                    latency,
                    t,
                    t + latency / 1000,
                )
            )
            t += 1.0
    return path


def test_tables_from_known_outcomes(tmp_path: Path) -> None:
    rows: list[tuple[int, str, int | None, str | None, float]]
    rows = [(i, "tweet", 204, None, float(i + 1)) for i in range(10)]
    rows += [(10, "follow", 500, None, 5.0), (11, "follow", None, "ReadTimeout", 300.0)]
    bundle = read_bundle(_results(tmp_path / "t.jsonl", rows))
    frame = aggregate.outcomes_frame([bundle])

    errors = aggregate.errors_table(frame)
    assert sorted(zip(errors["class"], errors["count"], strict=True)) == [
        ("HTTP 500", 1),
        ("ReadTimeout", 1),
    ]
    assert set(errors["endpoint"]) == {"POST /fllws/<user> (follow)"}

    latency = aggregate.latency_table(frame).set_index("command")
    assert latency.loc["tweet", "count"] == 10
    assert latency.loc["tweet", "p50"] == pytest.approx(5.5)
    assert latency.loc["tweet", "max"] == 10.0
    assert latency.loc["follow", "errors"] == 2

    throughput = aggregate.throughput_table(frame)
    assert throughput.loc[0, "requests"] == 12
    assert throughput.loc[0, "per_second"] == pytest.approx(12 / (11 + 0.3))

    latest = aggregate.latest_progress(frame)
    assert list(latest["latest"]) == list(range(10))  # the two failed follows never count

    along = aggregate.errors_along_scenario(frame)
    assert list(along["errors"])[-3:] == [0, 1, 2]


def test_outcomes_frame_has_one_row_per_outcome_with_its_label_and_stage(tmp_path: Path) -> None:
    from dataclasses import asdict

    import pandas as pd

    from tests.reporting.factory import make_bundle

    bundles = [
        read_bundle(make_bundle(tmp_path / "a", "a")),
        read_bundle(make_bundle(tmp_path / "b", "b", failing_ids=[3, 5])),
    ]
    rows = [
        {"label": b.label, "stage": stage, **asdict(o)}
        for b in bundles
        for stage, outcomes in b.outcomes.items()
        for o in outcomes
    ]
    expected = pd.DataFrame(rows, columns=aggregate.OUTCOME_COLUMNS)
    pd.testing.assert_frame_equal(aggregate.outcomes_frame(bundles), expected)
    empty = pd.DataFrame([], columns=aggregate.OUTCOME_COLUMNS)
    pd.testing.assert_frame_equal(aggregate.outcomes_frame([]), empty)
