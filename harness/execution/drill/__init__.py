"""``minitwit-harness drill``: rehearse an operation under simulator traffic, then prove it."""

from __future__ import annotations

from harness.execution.drill.result import DrillResult
from harness.execution.drill.run import run_drill

__all__ = ["DrillResult", "run_drill"]
