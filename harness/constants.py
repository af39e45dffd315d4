"""Named exit codes and format identifiers, in one place."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes of ``minitwit-harness``."""

    OK = 0
    FINDINGS = 1  # the target failed a check, a threshold or the gate
    TOOL_ERROR = 2  # the tool could not run: bad flag, bad input, unreachable target
    INTERRUPTED = 130


RESULTS_FORMAT = "minitwit-harness.results"
FINDINGS_FORMAT = "minitwit-harness.findings"
SUMMARY_FORMAT = "minitwit-harness.summary"
DRILL_FORMAT = "minitwit-harness.drill"
SIMULATION_STATUS_FORMAT = "minitwit-harness.simulation-status"
FORMAT_VERSION = 1

SIMULATOR_AUTH = "Basic c2ltdWxhdG9yOnN1cGVyX3NhZmUh"
SIMULATOR_TIMEOUT_S = 0.3
