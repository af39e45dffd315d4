"""The packaged locustfile of ``minitwit-harness load`` (``scenarios/locustfile.py`` wraps it).

Loaded by Locust only. Installs the load hooks and exposes the one user class.
"""

from __future__ import annotations

from harness.execution.load.plugin import install
from harness.execution.load.users import SimulatorLoadUser

install()

__all__ = ["SimulatorLoadUser"]
