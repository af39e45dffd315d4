"""Diagnostic side of the replay benchmark: the harness's transport alone, without Locust.

``python -m bench.transport_only URL SCENARIO CONCURRENCY`` plans every request, prints
``ready``, then sends the scenario's registers and after them every other action through
the replay's ``transport.Client`` from CONCURRENCY greenlets, in scenario order but without
causal waits, verdicts, results file or Locust, and prints one JSON line: the timed part's
wall time (registers included, like the harness's run) and this process's CPU time. Set
beside the full harness's run it shows what the harness's own machinery costs above its
transport. Runs in its own process because gevent monkey-patches it.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402 - after the monkey-patching, as gevent requires
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Iterator  # noqa: E402

import gevent  # noqa: E402

from harness.execution.replay.transport import Client, Target  # noqa: E402
from harness.planning.requests import PlannedRequest, request_for  # noqa: E402
from harness.scenario.model import Command  # noqa: E402
from harness.scenario.parse import read_scenario  # noqa: E402

#: Generous: this side measures throughput, not the simulator's 0.3 s budget.
TIMEOUT_S = 5.0


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _send_all(target: Target, planned: list[PlannedRequest], concurrency: int) -> int:
    """Send ``planned`` in order from ``concurrency`` greenlets; the number of failures."""
    feed: Iterator[PlannedRequest] = iter(planned)
    errors = 0

    def sender() -> None:
        nonlocal errors
        client = Client(target, TIMEOUT_S)
        for request in feed:
            reply = client.send(request)
            errors += reply.error is not None or reply.status != 204

    gevent.joinall([gevent.spawn(sender) for _ in range(concurrency)])
    return errors


def main(argv: list[str]) -> int:
    """Register, then send the rest, from CONCURRENCY greenlets; print the timings."""
    url, path, concurrency = argv[0], argv[1], int(argv[2])
    actions = read_scenario(path).actions
    target = Target(url)
    registers = [request_for(a) for a in actions if a.command is Command.REGISTER]
    rest = [request_for(a) for a in actions if a.command is not Command.REGISTER]
    print("ready", flush=True)  # the caller samples the server's CPU time now
    cpu0, wall0 = _cpu_s(), time.perf_counter()
    errors = _send_all(target, registers, concurrency) + _send_all(target, rest, concurrency)
    wall, cpu = time.perf_counter() - wall0, _cpu_s() - cpu0
    requests = len(registers) + len(rest)
    print(json.dumps({"requests": requests, "wall_s": wall, "cpu_s": cpu, "errors": errors}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
