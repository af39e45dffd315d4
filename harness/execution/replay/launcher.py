"""Starts the Locust processes of a replay and follows the results file they write.

The harness process never imports Locust: it writes a job file, starts
``python -m harness.execution.replay.locust_process`` once per role (local; or a master
plus ``--workers`` local workers; or one worker for ``--worker``), and turns every outcome
appended to the results file into an :class:`~harness.events.ActionChecked` event.

Importing Locust takes most of a second, so the coordinating process may be started
before its job file is written (:class:`EngineProcess`): it imports while the harness
reads the scenario, then waits for ``go`` on its standard input.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.errors import HarnessError
from harness.events import ActionChecked, EventSink
from harness.execution.replay.job import Job
from harness.local import stop_process
from harness.results import LineTail, Outcome

MODULE = "harness.execution.replay.locust_process"


@dataclass
class EngineRun:
    """How the coordinating process ended, and the records it appended meanwhile."""

    code: int
    offset: int  # size of the results file before the run: earlier records end here
    outcomes: list[Outcome] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)


def _spawn(job: Job, job_path: Path, log_path: Path) -> subprocess.Popen[bytes]:
    job.write(job_path)
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", MODULE, str(job_path)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )


class EngineProcess:
    """A coordinating process started ahead of its job (it imports Locust meanwhile).

    Use as a context manager: leaving the block without :meth:`hand` (bad input found
    while the job was being prepared, say) closes its standard input, and the process
    ends without doing anything.
    """

    def __init__(self, job_path: Path, log_path: Path) -> None:
        self.job_path = job_path
        with open(log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", MODULE, "--wait", str(job_path)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.PIPE,
            )

    def hand(self, job: Job) -> subprocess.Popen[bytes]:
        """Write ``job`` to the process's job file and tell it to run it."""
        job.write(self.job_path)
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(b"go\n")
            self.proc.stdin.close()
        except BrokenPipeError:  # it died while importing: its exit code tells
            pass
        return self.proc

    def __enter__(self) -> EngineProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            self.proc.stdin.close()
        stop_process(self.proc, grace_s=5)


def _last_line(path: Path) -> str:
    try:
        lines = [ln for ln in path.read_text(errors="replace").splitlines() if ln.strip()]
    except FileNotFoundError:
        return ""
    return lines[-1] if lines else ""


def run_processes(
    job: Job,
    local_workers: int,
    work_dir: Path,
    sink: EventSink,
    *,
    on_tick: Callable[[], None] | None = None,
    engine: EngineProcess | None = None,
) -> EngineRun:
    """Run the coordinating process (and local workers); stream outcomes; return the run.

    ``engine``: a coordinating process already started (it gets the job); else one is
    started here.
    """
    results = Path(job.results)
    offset = results.stat().st_size if results.exists() else 0
    tail = LineTail(results, offset)
    run = EngineRun(code=0, offset=offset)
    log_path = work_dir / "locust.log"
    with ExitStack() as stack:
        if engine is None:
            engine = stack.enter_context(EngineProcess(work_dir / f"job-{job.role}.json", log_path))
        main_proc = engine.hand(job)
        stack.callback(stop_process, main_proc, grace_s=5)
        for index in range(local_workers):
            worker = Job(role="worker", master_host="127.0.0.1", master_port=job.master_port)
            proc = _spawn(worker, work_dir / f"job-worker-{index}.json", log_path)
            stack.callback(stop_process, proc, grace_s=5)
        while True:
            code = main_proc.poll()
            for record in (json.loads(line) for line in tail.new_lines() if line.strip()):
                if record.get("type") == "outcome":
                    outcome = Outcome.from_record(dict(record))
                    run.outcomes.append(outcome)
                    sink(ActionChecked(outcome))
                elif record.get("type") == "evidence":
                    run.evidence.append(dict(record))
            if on_tick is not None:
                on_tick()
            if code is not None:
                break
            time.sleep(0.1)
    if code not in (0, 3, 4):
        raise HarnessError(f"replay engine failed (exit {code}): {_last_line(log_path)}")
    if code == 4:
        raise HarnessError(f"replay: workers did not connect within {job.worker_wait:.0f}s")
    if code == 3:
        raise HarnessError("replay: a worker was lost mid-run; run again with --resume")
    run.code = code
    return run


def run_worker(job: Job, work_dir: Path) -> int:
    """Run one worker in the foreground (``--worker``) until its master ends the run."""
    proc = _spawn(job, work_dir / f"job-worker-{os.getpid()}.json", work_dir / "locust.log")
    try:
        return proc.wait()
    finally:
        stop_process(proc, grace_s=5)
