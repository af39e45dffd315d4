"""The operation a drill rehearses: a shell command, or steps done by hand (``--manual``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO


@dataclass
class OperationRecord:
    """When the operation started and ended (epoch seconds) and how it ended."""

    start: float
    end: float | None = None
    exit_code: int | None = None  # None: manual, or still running
    timed_out: bool = False
    description: str = ""


class ShellOperation:
    """``--during COMMAND``: run by ``/bin/sh -c`` in its own process group; output to a log.

    The command finds the drill's target in ``MINITWIT_DRILL_TARGET`` (the gate's embedded
    app has a port nobody chose).
    """

    def __init__(self, command: str, log_path: Path, timeout: float, target: str) -> None:
        self.command = command
        self.target = target
        self.log_path = log_path
        self.timeout = timeout
        self.proc: subprocess.Popen[bytes] | None = None
        self.record = OperationRecord(start=0.0, description=command)

    def start(self) -> None:
        """Start the command (a failure to start is exit code 127, as a shell says)."""
        self.record.start = time.time()
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                # env(1) adds the variable: the harness reads os.environ in one module only.
                ["env", f"MINITWIT_DRILL_TARGET={self.target}", "/bin/sh", "-c", self.command],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # so a timeout ends everything it started
            )

    def poll(self) -> bool:
        """True once the command ended (or was ended at its timeout)."""
        assert self.proc is not None
        code = self.proc.poll()
        if code is None and time.time() - self.record.start > self.timeout:
            self.kill()
            self.record.timed_out = True
            code = self.proc.wait()
        if code is None:
            return False
        if self.record.end is None:
            self.record.end = time.time()
            self.record.exit_code = code
        return True

    def kill(self) -> None:
        """End the command and its process group."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


class ManualOperation:
    """``--manual``: the operator presses Enter (or sends SIGUSR1) at the start and the end."""

    def __init__(self, prompt: Callable[[str], None], stdin: IO[str] | None = None) -> None:
        self.prompt = prompt
        self.stdin = stdin if stdin is not None else sys.stdin
        self.record = OperationRecord(start=0.0, description="manual")
        self._marks = threading.Semaphore(0)
        self._started = False
        self._previous: signal.Handlers | Callable[[int, FrameType | None], object] | int | None
        self._previous = signal.signal(signal.SIGUSR1, self._on_signal)
        threading.Thread(target=self._read_enter, daemon=True).start()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self._marks.release()

    def _read_enter(self) -> None:
        try:
            for _line in self.stdin:
                self._marks.release()
        except (OSError, ValueError):
            return

    def ask_start(self) -> None:
        """The warm-up is over: forget earlier marks, say what to do to begin."""
        while self._marks.acquire(blocking=False):
            pass
        self.prompt(
            f"drill: warm-up done; press Enter (or kill -USR1 {os.getpid()}) when the operation "
            "STARTS"
        )

    def started(self) -> bool:
        """True once the start was marked (records its time)."""
        if not self._started and self._marks.acquire(blocking=False):
            self._started = True
            self.record.start = time.time()
            self.prompt(
                f"drill: operation started; press Enter (or kill -USR1 {os.getpid()}) when it ENDS"
            )
        return self._started

    def poll(self) -> bool:
        """True once the end was marked."""
        if self.record.end is None and self._marks.acquire(blocking=False):
            self.record.end = time.time()
        return self.record.end is not None

    def close(self) -> None:
        """Restore the previous SIGUSR1 handler."""
        signal.signal(signal.SIGUSR1, self._previous)
