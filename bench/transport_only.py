"""Diagnostic side of the replay benchmark: the harness's transport alone, without Locust.

``python -m bench.transport_only URL SCENARIO CONCURRENCY`` plans every request, prints
``ready``, then sends the scenario's registers and after them every other action through
the replay's ``transport.WireClient`` from CONCURRENCY greenlets, in scenario order but without
causal waits, verdicts, results file or Locust, and prints one JSON line: the timed part's
wall time (registers included, like the harness's run) and this process's CPU time. Set
beside the full harness's run it shows what the harness's own machinery costs above its
transport. Runs in its own process because gevent monkey-patches it.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import sys  # noqa: E402 - after the monkey-patching, as gevent requires
from collections.abc import Iterator  # noqa: E402

import gevent  # noqa: E402

from bench.diagnostic_side import TIMEOUT_S, run_side  # noqa: E402
from harness.execution.replay.transport import Endpoint, WireClient  # noqa: E402
from harness.planning.requests import PlannedRequest, request_for  # noqa: E402
from harness.scenario.model import Action  # noqa: E402


def _plan(target: Endpoint, action: Action) -> PlannedRequest:
    return request_for(action)


def _send_all(target: Endpoint, planned: list[PlannedRequest], concurrency: int) -> int:
    """Send ``planned`` in order from ``concurrency`` greenlets; the number of failures."""
    feed: Iterator[PlannedRequest] = iter(planned)
    errors = 0

    def sender() -> None:
        nonlocal errors
        client = WireClient(target, TIMEOUT_S)
        for request in feed:
            reply = client.send(request)
            errors += reply.error is not None or reply.status != 204

    gevent.joinall([gevent.spawn(sender) for _ in range(concurrency)])
    return errors


if __name__ == "__main__":
    raise SystemExit(run_side(sys.argv[1:], _plan, _send_all))
