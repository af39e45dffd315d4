"""Errors of the tool itself (never findings about the target).

Every one of them is shown to the user as a single line and ends the process with
``ExitCode.TOOL_ERROR`` unless it says otherwise.
"""

from __future__ import annotations

from harness.constants import ExitCode


class HarnessError(Exception):
    """A problem that stops the tool; ``str(err)`` is the one line shown to the user."""

    exit_code: ExitCode = ExitCode.TOOL_ERROR


class UsageError(HarnessError):
    """An invalid flag, option value or config file entry."""


class InputError(HarnessError):
    """Bad input data, e.g. a malformed scenario or results file."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        where = ""
        if path is not None:
            where = f"{path}:{line}: " if line is not None else f"{path}: "
        super().__init__(f"{where}{message}")
        self.path = path
        self.line = line


class TargetUnreachable(HarnessError):
    """The target did not answer at the start of a run."""
