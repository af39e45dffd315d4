"""``--manual``: the operator marks the operation's start and end (here: with SIGUSR1)."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.servers import serve_reference_app


def _lines(stream: object, out: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        out.put(line)


def _wait_for(lines: queue.Queue[str], text: str, timeout: float = 30.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        if text in line:
            return line
    raise AssertionError(f"no line with {text!r} within {timeout}s")


def _end(proc: subprocess.Popen[str], reader: threading.Thread) -> None:
    """Kill the drill if a test failed before it ended, and close its pipes (left open, they
    would warn, as an error, in whichever later test the garbage collector runs)."""
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    reader.join(timeout=10)  # EOF on stderr once the process is gone
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


@contextmanager
def sigint_default_in_children() -> Iterator[None]:
    """Children started in this block get SIGINT's default action, as a terminal's job does.

    An ignored signal stays ignored across exec (a suite started in the background, e.g.
    ``nohup make test &``, ignores SIGINT), while a caught one is reset to the default: so
    catch it here for the block.
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def test_manual_marks_by_signal(tmp_path: Path) -> None:
    results = tmp_path / "drill.json"
    with serve_reference_app(f"sqlite:///{tmp_path / 'm.db'}", tmp_path) as server:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "harness",
                "drill",
                "--target",
                server.url,
                "--manual",
                "--warm-up",
                "2s",
                "--cool-down",
                "3s",
                "--results",
                str(results),
                "--output-dir",
                str(tmp_path / "out"),
            ],
            stdin=subprocess.PIPE,  # a terminal that nobody types into
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        lines: queue.Queue[str] = queue.Queue()
        reader = threading.Thread(target=_lines, args=(proc.stderr, lines), daemon=True)
        reader.start()
        try:
            prompt = _wait_for(lines, "when the operation STARTS")
            assert f"kill -USR1 {proc.pid}" in prompt
            sent_start = time.time()
            proc.send_signal(signal.SIGUSR1)
            _wait_for(lines, "when it ENDS")
            start_acknowledged = time.time()
            time.sleep(2.0)  # the operation "runs" for two seconds
            sent_end = time.time()
            proc.send_signal(signal.SIGUSR1)
            stdout, _ = proc.communicate(timeout=60)
            exited = time.time()
        finally:
            _end(proc, reader)
    assert proc.returncode == 0, stdout
    doc = json.loads(results.read_text())
    op = doc["operation"]
    assert op["description"] == "manual"
    # Each mark is the time the drill saw its signal: after it was sent, before the drill
    # said so (its next prompt) or exited. Causality, not a bound a busy machine can break.
    assert sent_start <= op["start"] <= start_acknowledged
    assert sent_end <= op["end"] <= exited
    assert op["exit_code"] is None
    assert doc["verdict"]["ok"] is True
    assert doc["totals"]["acknowledged_during_operation"] > 0


def test_ctrl_c_proves_what_was_sent_writes_the_results_and_exits_130(tmp_path: Path) -> None:
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) during the
    operation: the traffic stops, what was sent is read back and proven, drill.json is
    written with the interruption as a failed rule, and the exit code is 130."""
    results = tmp_path / "drill.json"
    with (
        serve_reference_app(f"sqlite:///{tmp_path / 'c.db'}", tmp_path) as server,
        sigint_default_in_children(),
    ):
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "harness",
                "drill",
                "--target",
                server.url,
                "--manual",
                "--warm-up",
                "2s",
                "--results",
                str(results),
                "--output-dir",
                str(tmp_path / "out"),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group, like a terminal's job
        )
        lines: queue.Queue[str] = queue.Queue()
        reader = threading.Thread(target=_lines, args=(proc.stderr, lines), daemon=True)
        reader.start()
        try:
            _wait_for(lines, "when the operation STARTS")
            proc.send_signal(signal.SIGUSR1)
            _wait_for(lines, "s operation started")  # the progress line: phase is set
            os.killpg(proc.pid, signal.SIGINT)
            _wait_for(lines, "drill: interrupted at +")
            stdout, _ = proc.communicate(timeout=60)
        finally:
            _end(proc, reader)
    assert proc.returncode == 130, stdout
    doc = json.loads(results.read_text())
    assert doc["verdict"]["ok"] is False
    assert doc["verdict"]["checks"] == ["drill.interrupted"]
    assert "during the operation" in doc["verdict"]["reasons"][0]
    assert doc["totals"]["acknowledged"] > 0
    assert doc["lost"] == []
    assert doc["unreadable"] is None
    assert f"results in {results}" in stdout
    # The interrupted drill's results are a column of `report` of their own.
    report = subprocess.run(
        [sys.executable, "-m", "harness", "report", str(results), "-o", str(tmp_path / "r")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert report.returncode == 0, report.stderr
    summary = (tmp_path / "r" / "summary.md").read_text(encoding="utf-8")
    assert "drill.interrupted" in summary
    assert f"### Drill ({tmp_path.name}):" in summary
