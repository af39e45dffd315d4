"""Causal replay of simulator traffic on Locust: :func:`run_replay`.

Importing this package stays light (no Locust, no gevent, no HTTP client): the module
``locust_process`` is started as ``python -m`` in its own processes and must be able to
let Locust monkey-patch before anything else is imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.config import Config
    from harness.events import EventSink
    from harness.execution.replay.engine import ReplayResult


def run_replay(config: Config, sink: EventSink) -> ReplayResult:
    """Replay ``config.replay.scenario`` against ``config.target``; see the README."""
    from harness.execution.replay.engine import run_replay as run

    return run(config, sink)


def __getattr__(name: str) -> object:
    if name == "ReplayResult":
        from harness.execution.replay.engine import ReplayResult

        return ReplayResult
    raise AttributeError(name)
