"""Part files: raw timings round-trip into Outcome records; merging keeps every request."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import InputError
from harness.execution.load.parts import PartTail, PartWriter, read_part
from harness.execution.load.runner import write_results
from harness.results import header_record, read_outcomes, read_records


def _write(path: Path, worker: str, rows: int, start: float) -> None:
    writer = PartWriter(path, worker, "http://t")
    for i in range(rows):
        writer.write(i, "tweet", f"Ann Ø ~x.{i}", 204, None, None, 0.123456 + i, start + i)
    writer.write(-1, "latest", None, None, "ReadTimeout", "simulator.ReadTimeout", 300.5, start)
    writer.close()


def test_round_trip_keeps_raw_values(tmp_path: Path) -> None:
    _write(tmp_path / "part-local.tsv", "local", 2, 100.0)
    first, second, timeout = read_part(tmp_path / "part-local.tsv")
    assert (first.action_id, first.user, first.status, first.verdict) == (
        0,
        "Ann Ø ~x.0",
        204,
        "ok",
    )
    assert first.latency_ms == 0.123456  # sub-millisecond precision
    assert second.finished == pytest.approx(101.0 + 1.123456 / 1000)
    assert (timeout.user, timeout.status, timeout.error) == (None, None, "ReadTimeout")
    assert (timeout.verdict, timeout.check, timeout.worker) == (
        "error",
        "simulator.ReadTimeout",
        "local",
    )


def test_torn_last_line_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "part-worker-0.tsv"
    _write(path, "worker-0", 3, 0.0)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("7\ttweet\tAnn")  # the process was killed mid-line
    assert len(list(read_part(path))) == 4


def test_not_a_part_file(tmp_path: Path) -> None:
    path = tmp_path / "x.tsv"
    path.write_text("hello\n")
    with pytest.raises(InputError, match="not a load part file"):
        list(read_part(path))


def test_merge_orders_by_start_and_keeps_every_worker(tmp_path: Path) -> None:
    _write(tmp_path / "a.tsv", "worker-0", 3, 10.0)
    _write(tmp_path / "b.tsv", "worker-1", 2, 10.5)
    out = tmp_path / "results.jsonl"
    parts = [*read_part(tmp_path / "a.tsv"), *read_part(tmp_path / "b.tsv")]
    merged = write_results(parts, out, header_record("load", "t"))
    assert len(merged) == 3 + 1 + 2 + 1
    assert [o.started for o in merged] == sorted(o.started for o in merged)
    assert list(read_outcomes(out)) == merged
    assert next(iter(read_records(out)))["kind"] == "load"


def test_tail_yields_each_whole_line_once_as_the_file_grows(tmp_path: Path) -> None:
    path = tmp_path / "part-local.tsv"
    tail = PartTail(path)
    assert tail.new_outcomes() == []  # the process has not created it yet
    writer = PartWriter(path, "local", "http://t")
    assert tail.new_outcomes() == []  # the header alone
    writer.write(0, "tweet", "Ann", 204, None, None, 1.5, 10.0)
    writer.write(1, "follow", "Bob", 204, None, None, 2.5, 10.1)
    writer._fh.flush()
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("2\tunfollow\tCé")  # a line the writer has not finished
    first = tail.new_outcomes()
    assert [(o.action_id, o.user, o.worker) for o in first] == [
        (0, "Ann", "local"),
        (1, "Bob", "local"),
    ]
    assert tail.new_outcomes() == []
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("cile\t204\t\t\t3.5\t10.2\n")
    (rest,) = tail.new_outcomes()
    assert (rest.action_id, rest.command, rest.user, rest.latency_ms) == (
        2,
        "unfollow",
        "Cécile",
        3.5,
    )
    writer.close()


def test_tail_refuses_a_file_that_is_not_a_part(tmp_path: Path) -> None:
    path = tmp_path / "part-x.tsv"
    path.write_text("hello\n1\ttweet\n")
    with pytest.raises(InputError, match="not a load part file"):
        PartTail(path).new_outcomes()


def test_writer_flushes_every_half_second_of_request_starts(tmp_path: Path) -> None:
    """Lines reach the file while the run goes on, not only when the process ends."""
    path = tmp_path / "part-local.tsv"
    writer = PartWriter(path, "local", "http://t")
    tail = PartTail(path)
    writer.write(0, "tweet", "Ann", 204, None, None, 1.0, 1000.0)  # first line: flushed
    assert len(tail.new_outcomes()) == 1
    writer.write(1, "tweet", "Ann", 204, None, None, 1.0, 1000.1)  # 0.1 s later: buffered
    assert tail.new_outcomes() == []
    writer.write(2, "tweet", "Ann", 204, None, None, 1.0, 1000.6)  # 0.6 s later: flushed
    assert [o.action_id for o in tail.new_outcomes()] == [1, 2]
    writer.close()
